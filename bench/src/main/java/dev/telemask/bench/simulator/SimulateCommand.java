package dev.telemask.bench.simulator;

import dev.telemask.simulator.FleetRegistration;
import dev.telemask.simulator.RegistrationTarget;
import dev.telemask.simulator.SimulatorOptions;
import dev.telemask.simulator.FleetSimulator;
import dev.telemask.simulator.SimulationReport;
import dev.telemask.bench.DurationConverter;
import dev.telemask.bench.HelpOption;
import dev.telemask.codec.Imei;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code telemask simulate ...}: runs a fleet from the command line, prints progress and the JSON report. */
@Command(name = "simulate", sortOptions = false,
        description = "Simulated Teltonika devices, one connection each, driving routes and sending Codec 8E frames"
                + " to a gateway at an aggregate record rate; each resends what is not acknowledged.",
        footer = {"", "The last line printed is the report as JSON. Exit code 0 when every record sent was"
                + " acknowledged, 1 when not, 2 on bad options or a registration that could not be done."})
public final class SimulateCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    private final Map<String, String> environment;
    private final PrintStream out;

    @Spec
    CommandSpec spec;

    @Option(names = "--devices", paramLabel = "N", defaultValue = "100",
            description = "simulated devices, one connection each (default: ${DEFAULT-VALUE})")
    int devices;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "1000",
            description = "aggregate records/s across the fleet (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--duration", paramLabel = "D", defaultValue = "60s", converter = DurationConverter.class,
            description = "how long to send, e.g. 90s, 5m, 1h, 500ms (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--host", paramLabel = "H", defaultValue = "127.0.0.1",
            description = "the gateway's host (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", paramLabel = "P", defaultValue = "5027",
            description = "the gateway's device port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--records-per-frame", paramLabel = "K", defaultValue = "5",
            description = "records per Codec 8E frame, 1..255 (default: ${DEFAULT-VALUE})")
    int recordsPerFrame;

    @Option(names = "--imei-base", paramLabel = "B", defaultValue = "350000000000000",
            description = "IMEI of the first device; the rest follow contiguously (default: ${DEFAULT-VALUE})")
    long imeiBase;

    @Option(names = "--tls", description = "connect with TLS (trusts any server certificate)")
    boolean tls;

    @Option(names = "--ack-timeout", paramLabel = "T", defaultValue = "30s", converter = DurationConverter.class,
            description = "wait for a reply before reconnecting and resending (default: ${DEFAULT-VALUE})")
    Duration ackTimeout;

    @Option(names = "--connect-rate", paramLabel = "C", defaultValue = "1000",
            description = "new connections per second while ramping up (default: ${DEFAULT-VALUE})")
    double connectRate;

    @Option(names = "--drain", paramLabel = "T", defaultValue = "60s", converter = DurationConverter.class,
            description = "after the duration, how long to wait for outstanding ACKs (default: ${DEFAULT-VALUE})")
    Duration drain;

    @Option(names = "--report-interval", paramLabel = "T", defaultValue = "5s", converter = DurationConverter.class,
            description = "period of the progress lines (default: ${DEFAULT-VALUE})")
    Duration reportInterval;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "seeds the routes (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--register", description = "register the fleet's IMEIs through the fleet API before driving"
            + " them; devices already in the fleet are left as they are, ones of another fleet are reported")
    boolean register;

    @Option(names = "--api", paramLabel = "URL",
            description = "the gateway's HTTP address for --register (default: http://HOST:8080)")
    String api;

    @Option(names = "--token", paramLabel = "T",
            description = "an admin token of the fleet to register into (default: $TELEMASK_TOKEN)")
    String token;

    /** {@code environment} gives {@code TELEMASK_TOKEN}; progress and the report go to {@code out}. */
    public SimulateCommand(Map<String, String> environment, PrintStream out) {
        this.environment = environment;
        this.out = out;
    }

    /** What the parsed options ask for; throws {@link ParameterException} naming the option on a bad value. */
    SimulateArguments arguments() {
        require(devices > 0, "--devices must be a positive number of devices, got " + devices);
        require(rate > 0, "--rate must be a positive number of records/s, got " + rate);
        require(!duration.isNegative(), "--duration must not be negative, got " + duration);
        require(port > 0 && port < 65536, "--port must be 1..65535, got " + port);
        require(recordsPerFrame >= 1 && recordsPerFrame <= 255, "--records-per-frame must be 1..255, got " + recordsPerFrame);
        require(Imei.isValid(imeiBase) && Imei.isValid(imeiBase + devices - 1), "--imei-base " + imeiBase + " with "
                + devices + " devices leaves the 15-digit IMEI range");
        require(ackTimeout.toMillis() > 0, "--ack-timeout must be positive, got " + ackTimeout);
        require(connectRate > 0, "--connect-rate must be a positive number of connections/s, got " + connectRate);
        require(!drain.isNegative(), "--drain must not be negative, got " + drain);
        require(reportInterval.toMillis() > 0, "--report-interval must be positive, got " + reportInterval);
        SimulatorOptions fleet = SimulatorOptions.builder().devices(devices).recordsPerSecond(rate).duration(duration)
                .host(host).port(port).recordsPerFrame(recordsPerFrame).imeiBase(imeiBase).tls(tls)
                .ackTimeout(ackTimeout).connectRate(connectRate).drainTimeout(drain).reportInterval(reportInterval)
                .seed(seed).build();
        if (!register) {
            require(api == null, "--api is only for --register");
            return new SimulateArguments(fleet, Optional.empty());
        }
        String bearer = token != null ? token : environment.get("TELEMASK_TOKEN");
        require(bearer != null && !bearer.isBlank(), "--register needs an admin token of the fleet: --token T (or"
                + " TELEMASK_TOKEN), e.g. from ./telemask token create --tenant demo --role admin");
        return new SimulateArguments(fleet, Optional.of(new RegistrationTarget(apiAddress(), bearer)));
    }

    private URI apiAddress() {
        String text = api != null ? api : "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":8080";
        try {
            URI uri = new URI(text);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // said below
        }
        throw new ParameterException(spec.commandLine(), "--api wants the gateway's HTTP address like"
                + " http://127.0.0.1:8080, got '" + text + "'");
    }

    private void require(boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    /**
     * Runs the fleet and returns the exit code: 0 all acknowledged, 1 not, 2 a registration that could not be done
     * (devices of another fleet among them).
     */
    @Override
    public Integer call() {
        SimulateArguments arguments = arguments();
        SimulatorOptions options = arguments.fleet();
        if (arguments.registration().isPresent()) {
            RegistrationTarget target = arguments.registration().get();
            try {
                FleetRegistration.Outcome outcome = new FleetRegistration(target)
                        .register(options.imei(0), options.devices());
                out.println(outcome.summary() + " at " + target.api());
                if (!outcome.otherFleet().isEmpty()) {
                    return 2;
                }
            } catch (FleetRegistration.RegistrationException e) {
                spec.commandLine().getErr().println("telemask simulate: " + e.getMessage());
                return 2;
            }
        }
        out.printf(Locale.ROOT, "simulating %d devices (IMEI %d..%d) at %.0f records/s in frames of %d for %ds against %s:%d%s%n",
                options.devices(), options.imei(0), options.imei(options.devices() - 1), options.recordsPerSecond(),
                options.recordsPerFrame(), options.duration().toSeconds(), options.host(), options.port(),
                options.tls() ? " over TLS" : "");
        FleetSimulator simulator = new FleetSimulator(options, out);
        CountDownLatch reported = new CountDownLatch(1);
        // Ctrl-C ends the sending phase; the JVM waits (boundedly) for the drain and the report.
        long patience = options.drainTimeout().toSeconds() + 30;
        Thread hook = new Thread(() -> {
            simulator.stop();
            try {
                reported.await(patience, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "simulate-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        SimulationReport report = simulator.run();
        out.printf(Locale.ROOT, "done: %d of %d records acknowledged (%d unacknowledged), %.0f acked/s, "
                        + "latency p50 %.1f p95 %.1f p99 %.1f max %.1f ms, %d rejects, %d timeouts, %d frames resent, %d reconnects%n",
                report.recordsAcked(), report.recordsSent(), report.recordsUnacknowledged(), report.ackedPerSecond(),
                report.latency().p50Ms(), report.latency().p95Ms(), report.latency().p99Ms(), report.latency().maxMs(),
                report.rejects(), report.timeouts(), report.framesResent(), report.reconnects());
        report.refusalSummary().ifPresent(out::println);
        out.println(report.toJson());
        out.flush();
        reported.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Already exiting after Ctrl-C; the hook has what it waited for.
        }
        return report.successful() ? 0 : 1;
    }
}
