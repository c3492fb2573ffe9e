package dev.telemask.bench.query;

import com.zaxxer.hikari.HikariDataSource;
import dev.telemask.storage.Migrations;
import dev.telemask.storage.StorageDatabase;
import dev.telemask.storage.query.PositionQuery;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * Track query latency of the fleet API (issue 6): a year of positions for N devices in the database, then p50/p99/max
 * of one device-day and one device-month read through the API's own {@link PositionQuery}. A plain main rather than
 * JMH: the unit is a database round trip of milliseconds, and the load before it takes minutes.
 *
 * <pre>telemask bench query JDBC_URL [DEVICES=1000] [INTERVAL=30m] [QUERIES=200]</pre>
 */
public final class TrackQueryBenchmark {
    private static final int LOAD_THREADS = 2;
    private static final Duration REAL_FLEET_INTERVAL = Duration.ofSeconds(30);

    private TrackQueryBenchmark() {
    }

    /** Loads (what is missing of) a year of {@code devices} devices reporting every {@code interval}, then queries. */
    public static void run(String url, int devices, Duration interval, int queries, PrintStream out) throws Exception {
        run(url, new SyntheticFleetYear(devices, interval), queries, out);
    }

    static void run(String url, SyntheticFleetYear year, int queries, PrintStream out) throws Exception {
        try (HikariDataSource pool = StorageDatabase.pool(url, null, null, LOAD_THREADS + 1)) {
            Migrations.migrate(pool);
            out.printf("fleet year: %d devices, one record every %s per device, %d days from %s: %,d rows%n",
                    year.devices(), year.interval(), SyntheticFleetYear.DAYS, SyntheticFleetYear.START,
                    year.rowsPerDay() * SyntheticFleetYear.DAYS);
            explainInterval(year, out);
            if (new FleetYearLoader(pool, year, out).loadMissingDays(LOAD_THREADS) > 0) {
                long start = System.nanoTime();
                execute(pool, "VACUUM ANALYZE positions");
                out.printf("VACUUM ANALYZE positions: %.0f s%n", (System.nanoTime() - start) / 1e9);
            }
            describeDatabase(pool, out);

            PositionQuery query = new PositionQuery(pool);
            List<TrackQueryCase> cases = List.of(
                    new TrackQueryCase("device-day", Duration.ofDays(1), year, query, 1),
                    new TrackQueryCase("device-month", Duration.ofDays(30), year, query, 2));
            int warmUp = Math.max(20, queries / 4);
            for (TrackQueryCase c : cases) {
                c.run(warmUp); // JIT, connection pool, prepared statements; other devices than the measured ones
            }
            out.printf("%n%d queries per case after %d warm-up queries; random device, random start in the year;"
                    + " pageEnd + stream with limit %,d (one API request)%n", queries, warmUp,
                    TrackQueryCase.PAGE_LIMIT);
            out.printf("%-13s %9s %9s %9s %16s %12s%n", "case", "p50 ms", "p99 ms", "max ms", "rows/query",
                    "rows/s");
            for (TrackQueryCase c : cases) {
                QueryLatencies l = c.run(queries);
                String rows = l.minRows() == l.maxRows() ? String.format("%,d", l.minRows())
                        : String.format("%,d-%,d", l.minRows(), l.maxRows());
                out.printf("%-13s %9.2f %9.2f %9.2f %16s %,12.0f%n", c.name(), l.percentileMillis(50),
                        l.percentileMillis(99), l.maxMillis(), rows, l.rowsPerSecond());
            }
        }
    }

    /** Why the default interval is sparse, and what a real fleet's denser logging means for these figures. */
    private static void explainInterval(SyntheticFleetYear year, PrintStream out) {
        long factor = year.interval().toSeconds() / REAL_FLEET_INTERVAL.toSeconds();
        if (factor > 1) {
            out.printf("note: a real fleet logs more often, typically every %d s while moving: %dx the rows of this"
                    + " data set (%,d per device-day, %,d per device-month rather than %,d and %,d). The query"
                    + " walks one device's index range, so its cost grows with the rows it returns (the month"
                    + " query most); the table and its index grow %dx too, which moves data out of memory.%n",
                    REAL_FLEET_INTERVAL.toSeconds(), factor, year.recordsPerDevicePerDay() * factor,
                    year.recordsPerDevicePerDay() * 30L * factor, year.recordsPerDevicePerDay(),
                    year.recordsPerDevicePerDay() * 30L, factor);
        }
    }

    private static void describeDatabase(HikariDataSource pool, PrintStream out) throws SQLException {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT current_setting('server_version'),"
                    + " (SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'),"
                    + " current_setting('shared_buffers'), pg_size_pretty(pg_database_size(current_database()))")) {
                rs.next();
                out.printf("PostgreSQL %s, TimescaleDB %s, shared_buffers %s, database size %s%n", rs.getString(1),
                        rs.getString(2) == null ? "absent" : rs.getString(2), rs.getString(3), rs.getString(4));
            }
            if (hasTimescale(st)) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM show_chunks('positions')")) {
                    rs.next();
                    out.printf("positions: TimescaleDB hypertable, %d chunks%n", rs.getLong(1));
                }
            }
        }
    }

    private static boolean hasTimescale(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM timescaledb_information.hypertables"
                + " WHERE hypertable_name = 'positions'")) {
            return rs.next() && rs.getLong(1) > 0;
        } catch (SQLException e) {
            return false; // plain PostgreSQL: no timescaledb_information schema
        }
    }

    private static void execute(HikariDataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
