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
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A database server the integration tests run against: the embedded plain PostgreSQL, or the real TimescaleDB
 * that {@code deploy/local/timescaledb.sh} started for the build. Each test class gets its own database on it.
 */
final class TestServer {
    private static final Pattern URL = Pattern.compile("^(jdbc:postgresql://[^/]+/)([^?]*)(\\?.*)?$");
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private static TestServer plain;
    private static TestServer timescale;

    private final String name;
    private final UnaryOperator<String> url;
    private final Runnable restart;

    private TestServer(String name, UnaryOperator<String> url, Runnable restart) {
        this.name = name;
        this.url = url;
        this.restart = restart;
    }

    String name() {
        return name;
    }

    /** JDBC URL of {@code database} on this server. */
    String url(String database) {
        return url.apply(database);
    }

    /** Kills the server the hard way and brings it back on the same address and data; returns when it is up. */
    void restart() {
        restart.run();
    }

    /** A new, empty database on this server, and a pool of {@code connections} to it. */
    HikariDataSource createDatabase(int connections) {
        String database = "it_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (HikariDataSource admin = StorageDatabase.pool(url("postgres"), null, null, 1);
             Connection connection = admin.getConnection();
             Statement st = connection.createStatement()) {
            st.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on " + name(), e);
        }
        return StorageDatabase.pool(url(database), null, null, connections);
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
            plain = new TestServer("embedded PostgreSQL", database::jdbcUrl, database::restart);
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
            timescale = new TestServer("TimescaleDB", db -> withDatabase(base, db),
                    () -> runScript(script, "restart-immediate"));
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

    static String withDatabase(String url, String database) {
        Matcher m = URL.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a jdbc:postgresql://host/db URL: " + url);
        }
        return m.group(1) + database + (m.group(3) == null ? "" : m.group(3));
    }

    private static void runScript(Path script, String action) {
        try {
            Process process = new ProcessBuilder("bash", script.toString(), action).inheritIO().start();
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
