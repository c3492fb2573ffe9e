package dev.telemask.bench.simulator;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code telemask simulate ...}: runs a fleet from the command line, prints progress and the JSON report. */
public final class SimulateCommand {
    private SimulateCommand() {}

    /**
     * Runs the command and returns its exit code: 0 all acknowledged, 1 not, 2 bad arguments or a registration that
     * could not be done (devices of another fleet among them).
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        SimulateArguments arguments;
        try {
            arguments = SimulatorCommandLine.parseCommand(System.getenv("TELEMASK_TOKEN"), args);
        } catch (IllegalArgumentException e) {
            err.println("telemask simulate: " + e.getMessage());
            err.println(SimulatorCommandLine.USAGE);
            return 2;
        }
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
                err.println("telemask simulate: " + e.getMessage());
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
