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
public final class GatewayJvm implements AutoCloseable {
    private static final int HEAP_SAMPLES = 3;
    /**
     * The JVM flags the gateway is deployed with (the {@code telemask} script, the image, the systemd unit): compact
     * object headers (JDK 25; an older JDK ignores the flag) and the heap on transparent huge pages where the kernel
     * gives them on request. Both cut what the gateway spends on cache and TLB misses among many devices' state and
     * on the collector (bench/README.md); a run's {@code --gateway-java-option}s come after them and win.
     */
    public static final List<String> DEPLOYED_FLAGS = List.of("-XX:+IgnoreUnrecognizedVMOptions",
            "-XX:+UseCompactObjectHeaders", "-XX:+UseTransparentHugePages");

    private final Process process;
    private final int devicePort;
    private final int httpPort;
    private final Path log;
    private final Path jar;
    private final String databaseUrl;
    private final Path workDir;

    private GatewayJvm(Process process, int devicePort, int httpPort, Path log, Path jar, String databaseUrl,
                       Path workDir) {
        this.process = process;
        this.devicePort = devicePort;
        this.httpPort = httpPort;
        this.log = log;
        this.jar = jar;
        this.databaseUrl = databaseUrl;
        this.workDir = workDir;
    }

    /**
     * Starts {@code java -Xmx<heap> -jar <jar> serve} in {@code workDir} against the database at {@code databaseUrl}
     * (the gateway migrates it), devices and HTTP on free ports of 127.0.0.1, at most {@code maxConnections} device
     * connections and no per-address limit; a JFR recording into {@code profile} unless it is null. Returns once the
     * device port accepts connections.
     */
    public static GatewayJvm start(Path jar, String heap, Path profile, int maxConnections, String databaseUrl,
                                   Path workDir) throws Exception {
        return start(jar, heap, profile, maxConnections, databaseUrl, workDir, Map.of());
    }

    /**
     * As {@link #start(Path, String, Path, int, String, Path)}, with {@code settings} (TELEMASK_* variables, e.g.
     * the forwarding's) added to the gateway's environment.
     */
    public static GatewayJvm start(Path jar, String heap, Path profile, int maxConnections, String databaseUrl,
                                   Path workDir, Map<String, String> settings) throws Exception {
        return start(jar, heap, List.of(), profile, maxConnections, databaseUrl, workDir, settings);
    }

    /**
     * As {@link #start(Path, String, Path, int, String, Path, Map)}, with {@code javaOptions} given to the gateway's
     * JVM after {@link #DEPLOYED_FLAGS} (so {@code -XX:-UseTransparentHugePages} turns one off).
     */
    public static GatewayJvm start(Path jar, String heap, List<String> javaOptions, Path profile, int maxConnections,
                                   String databaseUrl, Path workDir, Map<String, String> settings) throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " not found: build it with ./mvnw -B package -DskipTests");
        }
        Files.createDirectories(workDir);
        Path log = workDir.resolve("gateway.log");
        int devicePort = freePort();
        int httpPort = freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-XX:+UseParallelGC"));
        command.addAll(DEPLOYED_FLAGS);
        command.addAll(javaOptions);
        if (profile != null) {
            command.add("-XX:StartFlightRecording=filename=" + profile.toAbsolutePath() + ",settings=profile");
        }
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "serve"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(new File(log.toString()));
        Map<String, String> env = gatewayEnvironment(builder, databaseUrl);
        env.put("TELEMASK_DEVICE_HOST", "127.0.0.1");
        env.put("TELEMASK_DEVICE_PORT", String.valueOf(devicePort));
        env.put("TELEMASK_DEVICE_UDP_PORT", "-1");
        env.put("TELEMASK_HTTP_HOST", "127.0.0.1");
        env.put("TELEMASK_HTTP_PORT", String.valueOf(httpPort));
        env.put("TELEMASK_DEVICE_MAX_CONNECTIONS", String.valueOf(maxConnections));
        // The simulated fleet connects from one address, which a real fleet does not.
        env.put("TELEMASK_DEVICE_MAX_CONNECTIONS_PER_ADDRESS", "0");
        env.putAll(settings);
        GatewayJvm gateway = new GatewayJvm(builder.start(), devicePort, httpPort, log, jar, databaseUrl, workDir);
        gateway.awaitListening(120);
        return gateway;
    }

    /** The gateway's environment: no TELEMASK_* of the caller's, and the database at {@code databaseUrl}. */
    private static Map<String, String> gatewayEnvironment(ProcessBuilder builder, String databaseUrl) {
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("TELEMASK_"));
        env.put("TELEMASK_DB_URL", databaseUrl);
        return env;
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

    public int devicePort() {
        return devicePort;
    }

    /** The gateway's HTTP address, e.g. {@code http://127.0.0.1:41234}. */
    public String httpAddress() {
        return "http://127.0.0.1:" + httpPort;
    }

    String metricsUrl() {
        return httpAddress() + "/metrics";
    }

    /**
     * A new API token of fleet {@code tenant} with {@code role}, made by the gateway jar's own {@code token create}
     * on the gateway's database.
     */
    public String createToken(String tenant, String role) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar",
                jar.toAbsolutePath().toString(), "token", "create", "--tenant", tenant, "--role", role)
                .directory(workDir.toFile()).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        gatewayEnvironment(builder, databaseUrl);
        Process tool = builder.start();
        String printed = new String(tool.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!tool.waitFor(2, TimeUnit.MINUTES) || tool.exitValue() != 0 || printed.isBlank()) {
            throw new IllegalStateException("telemask token create failed; see " + log);
        }
        return printed.lines().findFirst().orElseThrow().strip();
    }

    /**
     * The gateway's heap in use after full collections ({@code jcmd <pid> GC.run}, read back from its /metrics): the
     * least of three, so that a collection still settling does not count.
     */
    public double heapUsedBytesAfterGc() throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        double least = Double.MAX_VALUE;
        for (int i = 0; i < HEAP_SAMPLES; i++) {
            Process gc = new ProcessBuilder(jcmd.toString(), String.valueOf(process.pid()), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!gc.waitFor(2, TimeUnit.MINUTES) || gc.exitValue() != 0) {
                throw new IllegalStateException(jcmd + " " + process.pid() + " GC.run failed (a JDK, not a JRE, runs"
                        + " the bench)");
            }
            least = Math.min(least, GatewayMetrics.scrape(metricsUrl()).heapUsedBytes());
        }
        return least;
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
