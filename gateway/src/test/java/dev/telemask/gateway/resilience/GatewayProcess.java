package dev.telemask.gateway.resilience;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gateway as operators run it: {@code java -jar telemask.jar serve} in its own JVM, configured by
 * {@code TELEMASK_*} environment variables, so that a test can kill it without warning.
 */
final class GatewayProcess implements AutoCloseable {
    private final Process process;
    private final int devicePort;
    private final Path log;

    private GatewayProcess(Process process, int devicePort, Path log) {
        this.process = process;
        this.devicePort = devicePort;
        this.log = log;
    }

    /** Starts the packaged gateway on {@code databaseUrl} and returns once its device port accepts connections. */
    static GatewayProcess start(String databaseUrl, Map<String, String> settings) throws Exception {
        Path target = Path.of(System.getProperty("telemask.test.dir", "target"));
        Path jar = target.resolve("telemask.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the integration tests run after `package`");
        }
        // Its own working directory, so that no telemask.properties lying around configures it.
        Path home = Files.createTempDirectory(target, "gateway-process-");
        Path log = home.resolve("gateway.log");
        int port = freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-jar", jar.toAbsolutePath().toString(), "serve"))
                .directory(home.toFile()).redirectErrorStream(true).redirectOutput(new File(log.toString()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("TELEMASK_"));
        env.put("TELEMASK_DB_URL", databaseUrl);
        // The seal key of the test's own gateway on that database (GatewayTestBase): one deployment, one key.
        env.put("TELEMASK_SEAL_KEY", Base64.getEncoder().encodeToString(new byte[32]));
        env.put("TELEMASK_DEVICE_HOST", "127.0.0.1");
        env.put("TELEMASK_DEVICE_PORT", String.valueOf(port));
        env.put("TELEMASK_DEVICE_UDP_PORT", "-1");
        env.put("TELEMASK_HTTP_PORT", "-1");
        // As GatewayTestBase's gateway: the fleets' fixed drive dates stay inside retention whatever day it is.
        env.put(dev.telemask.gateway.config.ConfigLoader.environmentName("retention.period"), "P20Y");
        settings.forEach((key, value) -> env.put(dev.telemask.gateway.config.ConfigLoader.environmentName(key), value));
        GatewayProcess gateway = new GatewayProcess(builder.start(), port, log);
        gateway.awaitListening(Duration.ofSeconds(60));
        return gateway;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitListening(Duration within) {
        Eventually.holds(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("the gateway process exited with " + process.exitValue() + "; see " + log);
            }
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), devicePort)) {
                return true;
            } catch (IOException notYet) {
                return false;
            }
        }, within, () -> "the gateway process does not listen on " + devicePort + "; see " + log);
    }

    int devicePort() {
        return devicePort;
    }

    /** SIGKILL: the process gets no chance to finish anything; returns once it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the gateway process survived SIGKILL");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
