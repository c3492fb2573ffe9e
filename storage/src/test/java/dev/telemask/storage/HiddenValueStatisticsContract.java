package dev.telemask.storage;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The planner's column statistics ({@code pg_stats}) keep no sample of a value that is hidden once its row goes:
 * neither one sampled before this version nor one sampled later, also when the table is empty by the next ANALYZE
 * (which then keeps the sample it had).
 */
abstract class HiddenValueStatisticsContract extends UnsampledColumnsContract {
    /** The columns that must never be sampled, as "table.column". */
    static final List<String> UNSAMPLED = List.of("sealed_positions.device_time", "sealed_positions.event_io",
            "sealed_positions.received_at", "sealed_positions.expires_at", "sealed_positions.sealed",
            "devices.privacy_state", "device_events.latitude", "device_events.longitude", "device_events.speed",
            "webhook_deliveries.payload", "device_commands.answer");
    static final long DEVICE = 990L;

    @Override
    List<String> unsampled() {
        return UNSAMPLED;
    }

    @Override
    String versionBefore() {
        return "31";
    }

    @Override
    void fillBefore() throws SQLException {
        long tenant = queryLong("INSERT INTO tenants (name) VALUES ('sampled') RETURNING id");
        execute("INSERT INTO devices (imei, tenant_id, privacy_state) VALUES (" + DEVICE + ", " + tenant
                + ", '\\x450102'), (" + (DEVICE + 1) + ", " + tenant + ", '\\x450304'), (" + (DEVICE + 2) + ", "
                + tenant + ", '\\x450506')");
        insertWaitingRecords(3);
        long webhook = queryLong("INSERT INTO webhooks (tenant_id, url, kinds, secret, created_by) VALUES (" + tenant
                + ", 'https://example.com/hook', ARRAY['geofence_enter'], 'sealed', 'test') RETURNING id");
        for (int i = 0; i < 3; i++) {
            execute("INSERT INTO device_events (tenant_id, imei, device_time, event_io, kind, latitude, longitude,"
                    + " speed, treatment, received_at) VALUES (" + tenant + ", " + DEVICE + ", timestamptz"
                    + " '2026-01-01 08:00:0" + i + "Z', 0, 'overspeed', " + (524_987_650 + i) + ", "
                    + (134_012_340 + i) + ", " + (120 + i) + ", 0, now())");
            execute("INSERT INTO webhook_deliveries (webhook_id, tenant_id, imei, payload, device_time) VALUES ("
                    + webhook + ", " + tenant + ", " + DEVICE + ", '{\"latitude\": 52.498765" + i + "}', now())");
            execute("INSERT INTO device_commands (tenant_id, imei, text, reveals_location, created_by, expires_at,"
                    + " answer) VALUES (" + tenant + ", " + DEVICE + ", 'getgps', true, 'test', now(),"
                    + " 'Lat:52.498765" + i + " Long:13.401234" + i + "')");
        }
    }

    @Test
    void recordsDecidedAfterTheyWaitedLeaveNoSampleOfTheirTimes() throws SQLException {
        insertWaitingRecords(50);
        // Autovacuum analyzes the table while records wait (V23: after 10,000 changes) ...
        execute("ANALYZE");
        // ... and again once they were decided (hidden by a zone, say): an empty table keeps the sample it had.
        execute("DELETE FROM sealed_positions");
        execute("ANALYZE");
        assertEquals(List.of(), unsampledIn(sampledColumns()));
    }

    void insertWaitingRecords(int n) throws SQLException {
        for (int i = 0; i < n; i++) {
            execute("INSERT INTO sealed_positions (imei, device_time, event_io, received_at, expires_at, key_id,"
                    + " sealed) VALUES (" + DEVICE + ", timestamptz '2026-01-01 07:00:00Z' + interval '" + i
                    + " seconds', " + (i % 7) + ", now() + interval '" + i + " ms', now() + interval '1 day " + i
                    + " ms', 'test1', '\\x0102" + String.format("%04x", i) + "') ON CONFLICT DO NOTHING");
        }
    }

    /** The columns of the schema that pg_stats has a sample of, as "table.column". */
    @Override
    String sampledColumnsQuery() {
        return "SELECT tablename || '.' || attname FROM pg_stats WHERE schemaname = current_schema()"
                + " AND (most_common_vals IS NOT NULL OR histogram_bounds IS NOT NULL)";
    }
}
