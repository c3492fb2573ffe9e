package dev.telemask.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a browser script (Playwright driving Debian's Chromium) in the folder that src/test/console/setup.sh
 * prepared, and returns the JSON it prints. When the set-up could not install a browser, the test is aborted
 * (reported as skipped) with the set-up's reason, never passed.
 */
final class ConsoleBrowser {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Well above a normal run (about 10 s), well below what a hung browser may cost a build. */
    private static final long TIME_LIMIT_SECONDS = 150;

    private final Path dir;

    ConsoleBrowser(Path dir) {
        this.dir = dir.toAbsolutePath();
    }

    Path dir() {
        return dir;
    }

    /** Aborts the calling test when the browser set-up did not complete, with its reason. */
    void assumeReady() throws IOException {
        Path reason = dir.resolve("skip-reason");
        Assumptions.assumeFalse(Files.isRegularFile(reason),
                () -> "no browser for the console test: " + read(reason));
        Assumptions.assumeTrue(Files.isDirectory(dir.resolve("node_modules/playwright-core")),
                "the browser set-up has not run: bash gateway/src/test/console/setup.sh " + dir);
    }

    /** Runs console-e2e.mjs with {@code plan} and returns its result document. */
    JsonNode run(Map<String, Object> plan) throws Exception {
        return run("console-e2e.mjs", plan);
    }

    /** Runs {@code script} (one of src/test/console/*.mjs) with {@code plan} and returns its result document. */
    JsonNode run(String script, Map<String, Object> plan) throws Exception {
        Path planFile = dir.resolve(script + ".plan.json");
        Files.write(planFile, JSON.writeValueAsBytes(plan));
        Path out = dir.resolve(script + ".result.json");
        Path log = dir.resolve(script + ".log");
        Process process = new ProcessBuilder("node", script, planFile.toString())
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(log.toFile())
                .start();
        if (!process.waitFor(TIME_LIMIT_SECONDS, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("the browser script ran longer than " + TIME_LIMIT_SECONDS + " s; see " + log);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("the browser script failed (exit " + process.exitValue() + "): " + read(log));
        }
        return JSON.readTree(out.toFile());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e.getMessage() + ")";
        }
    }
}
