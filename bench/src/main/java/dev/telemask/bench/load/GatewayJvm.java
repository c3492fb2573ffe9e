package dev.telemask.bench.load;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gateway under test in its own JVM ({@code java -jar telemask.jar serve}), so that its heap and CPU are its
 * own and not the simulator's. CPU time is read from /proc, the heap from the gateway's /metrics.
 */
final class GatewayJvm implements AutoCloseable {

    private final Process process;
    private final int devicePort;
    private final int httpPort;
    private final Path log;

    private GatewayJvm(Process process, int devicePort, int httpPort, Path log) {
        this.process = process;
        this.devicePort = devicePort;
        this.httpPort = httpPort;
        this.log = log;
    }

    static GatewayJvm start(LoadOptions options, String databaseUrl, Path workDir) throws Exception {
        if (!Files.isRegularFile(options.gatewayJar())) {
            throw new IllegalStateException(options.gatewayJar() + " not found: build it with ./mvnw -B package -DskipTests");
        }
        Files.createDirectories(workDir);
        Path log = workDir.resolve("gateway.log");
        int devicePort = freePort();
        int httpPort = freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + options.gatewayHeap(), "-XX:+UseParallelGC"));
        if (options.profile() != null) {
            command.add("-XX:StartFlightRecording=filename=" + options.profile().toAbsolutePath() + ",settings=profile");
        }
        command.addAll(List.of("-jar", options.gatewayJar().toAbsolutePath().toString(), "serve"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(new File(log.toString()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("TELEMASK_"));
        env.put("TELEMASK_DB_URL", databaseUrl);
        env.put("TELEMASK_DEVICE_HOST", "127.0.0.1");
        env.put("TELEMASK_DEVICE_PORT", String.valueOf(devicePort));
        env.put("TELEMASK_DEVICE_UDP_PORT", "-1");
        env.put("TELEMASK_HTTP_HOST", "127.0.0.1");
        env.put("TELEMASK_HTTP_PORT", String.valueOf(httpPort));
        env.put("TELEMASK_DEVICE_MAX_CONNECTIONS", String.valueOf(options.maxDevices() + 1_000));
        // The simulated fleet connects from one address, which a real fleet does not.
        env.put("TELEMASK_DEVICE_MAX_CONNECTIONS_PER_ADDRESS", "0");
        GatewayJvm gateway = new GatewayJvm(builder.start(), devicePort, httpPort, log);
        gateway.awaitListening(120);
        return gateway;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitListening(int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the gateway exited with " + process.exitValue() + "; see " + log);
            }
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), devicePort)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(200); // polling a port that has no event to wait on
            }
        }
        throw new IllegalStateException("the gateway does not listen on " + devicePort + " after " + seconds + "s; see " + log);
    }

    int devicePort() {
        return devicePort;
    }

    String metricsUrl() {
        return "http://127.0.0.1:" + httpPort + "/metrics";
    }

    /** CPU seconds (user + system) the gateway process has used so far. */
    double cpuSeconds() throws IOException {
        return ProcessCpu.of(process.pid());
    }

    /** CPU seconds used so far by the gateway's live threads, by {@link ProcessCpu#ofThreads group}. */
    java.util.Map<String, Double> cpuSecondsByThreads() throws IOException {
        return ProcessCpu.ofThreads(process.pid());
    }

    /** Graceful stop (SIGTERM: the gateway finishes its writes and ACKs), so that a JFR recording is written. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
