package dev.telemask.bench.load;

import dev.telemask.bench.floor.AckOnlyServer;
import dev.telemask.simulator.FleetSimulator;
import dev.telemask.simulator.SimulationReport;
import dev.telemask.simulator.SimulatorOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load test's fleet against {@link AckOnlyServer} in its own JVM (the gateway's deployed flags and heap): the
 * server's CPU per acknowledged record, read from /proc over the measured window as the load test reads the
 * gateway's, is what reading, decoding and acknowledging a frame costs on this machine before any of the gateway's
 * own work.
 */
public final class AckFloor {
    /** One mode's result: acknowledged records a second, and the server's CPU microseconds per record by group. */
    public record Result(String mode, double ackedPerSecond, double microsPerRecord, Map<String, Double> byThreads,
                         long unacknowledged) {
        public String line() {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                    "ack-floor %-7s acked %,.0f/s  server %.2f µs/record", mode, ackedPerSecond, microsPerRecord));
            byThreads.forEach((group, micros) -> line.append(String.format(Locale.ROOT, "  %s %.2f", group, micros)));
            return line.append("  unacknowledged ").append(unacknowledged).toString();
        }
    }

    private AckFloor() {}

    /**
     * Runs {@code devices} simulated devices at {@code ratePerDevice} records a second, {@code recordsPerFrame} a
     * frame, for {@code warmUp} then {@code measure}, against a fresh server in each of {@code modes}.
     */
    public static List<Result> run(List<String> modes, int devices, double ratePerDevice, int recordsPerFrame,
                                   Duration warmUp, Duration measure, String heap, Path workDir, PrintStream out)
            throws Exception {
        List<Result> results = new ArrayList<>();
        for (String mode : modes) {
            Result result = runOne(mode, devices, ratePerDevice, recordsPerFrame, warmUp, measure, heap, workDir,
                    out);
            out.println(result.line());
            results.add(result);
        }
        return results;
    }

    private static Result runOne(String mode, int devices, double ratePerDevice, int recordsPerFrame,
                                 Duration warmUp, Duration measure, String heap, Path workDir, PrintStream out)
            throws Exception {
        Files.createDirectories(workDir);
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-XX:+UseParallelGC"));
        command.addAll(GatewayJvm.DEPLOYED_FLAGS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), AckOnlyServer.class.getName(),
                String.valueOf(port), mode));
        Path log = workDir.resolve("ack-floor-" + mode + ".log");
        Process server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitPort(server, port, log);
            AtomicLong acked = new AtomicLong();
            SimulatorOptions simulation = SimulatorOptions.builder()
                    .devices(devices).recordsPerSecond(devices * ratePerDevice)
                    .duration(warmUp.plus(measure)).port(port).recordsPerFrame(recordsPerFrame)
                    .drainTimeout(Duration.ofSeconds(30)).reportInterval(Duration.ofSeconds(10))
                    .listener((imei, records) -> acked.addAndGet(records.size()))
                    .build();
            FleetSimulator simulator = new FleetSimulator(simulation, out);
            long start = System.nanoTime();
            CompletableFuture<SimulationReport> report = CompletableFuture.supplyAsync(simulator::run);
            sleepUntil(start + warmUp.toNanos());
            long ackedBefore = acked.get();
            double cpuBefore = ProcessCpu.of(server.pid());
            Map<String, Double> threadsBefore = ProcessCpu.ofThreads(server.pid());
            long windowStart = System.nanoTime();
            sleepUntil(windowStart + measure.toNanos());
            double seconds = (System.nanoTime() - windowStart) / 1e9;
            double cpu = ProcessCpu.of(server.pid()) - cpuBefore;
            Map<String, Double> threads = ProcessCpu.ofThreads(server.pid());
            long records = Math.max(1, acked.get() - ackedBefore);
            threads.replaceAll((group, used) -> (used - threadsBefore.getOrDefault(group, 0.0)) * 1e6 / records);
            threads.values().removeIf(micros -> micros == 0);
            SimulationReport result = report.get(measure.toSeconds() + 120, TimeUnit.SECONDS);
            return new Result(mode, records / seconds, cpu * 1e6 / records, threads,
                    result.recordsUnacknowledged());
        } finally {
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static void awaitPort(Process server, int port, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            if (!server.isAlive()) {
                throw new IllegalStateException("the ack-only server exited: " + Files.readString(log));
            }
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the ack-only server did not listen within 30 s: "
                            + Files.readString(log));
                }
                Thread.sleep(100); // polling a port that has no event to wait on
            }
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }
}
