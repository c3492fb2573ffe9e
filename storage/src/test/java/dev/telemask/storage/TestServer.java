package dev.telemask.storage;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A database server the integration tests run against: the embedded plain PostgreSQL, or the real TimescaleDB
 * that {@code deploy/local/timescaledb.sh} started for the build. Each test class gets its own schema on it.
 */
final class TestServer {
    private static final AtomicInteger SCHEMAS = new AtomicInteger();

    private static TestServer plain;
    private static TestServer timescale;

    private final String name;
    private final String url;
    private final Runnable restart;

    private TestServer(String name, String url, Runnable restart) {
        this.name = name;
        this.url = url;
        this.restart = restart;
    }

    String name() {
        return name;
    }


    /** Kills the server the hard way and brings it back on the same address and data; returns when it is up. */
    void restart() {
        restart.run();
    }

    /**
     * A new, empty schema on this server, and a pool of {@code connections} whose search path starts with it. A
     * schema rather than a database: the TimescaleDB test role owns its database but may not create others, and
     * the extension (in {@code public}) stays visible.
     */
    HikariDataSource createDatabase(int connections) {
        String schema = "it_" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
        try (HikariDataSource admin = StorageDatabase.pool(url, null, null, 1);
             Connection connection = admin.getConnection();
             Statement st = connection.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test schema on " + name() + ": " + e.getMessage(), e);
        }
        String separator = url.contains("?") ? "&" : "?";
        return StorageDatabase.pool(url + separator + "currentSchema=" + schema + ",public", null, null, connections);
    }

    @Override
    public String toString() {
        return name();
    }

    /** The JVM-wide embedded PostgreSQL, started on first use, data under target/. */
    static synchronized TestServer plain() {
        if (plain == null) {
            Path dir = Path.of(System.getProperty("telemask.test.dir", "target"), "embedded-pg-it-" + ProcessHandle
                    .current().pid());
            EmbeddedDatabase database = EmbeddedDatabase.start(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(database::close));
            plain = new TestServer("embedded PostgreSQL", database.jdbcUrl(), database::restart);
        }
        return plain;
    }

    /**
     * The TimescaleDB the build started (or {@code TSDB_URL}); aborts the calling test, so it is reported as
     * skipped with the reason, when there is none.
     */
    static synchronized TestServer timescale() {
        if (timescale == null) {
            String base = timescaleUrl();
            Path script = Path.of(System.getProperty("telemask.tsdb.script", "../deploy/local/timescaledb.sh"));
            timescale = new TestServer("TimescaleDB", base, () -> runScript(script, "restart-immediate"));
        }
        return timescale;
    }

    private static String timescaleUrl() {
        String env = System.getenv("TSDB_URL");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        Path state = Path.of(System.getProperty("telemask.tsdb.state", "target/tsdb"));
        try {
            if (Files.isRegularFile(state.resolve("url"))) {
                return Files.readString(state.resolve("url")).trim();
            }
            String reason = Files.isRegularFile(state.resolve("skip-reason"))
                    ? Files.readString(state.resolve("skip-reason")).trim()
                    : "no TimescaleDB: run the tests with ./mvnw verify (which starts one) or set TSDB_URL";
            Assumptions.abort(reason);
            throw new AssertionError("unreachable");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void runScript(Path script, String action) {
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), action).inheritIO();
            String serverState = System.getProperty("telemask.tsdb.server.state");
            if (serverState != null) {
                builder.environment().put("TSDB_STATE_DIR", serverState);
            }
            Process process = builder.start();
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(script + " " + action + " did not finish in 180 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(script + " " + action + " exited " + process.exitValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
