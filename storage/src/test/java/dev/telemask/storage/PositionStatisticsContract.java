package dev.telemask.storage;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The planner's column statistics of {@code positions} (its own and, under TimescaleDB, its chunks') keep no sample of
 * a position's place, motion or IO: an erasure deletes a device's rows from chunks that keep their sample, so a sample
 * would keep the erased coordinates. The device and the time, which the planner uses, are still sampled.
 */
abstract class PositionStatisticsContract extends UnsampledColumnsContract {
    static final List<String> UNSAMPLED = List.of("altitude", "angle", "io", "latitude", "longitude", "satellites",
            "speed");
    static final long DEVICE = 4_711L;

    @Override
    List<String> unsampled() {
        return UNSAMPLED;
    }

    @Override
    String versionBefore() {
        return "39";
    }

    @Override
    void fillBefore() throws SQLException {
        insertPositions(DEVICE, "2026-01-01");
    }

    @Test
    void anErasedDevicesPlacesLeaveNoSampleInTheChunkThatKeepsTheOthers() throws SQLException {
        // A chunk made after the migration, with a device that stays and one that is erased.
        insertPositions(DEVICE + 1, "2026-03-01");
        insertPositions(DEVICE, "2026-03-01");
        execute("ANALYZE");
        execute("DELETE FROM positions WHERE imei = " + DEVICE);
        List<String> sampled = sampledColumns();
        assertTrue(sampled.contains("imei") && sampled.contains("device_time"),
                "the device and the time are still sampled for the planner: " + sampled);
        assertEquals(List.of(), unsampledIn(sampled));
    }

    void insertPositions(long imei, String day) throws SQLException {
        for (int i = 0; i < 50; i++) {
            execute("INSERT INTO positions (imei, device_time, receive_time, priority, longitude, latitude, altitude,"
                    + " angle, satellites, speed, event_io, io, treatment) VALUES (" + imei + ", timestamptz '" + day
                    + " 07:00:00Z' + interval '" + i + " seconds', now(), 0, " + (134_012_340 + i) + ", "
                    + (524_987_650 + i) + ", " + (40 + i) + ", " + (90 + i) + ", " + (5 + i % 9) + ", " + (30 + i)
                    + ", 0, '\\x0102" + String.format("%04x", i) + "', 0)");
        }
    }

    /** The columns of positions, or of any chunk of it, that pg_stats has a sample of. */
    @Override
    String sampledColumnsQuery() {
        return "SELECT DISTINCT s.attname FROM pg_stats s JOIN pg_namespace n ON n.nspname = s.schemaname"
                + " JOIN pg_class t ON t.relnamespace = n.oid AND t.relname = s.tablename"
                + " WHERE (s.most_common_vals IS NOT NULL OR s.histogram_bounds IS NOT NULL)"
                + " AND (t.oid = 'positions'::regclass"
                + " OR t.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'positions'::regclass))"
                + " ORDER BY 1";
    }
}
