package dev.telemask.bench.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's quick start as a new user would: the fenced block after the {@code QuickStartIT} marker, with
 * bash, through the {@code ./telemask} script, in an empty working directory, on free ports on 127.0.0.1 instead of
 * 5027 and 8080. Then checks what the quick start promises: the simulated devices were registered and every record
 * acknowledged, and the token the quick start made reads the devices' stored records through the API.
 */
class QuickStartIT {
    private static final String MARKER = "<!-- QuickStartIT";
    private static final long FIRST_IMEI = 350_000_000_000_000L;
    private static final int DEVICES = 5;
    /** Bounds the whole block: start-up (initdb on first use), a 20 s simulation, the reads. */
    private static final Duration SCRIPT_LIMIT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root = Path.of(System.getProperty("telemask.test.dir", "target")).toAbsolutePath()
            .getParent().getParent();
    private final HttpClient http = HttpClient.newHttpClient();
    /** What the quick start left running: its gateway (and, after a timeout, whatever else bash had started). */
    private final List<ProcessHandle> leftovers = new java.util.ArrayList<>();

    @AfterEach
    void stopTheGateway() throws InterruptedException {
        for (ProcessHandle process : leftovers) {
            process.destroy(); // SIGTERM: a graceful shutdown, the embedded PostgreSQL with it
            try {
                process.onExit().get(90, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void theReadmeQuickStartWorksAsWritten() throws Exception {
        Assumptions.assumeTrue(onPath("curl"), "the quick start uses curl, which is not on the PATH");
        Path jar = root.resolve("gateway/target/telemask.jar");
        Path benchJar = root.resolve("bench/target/telemask-bench.jar");
        assertTrue(Files.isRegularFile(jar) && Files.isRegularFile(benchJar), "the build makes " + jar + " and " + benchJar);

        int devicePort = freePort();
        int httpPort = freePort();
        String block = quickStartBlock(Files.readString(root.resolve("README.md")))
                .replace("5027", Integer.toString(devicePort))
                .replace("8080", Integer.toString(httpPort));
        Path directory = Files.createDirectories(Path.of(System.getProperty("telemask.test.dir", "target"),
                "quickstart-" + System.nanoTime()));
        Path telemask = directory.resolve("telemask");
        Files.writeString(telemask, "#!/usr/bin/env bash\nexec '" + root.resolve("telemask") + "' \"$@\"\n");
        telemask.toFile().setExecutable(true);
        // The test's own lines: stop on the first failing command, and tell the test what it must clean up and check.
        Path script = Files.writeString(directory.resolve("quickstart.sh"), "set -eu\n"
                + "trap 'echo; echo \"QUICKSTART_SERVE_PID=${!:-}\"; echo \"QUICKSTART_TOKEN=${TOKEN:-}\"' EXIT\n"
                + block);

        ProcessBuilder builder = new ProcessBuilder("bash", script.toString()).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(directory.resolve("output.log").toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("TELEMASK_"));
        environment.put("TELEMASK_JAVA_HOME", System.getProperty("java.home"));
        environment.put("TELEMASK_SKIP_BUILD", "1");
        environment.put("TELEMASK_DEVICE_HOST", "127.0.0.1");
        environment.put("TELEMASK_HTTP_HOST", "127.0.0.1");
        environment.put("TELEMASK_DEVICE_UDP_PORT", "0");
        // serve's defaults, 5027 and 8080, moved to the ports the block's other commands were given.
        environment.put("TELEMASK_DEVICE_PORT", Integer.toString(devicePort));
        environment.put("TELEMASK_HTTP_PORT", Integer.toString(httpPort));
        Process process = builder.start();
        boolean finished = process.waitFor(SCRIPT_LIMIT.toSeconds(), TimeUnit.SECONDS);
        if (!finished) {
            // The gateway is a child of bash until bash ends: stop it with the script.
            process.descendants().forEach(leftovers::add);
            process.destroyForcibly();
        }
        String output = Files.readString(directory.resolve("output.log"));
        value(output, "QUICKSTART_SERVE_PID").filter(v -> !v.isEmpty()).map(Long::parseLong)
                .flatMap(ProcessHandle::of).ifPresent(leftovers::add);
        assertTrue(!finished || !leftovers.isEmpty(), "the quick start's gateway is not running:\n" + output);
        assertTrue(finished, "the quick start ran longer than " + SCRIPT_LIMIT + ":\n" + output);
        assertEquals(0, process.exitValue(), "a quick-start command failed:\n" + output);

        assertTrue(output.contains("registered " + DEVICES + " devices (0 already were) at http://127.0.0.1:" + httpPort),
                output);
        JsonNode report = JSON.readTree(output.lines().filter(line -> line.startsWith("{\"devices\":"))
                .reduce((first, second) -> second).orElseThrow(() -> new AssertionError("no simulator report:\n" + output)));
        assertTrue(report.path("successful").asBoolean(), report.toString());
        assertTrue(report.path("recordsSent").asLong() > 0, report.toString());
        assertEquals(report.path("recordsSent").asLong(), report.path("recordsAcked").asLong(), report.toString());
        assertEquals(0, report.path("devicesRefused").asLong(), report.toString());
        assertTrue(output.contains("{\"imei\":\"" + FIRST_IMEI + "\""), "the README's read of the track:\n" + output);
        assertFalse(output.contains("\"positions\":[]"), "the README's read found no records:\n" + output);

        String token = value(output, "QUICKSTART_TOKEN").orElseThrow();
        assertTrue(token.startsWith("tmk_"), "the quick start's token: " + token);
        long stored = 0;
        for (long imei = FIRST_IMEI; imei < FIRST_IMEI + DEVICES; imei++) {
            int readable = readablePositions(httpPort, token, imei);
            assertTrue(readable > 0, "device " + imei + " has no readable records");
            stored += readable;
        }
        assertTrue(stored <= report.path("recordsAcked").asLong(), stored + " read, " + report);
    }

    /** The fenced block after the marker comment. */
    static String quickStartBlock(String readme) {
        int marker = readme.indexOf(MARKER);
        assertTrue(marker >= 0, "README.md has no " + MARKER + " marker");
        int open = readme.indexOf("```sh\n", marker);
        int close = readme.indexOf("\n```", open + 6);
        return readme.substring(open + 6, close + 1);
    }

    /**
     * The device's records readable with the token over the simulated month. Records are readable once acknowledged
     * except those held sealed for a moment (a new device's anchor delay): polled until some are, with a deadline.
     */
    private int readablePositions(int httpPort, String token, long imei) throws IOException, InterruptedException {
        Instant now = Instant.now();
        URI uri = URI.create("http://127.0.0.1:" + httpPort + "/api/v1/devices/" + imei + "/positions?from="
                + now.minus(Duration.ofDays(31)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "&to="
                + now.plusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "&limit=100000");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            int count = JSON.readTree(response.body()).path("positions").size();
            if (count > 0 || System.nanoTime() > deadline) {
                return count;
            }
            TimeUnit.MILLISECONDS.sleep(200); // between polls, not as synchronisation: the deadline bounds it
        }
    }

    private static Optional<String> value(String output, String name) {
        Matcher matcher = Pattern.compile("(?m)^" + name + "=(.*)$").matcher(output);
        String last = null;
        while (matcher.find()) {
            last = matcher.group(1).trim();
        }
        return Optional.ofNullable(last);
    }

    private static boolean onPath(String command) {
        return List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
