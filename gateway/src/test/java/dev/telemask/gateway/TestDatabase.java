package dev.telemask.gateway;

import dev.telemask.storage.StorageDatabase;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases gateway integration tests run on: the gateway's own embedded PostgreSQL, or the real TimescaleDB
 * the build started (deploy/local/timescaledb-for-its.sh), one fresh schema per test class.
 */
public enum TestDatabase {
    EMBEDDED, TIMESCALEDB;

    private static final AtomicInteger SCHEMAS = new AtomicInteger();

    /** The JDBC URL for the gateway's {@code db.url}, null for embedded; aborts the test when there is none. */
    public String newUrl() {
        if (this == EMBEDDED) {
            return null;
        }
        String base = timescaleUrl();
        String schema = "gw_" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
        try (HikariDataSource admin = StorageDatabase.pool(base, null, null, 1);
             Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create a schema on TimescaleDB: " + e.getMessage(), e);
        }
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema + ",public";
    }

    /** The script's URL file, or a skip with the reason the build left. */
    public static String timescaleUrl() {
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

    /** The TimescaleDB script, for killing and restarting the server in a test. */
    public static Path script() {
        return Path.of(System.getProperty("telemask.tsdb.script", "../deploy/local/timescaledb.sh"));
    }
}
