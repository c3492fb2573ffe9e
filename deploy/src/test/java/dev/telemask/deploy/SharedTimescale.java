package dev.telemask.deploy;

import com.zaxxer.hikari.HikariDataSource;
import dev.telemask.storage.StorageDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Assumptions;

/**
 * The TimescaleDB the build started around the integration tests (root pom, deploy/local/timescaledb-for-its.sh),
 * or TSDB_URL; the test is skipped with the build's reason when there is none.
 */
final class SharedTimescale {
    private SharedTimescale() {}

    /** A JDBC URL whose default schema is a new, empty one: the database all instances of one test share. */
    static String freshSchemaUrl(String prefix) throws Exception {
        String base = baseUrl();
        String schema = prefix + "_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 1_000_000;
        try (HikariDataSource admin = StorageDatabase.pool(base, null, null, 1);
             Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema + ",public";
    }

    private static String baseUrl() throws IOException {
        String env = System.getenv("TSDB_URL");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        Path state = Path.of(System.getProperty("telemask.tsdb.state", "target/tsdb"));
        if (Files.isRegularFile(state.resolve("url"))) {
            return Files.readString(state.resolve("url")).trim();
        }
        Assumptions.abort(Files.isRegularFile(state.resolve("skip-reason"))
                ? Files.readString(state.resolve("skip-reason")).trim()
                : "no TimescaleDB: run with ./mvnw verify (which starts one) or set TSDB_URL");
        throw new AssertionError("unreachable");
    }
}
