package dev.telemask.gateway.resilience;

import dev.telemask.gateway.TestDatabase;
import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** The TimescaleDB server the build started for this module, which a test may stop hard and start again. */
final class TimescaleServer {
    private TimescaleServer() {}

    /**
     * Immediate shutdown (in-flight transactions are cut off, no checkpoint) and a start, through
     * deploy/local/timescaledb.sh on this module's server state; returns when the server accepts connections again.
     * Aborts the test when the server is not the build's own (TSDB_URL): a test must not restart someone else's.
     */
    static void restartImmediately() throws Exception {
        run("restart-immediate");
    }

    /**
     * SIGKILL to every PostgreSQL process at once, as a power cut would, and a start (crash recovery from the WAL);
     * returns when the server accepts connections again. Aborts the test as {@link #restartImmediately} does.
     */
    static void kill() throws Exception {
        run("kill");
    }

    private static void run(String command) throws Exception {
        String state = System.getProperty("telemask.tsdb.server.state");
        String external = System.getenv("TSDB_URL");
        Assumptions.assumeTrue(state != null && (external == null || external.isBlank()),
                "the TimescaleDB is not this build's own (TSDB_URL is set or no server state): not restarting it");
        Path script = TestDatabase.script();
        Path log = Path.of(System.getProperty("telemask.test.dir", "target"), "tsdb-restart.log");
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(new File(log.toString())));
        builder.environment().put("TSDB_STATE_DIR", state);
        Process process = builder.start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timescaledb.sh " + command + " did not finish; see " + log);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("timescaledb.sh " + command + " failed (exit " + process.exitValue() + "); see " + log);
        }
    }
}
