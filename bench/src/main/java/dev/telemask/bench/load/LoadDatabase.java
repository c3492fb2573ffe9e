package dev.telemask.bench.load;

import dev.telemask.storage.StorageDatabase;
import com.zaxxer.hikari.HikariDataSource;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The TimescaleDB of a load run: TSDB_URL as given, or one that deploy/local/timescaledb.sh starts in the run's own
 * state directory (and stops afterwards). Each run gets a fresh schema with a tenant, an open policy and the devices.
 * In a database of its own the run drops its schemas when it ends, and those an interrupted run left when it starts:
 * a 10,000-device run stores gigabytes, and runs one after another would fill the disk. A {@code TSDB_URL} database
 * keeps them, for reading afterwards.
 */
public final class LoadDatabase implements AutoCloseable {
    private final String baseUrl;
    private final Path script;
    private final Path stateDir;
    private final List<String> schemas = new ArrayList<>();

    private LoadDatabase(String baseUrl, Path script, Path stateDir) {
        this.baseUrl = baseUrl;
        this.script = script;
        this.stateDir = stateDir;
    }

    static LoadDatabase open(LoadOptions options, Path workDir) throws Exception {
        if (options.databaseUrl() != null) {
            return new LoadDatabase(options.databaseUrl(), null, null);
        }
        Path state = workDir.resolve("tsdb");
        script(options.databaseScript(), state, "start");
        String url = script(options.databaseScript(), state, "url").strip();
        dropSchemas(url, leftSchemas(url));
        return new LoadDatabase(url, options.databaseScript(), state);
    }

    private static String script(Path script, Path state, String command) throws IOException, InterruptedException {
        Path log = state.resolveSibling("tsdb-" + command + ".out");
        state.toFile().mkdirs();
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), command)
                .redirectError(ProcessBuilder.Redirect.appendTo(new File(state.resolveSibling("tsdb.log").toString())))
                .redirectOutput(log.toFile());
        builder.environment().put("TSDB_STATE_DIR", state.toAbsolutePath().toString());
        Process process = builder.start();
        if (!process.waitFor(15, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("timescaledb.sh " + command + " failed; see " + state.resolveSibling("tsdb.log"));
        }
        return java.nio.file.Files.readString(log, StandardCharsets.UTF_8);
    }

    /**
     * CPU seconds the database server (postmaster and backends) has used so far, or NaN when it is not one this
     * run started (an external {@code TSDB_URL}).
     */
    double cpuSeconds() {
        if (stateDir == null) {
            return Double.NaN;
        }
        try {
            Path pidFile = stateDir.resolve("pgdata").resolve("postmaster.pid");
            long pid = Long.parseLong(java.nio.file.Files.readAllLines(pidFile).get(0).strip());
            return ProcessCpu.ofTree(pid);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** A new schema for this run; the URL makes it the gateway's. */
    String newSchemaUrl() throws Exception {
        String schema = "load_" + System.currentTimeMillis();
        execute(baseUrl, "CREATE SCHEMA " + schema);
        schemas.add(schema);
        return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema + ",public";
    }

    /**
     * Registers devices {@code imeiBase .. imeiBase + count - 1} of fleet {@code load} under an open policy (with the
     * private trips' {@code graceWindow} and {@code anchorDelay}, each the default when null); the schema must be
     * migrated.
     */
    public static void registerDevices(String schemaUrl, long imeiBase, int count, Duration graceWindow,
                                       Duration anchorDelay) throws Exception {
        registerDevices(schemaUrl, imeiBase, count, graceWindow, anchorDelay, true);
    }

    /**
     * As {@link #registerDevices(String, long, int, Duration, Duration)}; without {@code tripsMayBePrivate} the policy's
     * private-mode switch is a value the simulated devices never send (they send 0 or 1 on IO 391), so no trip is made
     * private by the switch; the policy's other rules still make some records private, and those are not forwarded.
     */
    static void registerDevices(String schemaUrl, long imeiBase, int count, Duration graceWindow,
                                Duration anchorDelay, boolean tripsMayBePrivate) throws Exception {
        List<String> tripSettings = new ArrayList<>();
        if (!tripsMayBePrivate) {
            tripSettings.add("\"privateModeIo\": {\"id\": 391, \"value\": 2}");
        }
        if (graceWindow != null) {
            tripSettings.add("\"graceWindow\": \"" + graceWindow + "\"");
        }
        if (anchorDelay != null) {
            tripSettings.add("\"anchorDelay\": \"" + anchorDelay + "\"");
        }
        String privateTrips = tripSettings.isEmpty() ? ""
                : ", \"privateTrips\": {" + String.join(", ", tripSettings) + "}";
        execute(schemaUrl,
                "INSERT INTO tenants (name) VALUES ('load')",
                "INSERT INTO policies (tenant_id, name) SELECT id, 'open' FROM tenants WHERE name = 'load'",
                "INSERT INTO policy_versions (policy_id, version, document, created_by) SELECT id, 1, '{\"version\": 1,"
                        + " \"consent\": {\"location\": true, \"driverIdentity\": true, \"telemetry\": true}" + privateTrips
                        + "}', 'load'"
                        + " FROM policies WHERE name = 'open'",
                "INSERT INTO devices (imei, tenant_id, policy_id) SELECT " + imeiBase + " + i, t.id, p.id"
                        + " FROM generate_series(0, " + (count - 1) + ") AS i, tenants t, policies p"
                        + " WHERE t.name = 'load' AND p.name = 'open'");
    }

    private static void execute(String url, String... statements) throws Exception {
        try (HikariDataSource pool = StorageDatabase.pool(url, null, null, 1);
             Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    @Override
    public void close() throws Exception {
        if (script != null) {
            try {
                dropSchemas(baseUrl, schemas);
            } finally {
                script(script, stateDir, "stop");
            }
        }
    }

    /** The schemas earlier runs made in this database ({@link #newSchemaUrl}'s names). */
    private static List<String> leftSchemas(String url) throws Exception {
        List<String> left = new ArrayList<>();
        try (HikariDataSource pool = StorageDatabase.pool(url, null, null, 1);
             Connection c = pool.getConnection(); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery(
                     "SELECT nspname FROM pg_namespace WHERE nspname ~ '^load_[0-9]+$'")) {
            while (rs.next()) {
                left.add(rs.getString(1));
            }
        }
        return left;
    }

    /** Drops {@code names} with everything in them (hypertables take their chunks along). */
    private static void dropSchemas(String url, List<String> names) throws Exception {
        if (!names.isEmpty()) {
            execute(url, names.stream().map(name -> "DROP SCHEMA " + name + " CASCADE").toArray(String[]::new));
        }
    }
}
