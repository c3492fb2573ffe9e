package dev.telemask.bench.load;

import dev.telemask.bench.DurationConverter;
import dev.telemask.bench.GatewayJarOption;
import dev.telemask.bench.HelpOption;
import dev.telemask.simulator.FleetSimulator;
import dev.telemask.simulator.SimulationReport;
import dev.telemask.simulator.SimulatorOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code telemask load ...}: the end-to-end load test. Starts TimescaleDB and the gateway in its own JVM, registers
 * the devices, and runs the fleet simulator in this JVM step by step (e.g. 1k, 5k, 10k connections), measuring each
 * step after its warm-up.
 */
@Command(name = "load", sortOptions = false,
        description = "The end-to-end load test: the gateway in its own JVM against TimescaleDB (TSDB_URL, or the"
                + " local script's), the fleet simulator in this JVM on the same machine, step by step.",
        footer = {"", "One line per step, then the steps as JSON. Exit code 0 when every record was acknowledged."})
public final class LoadCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);
    private static final int MB = 1 << 20;
    /** The longest a forwarding step waits for its window's records to reach the consumer. */
    private static final Duration DRAIN_LIMIT = Duration.ofMinutes(5);
    /** How long the forwarding may make no progress before a step stops waiting for it. */
    private static final Duration DRAIN_STALLED = Duration.ofSeconds(60);

    private final Map<String, String> environment;
    private final PrintStream out;

    @Spec
    CommandSpec spec;

    @Option(names = "--steps", paramLabel = "N", split = "\\s*,\\s*", splitSynopsisLabel = ",",
            defaultValue = "1000,5000,10000", description = "connections of each step (default: ${DEFAULT-VALUE})")
    List<Integer> steps;

    @Option(names = "--rate-per-device", paramLabel = "R", defaultValue = "5",
            description = "records/s each device sends (default: ${DEFAULT-VALUE}: 50,000/s at 10,000 devices)")
    double ratePerDevice;

    @Option(names = "--records-per-frame", paramLabel = "K", defaultValue = "5",
            description = "records per Codec 8E frame, 1..255 (default: ${DEFAULT-VALUE})")
    int recordsPerFrame;

    @Option(names = "--warm-up", paramLabel = "D", defaultValue = "20s", converter = DurationConverter.class,
            description = "unmeasured start of each step (default: ${DEFAULT-VALUE})")
    Duration warmUp;

    @Option(names = "--measure", paramLabel = "D", defaultValue = "40s", converter = DurationConverter.class,
            description = "measured window of each step (default: ${DEFAULT-VALUE})")
    Duration measure;

    @Mixin
    GatewayJarOption gatewayJar;

    @Option(names = "--gateway-heap", paramLabel = "SIZE", defaultValue = "1g",
            description = "the gateway JVM's -Xmx (default: ${DEFAULT-VALUE})")
    String gatewayHeap;

    @Option(names = "--gateway-java-option", paramLabel = "FLAG",
            description = "a flag for the gateway's JVM after the deployed ones (compact object headers, transparent huge"
                    + " pages); repeatable, e.g. --gateway-java-option=-XX:-UseTransparentHugePages")
    List<String> gatewayJavaOptions = new ArrayList<>();

    @Option(names = "--profile", paramLabel = "FILE", description = "record a JFR profile of the gateway into FILE")
    Path profile;

    @Option(names = "--tsdb-script", paramLabel = "PATH", defaultValue = "deploy/local/timescaledb.sh",
            description = "the local TimescaleDB script, started unless TSDB_URL is set (default: ${DEFAULT-VALUE})")
    Path tsdbScript;

    @Option(names = "--grace-window", paramLabel = "D", converter = DurationConverter.class,
            description = "the devices' private-trip grace window (default: the policy default, 2m; 0s measures"
                    + " trips in progress, where no record waits sealed)")
    Duration graceWindow;

    @Option(names = "--forward-kafka",
            description = "measure Kafka forwarding: start a one-node KRaft broker on 127.0.0.1 in this JVM and run"
                    + " each step twice, on fresh devices each time, first with the gateway's forwarding off, then with"
                    + " the gateway restarted with forward.kafka.* pointing at the broker, while a consumer reads every"
                    + " forwarded position; the second run also reports forwarded rows/s and the delivery lag from each"
                    + " record's ACK to the consumer reading it (p50/p99/max). The private-mode switch is never pressed"
                    + " then; records the policy still makes private are not forwarded and count as not read."
                    + " --grace-window is 0s unless given; not with --profile")
    boolean forwardKafka;

    @Option(names = "--writer-linger", paramLabel = "D", converter = DurationConverter.class,
            description = "the gateway's writer.linger: how long a free writer waits for more records before a"
                    + " transaction (default: the gateway's, 5ms)")
    Duration writerLinger;

    @Option(names = "--transport", paramLabel = "T",
            description = "the gateway's device.transport: auto (epoll where there is, else NIO), epoll, io_uring or nio"
                    + " (default: the gateway's, auto)")
    String transport;

    /** {@code environment} gives {@code TSDB_URL}; progress and results go to {@code out}. */
    public LoadCommand(Map<String, String> environment, PrintStream out) {
        this.environment = environment;
        this.out = out;
    }

    /** What the parsed options ask for; throws {@link ParameterException} naming the option on a bad value. */
    LoadOptions options() {
        String url = environment.get("TSDB_URL");
        String databaseUrl = url == null || url.isBlank() ? null : url.strip();
        try {
            return new LoadOptions(steps, ratePerDevice, recordsPerFrame, warmUp, measure, gatewayJar.path,
                    gatewayHeap, gatewayJavaOptions, profile, tsdbScript, databaseUrl, graceWindow, forwardKafka,
                    writerLinger, transport);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Runs the load test; returns 0 when every step ran and every record was acknowledged, 1 if not. */
    @Override
    public Integer call() throws Exception {
        LoadOptions options = options();
        Path workDir = Path.of("bench", "target", "load").toAbsolutePath();
        out.printf(Locale.ROOT, "load: steps %s at %.1f records/s per device, frames of %d, warm-up %ds, measured %ds,"
                        + " grace window %s%s; %d cores, simulator and gateway share them%n", options.steps(),
                options.ratePerDevice(), options.recordsPerFrame(), options.warmUp().toSeconds(),
                options.measure().toSeconds(), options.graceWindow() == null ? "default" : options.graceWindow(),
                options.forwardKafka() ? "; each step with Kafka forwarding off, then on" : "",
                Runtime.getRuntime().availableProcessors());
        List<LoadStep> steps = new ArrayList<>();
        try (LoadDatabase database = LoadDatabase.open(options, workDir)) {
            String schemaUrl = database.newSchemaUrl();
            if (options.forwardKafka()) {
                steps = runForwarding(options, database, schemaUrl, workDir, out);
            } else {
                try (GatewayJvm gateway = GatewayJvm.start(options.gatewayJar(), options.gatewayHeap(),
                        options.gatewayJavaOptions(), options.profile(), options.maxDevices() + 1_000, schemaUrl,
                        workDir, options.gatewaySettings())) {
                    registerDevices(options, schemaUrl, 1);
                    long imeiBase = SimulatorOptions.DEFAULT_IMEI_BASE;
                    for (int devices : options.steps()) {
                        LoadStep step = runStep(options, gateway, database, devices, imeiBase, null, out);
                        out.println(step.line());
                        steps.add(step);
                        imeiBase += devices; // fresh devices each step: no step resends another's records
                    }
                }
            }
        }
        out.println(steps.stream().map(LoadStep::json).collect(Collectors.joining(",", "[", "]")));
        return steps.stream().allMatch(s -> s.unacknowledged() == 0) ? 0 : 1;
    }

    /**
     * Registers every device the steps use, {@code runsPerStep} fleets of each step's size. With forwarding no trip
     * is private, so that every record is forwarded and the consumer can wait for each one.
     */
    private static void registerDevices(LoadOptions options, String schemaUrl, int runsPerStep) throws Exception {
        int total = options.steps().stream().mapToInt(Integer::intValue).sum() * runsPerStep;
        LoadDatabase.registerDevices(schemaUrl, SimulatorOptions.DEFAULT_IMEI_BASE, total, options.graceWindow(), null,
                !options.forwardKafka());
    }

    /**
     * Each step twice, on fresh devices: by a gateway without forwarding, then by one (restarted on the same
     * database) that forwards to a broker started here, whose positions a consumer reads.
     */
    private static List<LoadStep> runForwarding(LoadOptions options, LoadDatabase database, String schemaUrl,
                                                Path workDir, PrintStream out) throws Exception {
        List<LoadStep> steps = new ArrayList<>();
        try (ForwardingBroker broker = ForwardingBroker.start();
             ForwardedPositions positions = ForwardedPositions.start(broker.bootstrapServers(),
                     ForwardingBroker.POSITIONS_TOPIC)) {
            out.println("load: Kafka broker at " + broker.bootstrapServers());
            boolean registered = false;
            long imeiBase = SimulatorOptions.DEFAULT_IMEI_BASE;
            for (int devices : options.steps()) {
                for (boolean forward : new boolean[] {false, true}) {
                    try (GatewayJvm gateway = GatewayJvm.start(options.gatewayJar(), options.gatewayHeap(),
                            options.gatewayJavaOptions(), null,
                            options.maxDevices() + 1_000, schemaUrl, workDir,
                            forward ? withAll(broker.gatewayEnvironment(), options.gatewaySettings())
                                    : options.gatewaySettings())) {
                        if (!registered) {
                            registerDevices(options, schemaUrl, 2); // the gateway has migrated the schema now
                            registered = true;
                        }
                        DeliveryLag lag = forward ? new DeliveryLag() : null;
                        positions.countInto(lag);
                        LoadStep step = runStep(options, gateway, database, devices, imeiBase, lag, out);
                        out.println(step.line());
                        steps.add(step);
                    }
                    imeiBase += devices;
                }
            }
        }
        return steps;
    }

    /**
     * One step of {@code devices} connections; with {@code lag} (forwarding on) it also measures what the consumer
     * reads, and waits (a bounded time) for every record acknowledged in the window to be read before it returns.
     */
    private static LoadStep runStep(LoadOptions options, GatewayJvm gateway, LoadDatabase database, int devices,
                                    long imeiBase, DeliveryLag lag, PrintStream out) throws Exception {
        AtomicLong acked = new AtomicLong();
        SimulatorOptions simulation = SimulatorOptions.builder()
                .devices(devices).recordsPerSecond(devices * options.ratePerDevice())
                .duration(options.warmUp().plus(options.measure())).port(gateway.devicePort())
                .recordsPerFrame(options.recordsPerFrame()).imeiBase(imeiBase)
                .drainTimeout(Duration.ofSeconds(60)).reportInterval(SAMPLE_EVERY)
                .listener((imei, records) -> {
                    acked.addAndGet(records.size());
                    if (lag != null) {
                        long now = System.nanoTime();
                        for (int r = 0; r < records.size(); r++) {
                            lag.acknowledged(imei, records.timestamp(r), now);
                        }
                    }
                })
                .build();
        FleetSimulator simulator = new FleetSimulator(simulation, out);
        long start = System.nanoTime();
        CompletableFuture<SimulationReport> report = CompletableFuture.supplyAsync(simulator::run);
        sleepUntil(start + options.warmUp().toNanos());

        long ackedBefore = acked.get();
        GatewayMetrics before = GatewayMetrics.scrape(gateway.metricsUrl());
        double cpuBefore = gateway.cpuSeconds();
        Map<String, Double> threadsBefore = gateway.cpuSecondsByThreads();
        double databaseCpuBefore = database.cpuSeconds();
        long windowStart = System.nanoTime();
        long windowEnd = windowStart + options.measure().toNanos();
        if (lag != null) {
            lag.window(windowStart, windowEnd);
        }
        double heapMax = before.heapUsedBytes();
        GatewayMetrics after = before;
        for (long next = windowStart + SAMPLE_EVERY.toNanos(); ; next += SAMPLE_EVERY.toNanos()) {
            sleepUntil(Math.min(next, windowEnd));
            after = GatewayMetrics.scrape(gateway.metricsUrl());
            heapMax = Math.max(heapMax, after.heapUsedBytes());
            if (next >= windowEnd) {
                break;
            }
        }
        double seconds = (System.nanoTime() - windowStart) / 1e9;
        double gatewayCpu = gateway.cpuSeconds() - cpuBefore;
        Map<String, Double> threadsPerK = new LinkedHashMap<>(gateway.cpuSecondsByThreads());
        double databaseCpu = database.cpuSeconds() - databaseCpuBefore;
        long ackedInWindow = acked.get() - ackedBefore;
        double cores = gatewayCpu / seconds;
        double ackedPerSecond = ackedInWindow / seconds;
        double perK = Math.max(1, ackedInWindow) / 1000.0;
        threadsPerK.replaceAll((group, used) -> (used - threadsBefore.getOrDefault(group, 0.0)) / perK);

        SimulationReport result = report.get(options.measure().toSeconds() + 120, TimeUnit.SECONDS);
        DeliveryLag.Summary delivery = lag == null ? null : awaitDelivery(lag, seconds, out);
        return new LoadStep(devices, devices * options.ratePerDevice(), ackedPerSecond, result.latency().p50Ms(),
                result.latency().p99Ms(), after.ackLatencyMillisSince(before, 0.5),
                after.ackLatencyMillisSince(before, 0.99), heapMax / MB, cores, gatewayCpu / perK, threadsPerK, databaseCpu / perK, result.peakConnected(),
                result.recordsUnacknowledged(), result.timeouts(), options.forwardKafka() ? (lag == null ? "off" : "kafka")
                : null, delivery);
    }

    /**
     * Waits until the consumer read every record acknowledged in the window, or {@link #DRAIN_LIMIT} passed, or
     * nothing more arrived for {@link #DRAIN_STALLED}.
     */
    private static DeliveryLag.Summary awaitDelivery(DeliveryLag lag, double windowSeconds, PrintStream out)
            throws InterruptedException {
        long deadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
        long awaited = lag.awaited();
        long progressAt = System.nanoTime();
        while (awaited > 0 && System.nanoTime() < deadline
                && System.nanoTime() - progressAt < DRAIN_STALLED.toNanos()) {
            out.printf(Locale.ROOT, "  forwarding: %d records of the window still to be read%n", awaited);
            sleepUntil(System.nanoTime() + SAMPLE_EVERY.toNanos());
            long now = lag.awaited();
            if (now < awaited) {
                progressAt = System.nanoTime();
            }
            awaited = now;
        }
        return lag.summary(windowSeconds);
    }

    /** The benchmark's own schedule (warm-up, sampling period); nothing else to wait for. */
    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static Map<String, String> withAll(Map<String, String> first, Map<String, String> second) {
        Map<String, String> all = new java.util.HashMap<>(first);
        all.putAll(second);
        return all;
    }
}
