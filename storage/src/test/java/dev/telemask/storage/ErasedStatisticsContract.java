package dev.telemask.storage;

import dev.telemask.storage.query.FleetDeviceStore;
import dev.telemask.storage.query.PositionQuery;
import dev.telemask.storage.query.TimeWindow;
import dev.telemask.storage.query.Transaction;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adversary holds a database dump, with statistics, taken after an erasure or a device's deletion: the planner's
 * sample ({@code pg_stats}: most common values and histogram bounds of every column) of every table the erasure
 * deleted rows of, their chunks under TimescaleDB, must then hold neither the device's IMEI (a device with most of the
 * rows is their most common value) nor any time of its erased rows. The fleet's other devices keep their rows.
 */
abstract class ErasedStatisticsContract extends DatabaseContract {
    /** The tables an erasure deletes or changes rows of. */
    static final List<String> ERASED = List.of("positions", "sealed_positions", "device_events",
            "webhook_deliveries", "device_commands", "device_event_state", "devices");
    /** Devices of the fleet besides the one erased. */
    static final int OTHERS = 30;

    @Override
    void prepare() throws SQLException {
        Migrations.migrate(dataSource);
        execute("INSERT INTO tenants (name) VALUES ('fleet')");
    }

    @Test
    void anErasedDeviceLeavesNoValueInTheStatisticsOfTheTablesItWasErasedFrom() throws SQLException {
        long imei = 356_307_042_441_013L;
        Set<String> times = analyzedFleet(imei, "2026-03-02");

        new PositionQuery(dataSource).erase(imei, new TimeWindow(Instant.parse("2026-03-01T00:00:00Z"),
                Instant.parse("2026-03-09T00:00:00Z")));
        int analyzed = renewal().runPending();

        // The device is still registered: its own row in devices keeps its IMEI, as the table does.
        assertNotSampled(imei, sampled(ERASED.subList(0, ERASED.size() - 1)), times, sampled(ERASED));
        assertTrue(analyzed > 0);
        assertEquals(0, queryLong("SELECT count(*) FROM stale_statistics"));
        assertTrue(sampled(List.of("positions")).contains(Long.toString(imei + 1)), "the others are still sampled");
    }

    @Test
    void aDeletedDeviceLeavesNoValueInTheStatisticsOfAnyTableButTheAudit() throws SQLException {
        long imei = 356_307_042_442_011L;
        Set<String> times = analyzedFleet(imei, "2026-04-02");

        assertTrue(Transaction.run(dataSource, c -> FleetDeviceStore.delete(c, tenant(), imei)) > 0);
        int analyzed = renewal().runPending();

        Set<String> sampled = sampled(tablesButTheAudit());
        assertNotSampled(imei, sampled, times, sampled);
        assertTrue(analyzed > 0);
    }

    @Test
    void anAnalysisThatFailsIsCountedAndStaysQueuedForTheNextRun() throws SQLException {
        execute("INSERT INTO stale_statistics (relation) VALUES ('positions')");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // Another session holds the table: ANALYZE fails once its connection's lock timeout is up.
        try (HikariDataSource impatient = new HikariDataSource(); Connection holder = dataSource.getConnection();
             Statement lock = holder.createStatement()) {
            impatient.setJdbcUrl(dataSource.getJdbcUrl());
            impatient.setUsername(dataSource.getUsername());
            impatient.setPassword(dataSource.getPassword());
            impatient.setConnectionInitSql("SET lock_timeout = '50ms'");
            holder.setAutoCommit(false);
            lock.execute("LOCK TABLE positions IN ACCESS EXCLUSIVE MODE");
            assertEquals(0, new StatisticsRenewal(impatient, registry).runPending());
            holder.rollback();
        }
        assertEquals(1.0, registry.get("telemask.storage.statistics.renewal.failures").counter().count());
        assertEquals(1.0, registry.get("telemask.storage.statistics.stale").gauge().value());
        assertEquals(1, renewal().runPending());
        assertEquals(0, queryLong("SELECT count(*) FROM stale_statistics"));
    }

    /** Fills the fleet around the device and analyzes it; returns the device's times, some of them sampled. */
    Set<String> analyzedFleet(long imei, String day) throws SQLException {
        fill(imei, day);
        Set<String> times = timesOf(imei);
        execute("ANALYZE");
        assertTrue(sampled(List.of("positions")).contains(Long.toString(imei)),
                "the device is a most common value before");
        assertFalse(intersection(sampled(ERASED), times).isEmpty(), "its times are sampled before");
        return times;
    }

    /** Neither the IMEI is among {@code imeiSample} nor any of the device's {@code times} among {@code timeSample}. */
    static void assertNotSampled(long imei, Set<String> imeiSample, Set<String> times, Set<String> timeSample) {
        Set<String> left = intersection(timeSample, times);
        assertFalse(imeiSample.contains(Long.toString(imei)), "the IMEI is sampled still, and " + left.size()
                + " of the " + times.size() + " times of the device");
        assertEquals(Set.of(), left, left.size() + " of the " + times.size() + " times of the device are sampled");
    }

    StatisticsRenewal renewal() {
        return new StatisticsRenewal(dataSource, new SimpleMeterRegistry());
    }

    long tenant() throws SQLException {
        return queryLong("SELECT id FROM tenants WHERE name = 'fleet'");
    }

    /**
     * The device with most of the fleet's rows in every table an erasure touches, and {@link #OTHERS} devices with
     * fewer, over three days from {@code day}; every time distinct.
     */
    void fill(long imei, String day) throws SQLException {
        for (int d = 0; d <= OTHERS; d++) {
            long device = imei + d;
            boolean erased = d == 0;
            // The erased device's times within the day's first 4,210 seconds, the others' after: no value is both.
            String at = "timestamptz '" + day + " 00:00:00Z' + (g % 3) * interval '1 day' + interval '1 second' * ("
                    + (erased ? 0 : 5_000 + d * 1_000) + " + g * 7)";
            execute("INSERT INTO devices (imei, tenant_id, last_seen_at) SELECT " + device + ", id, timestamptz '"
                    + day + " 23:00:00Z' + interval '1 second' * " + d + " FROM tenants WHERE name = 'fleet'");
            execute("INSERT INTO positions (imei, device_time, receive_time, priority, event_io, io, treatment)"
                    + " SELECT " + device + ", " + at + ", " + at + " + interval '2 seconds', 0, 0, '\\x', 0"
                    + " FROM generate_series(1, " + (erased ? 600 : 20) + ") g");
            execute("INSERT INTO sealed_positions (imei, device_time, event_io, received_at, expires_at, key_id,"
                    + " sealed) SELECT " + device + ", " + at + " + interval '3 seconds', 0, " + at
                    + " + interval '4 seconds', timestamptz '2099-01-01Z', 'k', '\\x00'"
                    + " FROM generate_series(1, " + (erased ? 100 : 5) + ") g");
            execute("INSERT INTO device_events (tenant_id, imei, device_time, event_io, kind, treatment, received_at)"
                    + " SELECT (SELECT id FROM tenants WHERE name = 'fleet'), " + device + ", " + at
                    + ", 0, 'overspeed', 0, " + at + " + interval '5 seconds' FROM generate_series(1, "
                    + (erased ? 100 : 5) + ") g");
            execute("INSERT INTO webhook_deliveries (tenant_id, imei, device_time, sink, event_io, created_at)"
                    + " SELECT (SELECT id FROM tenants WHERE name = 'fleet'), " + device + ", " + at + ", 'kafka', 0, "
                    + at + " + interval '6 seconds' FROM generate_series(1, " + (erased ? 100 : 5) + ") g");
            execute("INSERT INTO device_commands (tenant_id, imei, text, reveals_location, created_at, created_by,"
                    + " expires_at) SELECT (SELECT id FROM tenants WHERE name = 'fleet'), " + device + ", 'getgps',"
                    + " false, " + at + " + interval '1 second', 'admin', timestamptz '2099-01-01Z'"
                    + " FROM generate_series(1, " + (erased ? 100 : 5) + ") g");
        }
    }

    /** Every time stored of the device, as PostgreSQL prints it. */
    Set<String> timesOf(long imei) throws SQLException {
        return strings("SELECT device_time::text FROM positions WHERE imei = ?"
                + " UNION SELECT receive_time::text FROM positions WHERE imei = ?"
                + " UNION SELECT device_time::text FROM sealed_positions WHERE imei = ?"
                + " UNION SELECT received_at::text FROM sealed_positions WHERE imei = ?"
                + " UNION SELECT device_time::text FROM device_events WHERE imei = ?"
                + " UNION SELECT received_at::text FROM device_events WHERE imei = ?"
                + " UNION SELECT device_time::text FROM webhook_deliveries WHERE imei = ?"
                + " UNION SELECT created_at::text FROM webhook_deliveries WHERE imei = ?"
                + " UNION SELECT created_at::text FROM device_commands WHERE imei = ?"
                + " UNION SELECT last_seen_at::text FROM devices WHERE imei = ?", (c, st) -> {
                    for (int i = 1; i <= st.getParameterMetaData().getParameterCount(); i++) {
                        st.setLong(i, imei);
                    }
                });
    }

    /**
     * The most common values and histogram bounds of every column of {@code tables} and of their children (chunks),
     * as text.
     */
    Set<String> sampled(List<String> tables) throws SQLException {
        return strings("SELECT v FROM pg_stats s JOIN pg_namespace n ON n.nspname = s.schemaname"
                + " JOIN pg_class t ON t.relnamespace = n.oid AND t.relname = s.tablename"
                + " CROSS JOIN LATERAL unnest(coalesce(s.most_common_vals::text::text[], '{}')"
                + " || coalesce(s.histogram_bounds::text::text[], '{}')) v"
                + " WHERE t.oid IN (SELECT to_regclass(x) FROM unnest(?::text[]) x)"
                + " OR t.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent IN"
                + " (SELECT to_regclass(x) FROM unnest(?::text[]) x))", (c, st) -> {
                    Array names = c.createArrayOf("text", tables.toArray());
                    st.setArray(1, names);
                    st.setArray(2, names);
                });
    }

    /** Every table of the schema but the audit log, whose rows name the device by design. */
    List<String> tablesButTheAudit() throws SQLException {
        return new ArrayList<>(strings("SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()"
                + " AND tablename <> 'audit_log'", (c, st) -> { }));
    }

    static Set<String> intersection(Set<String> a, Set<String> b) {
        Set<String> both = new HashSet<>(a);
        both.retainAll(b);
        return both;
    }

    /** Binds a query's parameters. */
    @FunctionalInterface
    interface Binding {
        void bind(Connection c, PreparedStatement st) throws SQLException;
    }

    /** The first column of {@code sql}'s rows. */
    private Set<String> strings(String sql, Binding binding) throws SQLException {
        Set<String> values = new HashSet<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            binding.bind(c, st);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
        }
        return values;
    }
}
