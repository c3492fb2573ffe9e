package dev.telemask.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command of the bench jar answers --help, names the option of a bad value, and refuses unknown options. */
class CommandLineTest {
    private String out;
    private String err;

    private int run(String... args) {
        return run(Map.of(), args);
    }

    private int run(Map<String, String> environment, String... args) {
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        int code = Main.run(environment, new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8), args);
        out = outBytes.toString(StandardCharsets.UTF_8);
        err = errBytes.toString(StandardCharsets.UTF_8);
        return code;
    }

    @Test
    void everyCommandAnswersHelpWithItsUsage() {
        assertHelp("Usage: telemask simulate", "--register", "simulate", "--help");
        assertHelp("Usage: telemask simulate", "--records-per-frame", "simulate", "--devices", "5", "-h");
        assertHelp("Usage: telemask load", "--grace-window", "load", "--help");
        assertTrue(out.contains("--forward-kafka") && out.contains("delivery lag"), out);
        assertHelp("Usage: telemask bench", "zone-attack", "bench", "--help");
        assertTrue(out.contains("idle-connections") && out.contains("decoder") && out.contains("live-latency"), out);
        assertHelp("Usage: telemask bench", "live-latency", "bench", "help");
        assertHelp("Usage: telemask bench query", "INTERVAL", "bench", "help", "query");
        assertHelp("Usage: telemask bench decoder", "JMH options", "bench", "decoder", "--help");
        assertHelp("Usage: telemask bench privacy", "JMH options", "bench", "privacy", "--help");
        assertHelp("Usage: telemask bench storage", "JDBC_URL", "bench", "storage", "--help");
        assertHelp("Usage: telemask bench query", "INTERVAL", "bench", "query", "--help");
        assertHelp("Usage: telemask bench zone-attack", "--homes", "bench", "zone-attack", "--help");
        assertHelp("Usage: telemask bench idle-connections", "--gateway-jar", "bench", "idle-connections", "--help");
        assertHelp("Usage: telemask bench decoder-pair", "BUILD", "bench", "decoder-pair", "--help");
        assertHelp("Usage: telemask bench live-latency", "EVERY_MS", "bench", "live-latency", "--help");
        assertHelp("Usage: telemask bench ack-floor", "--mode", "bench", "ack-floor", "--help");
        assertHelp("Usage: telemask", "simulate", "--help");
    }

    private void assertHelp(String start, String mentioned, String... args) {
        assertEquals(0, run(args), err);
        assertTrue(out.startsWith(start) && out.contains(mentioned), out);
        assertEquals("", err);
    }

    @Test
    void aBadValueNamesTheOptionAndWhatItTakes() {
        assertUsageError("--duration", "wants a duration like 500ms, 90s, 5m or 1h, got 'soon'", "simulate", "--duration", "soon");
        assertUsageError("--devices", "'many' is not an int", "simulate", "--devices", "many");
        assertUsageError("--port", "--port must be 1..65535, got 70000", "simulate", "--port", "70000");
        assertUsageError("--records-per-frame", "--records-per-frame must be 1..255, got 300", "simulate",
                "--records-per-frame", "300");
        assertUsageError("--imei-base", "leaves the 15-digit IMEI range", "simulate", "--imei-base",
                "999999999999999", "--devices", "2");
        assertUsageError("--port", "Missing required parameter for option '--port'", "simulate", "--port");
        assertUsageError("--rate-per-device", "'fast' is not a double", "load", "--rate-per-device", "fast");
        assertUsageError("--steps", "--steps must be positive device counts, got [0]", "load", "--steps", "0");
        assertUsageError("--measure", "--measure must be positive", "load", "--measure", "0s");
        assertUsageError("--grace-window", "--grace-window must not be negative", "load", "--grace-window", "-1s");
        assertUsageError("--profile", "--forward-kafka starts a gateway per step", "load", "--forward-kafka",
                "--profile", "g.jfr");
        assertUsageError("ROWS", "'many' is not an int", "bench", "storage", "jdbc:postgresql://db/x", "many");
        assertUsageError("COMPARISON", "expected one of [WRITERS, SEALED, OPTIMISTIC, CPU]", "bench", "storage",
                "jdbc:postgresql://db/x", "1000", "fastest");
        assertUsageError("JDBC_URL", "set TSDB_URL", "bench", "storage");
        assertUsageError("BUILD", "BUILD /nonexistent/codec.jar does not exist", "bench", "decoder-pair",
                "/nonexistent/codec.jar", "/nonexistent/codec.jar");
        assertUsageError("BUILD", "requires at least 2 values", "bench", "decoder-pair");
        assertUsageError("--rounds", "--rounds must be positive, got 0", "bench", "decoder-pair", "--rounds", "0",
                "a.jar", "b.jar");
        assertUsageError("INTERVAL", "wants a duration like", "bench", "query", "jdbc:postgresql://db/x", "10", "often");
        assertUsageError("DEVICES", "DEVICES must be positive, got 0", "bench", "query", "jdbc:postgresql://db/x", "0");
        assertUsageError("--homes", "'a' is not an int", "bench", "zone-attack", "--homes", "a");
        assertUsageError("--trips", "--trips must be positive, got 0", "bench", "zone-attack", "--trips", "0");
        assertUsageError("N", "N must be positive, got -5", "bench", "idle-connections", "-5");
        assertUsageError("--frames", "--frames must be 0 or more, got -1", "bench", "idle-connections", "--frames", "-1");
        assertUsageError("SECONDS", "'soon' is not an int", "bench", "live-latency", "10", "soon");
    }

    @Test
    void anUnknownOptionOrBenchmarkIsRefused() {
        assertUsageError("--colour", "Unknown options: '--colour', 'red'", "simulate", "--colour", "red");
        assertUsageError("--bogus", "Unknown options: '--bogus', '1'", "load", "--bogus", "1");
        assertUsageError("--rows", "Unknown options: '--rows', '1'", "bench", "zone-attack", "--rows", "1");
        assertUsageError("--verbose", "Unknown option: '--verbose'", "bench", "idle-connections", "--verbose");
        assertUsageError("--fast", "Unknown option: '--fast'", "bench", "live-latency", "--fast");
        assertUsageError("--mode", "--mode takes direct or handoff, got 'fast'", "bench", "ack-floor", "--mode",
                "direct,fast");
        assertUsageError("--rate", "--rate must be positive, got 0", "bench", "ack-floor", "--rate", "0");
        assertUsageError("--fast", "Unknown option: '--fast'", "bench", "storage", "--fast");
        assertUsageError("--fast", "Unknown option: '--fast'", "bench", "query", "--fast");
        assertUsageError("speed", "Unmatched argument at index 1: 'speed'", "bench", "speed");
        assertUsageError("--fast", "Unknown option: '--fast'", "--fast");
    }

    @Test
    void withoutACommandTheUsageIsAnError() {
        assertEquals(2, run());
        assertTrue(err.startsWith("Usage: telemask"), err);
        assertEquals(2, run("bench"));
        assertTrue(err.startsWith("Usage: telemask bench"), err);
    }

    /** Exit code 2, a message naming the option, and the usage or picocli's suggestions of what was meant. */
    private void assertUsageError(String option, String message, String... args) {
        assertEquals(2, run(args), out + err);
        assertTrue(err.contains(option) && err.contains(message), err);
        assertTrue(err.contains("Usage: telemask") || err.contains("Possible solutions: "), err);
    }

    @Test
    void aJmhSuiteHandsItsOptionsToJmhInTheirOrder() {
        CommandLine decoder = JmhSuiteCommand.commandLine("decoder", "dev\\.telemask\\.bench\\.codec\\..*", "the decoder");
        decoder.parseArgs("-f", "1", "-wi", "2", "-h", "-prof", "stack");
        JmhSuiteCommand suite = decoder.getCommand();
        assertEquals(List.of("dev\\.telemask\\.bench\\.codec\\..*", "-prof", "gc", "-f", "1", "-wi", "2", "-h", "-prof",
                "stack"), suite.jmhArguments());
    }
}
