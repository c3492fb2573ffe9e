package dev.telemask.storage.query;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Queues, in the transaction of an erasure or of a device's deletion, the tables whose planner statistics may hold
 * values of the rows it deletes (the device's IMEI as a most common value, its times among histogram bounds), in
 * {@code stale_statistics}; {@code dev.telemask.storage.StatisticsRenewal} analyzes them once it committed. Of a table
 * with child tables (the TimescaleDB hypertable {@code positions}), the children that hold a row being deleted are
 * queued, each with a sample of its own, and the parent only where it holds a sample of all of them (an
 * {@code ANALYZE} of the whole hypertable took one). It is called before the deletes, which the transaction's later
 * look-ups no longer see.
 */
final class StaleStatistics {
    private StaleStatistics() {
    }

    /**
     * Queues {@code tables} for the device's rows in {@code window} (null: at any time; children of a table are
     * looked into by {@code imei} and {@code device_time}).
     */
    static void queue(Connection c, long imei, TimeWindow window, List<String> tables) throws SQLException {
        Set<String> relations = new LinkedHashSet<>();
        for (String table : tables) {
            List<String> children = children(c, table);
            if (children.isEmpty()) {
                relations.add(table);
                continue;
            }
            for (String child : children) {
                if (holds(c, child, imei, window)) {
                    relations.add(child);
                }
            }
            if (holdsInheritedSample(c, table)) {
                relations.add(table);
            }
        }
        try (PreparedStatement st = c.prepareStatement(
                "INSERT INTO stale_statistics (relation) SELECT unnest(?::text[])")) {
            Array names = c.createArrayOf("text", relations.toArray());
            st.setArray(1, names);
            st.executeUpdate();
        }
    }

    /**
     * {@code devices} and the tables whose rows may go with a device's row (foreign keys to it, and to those, as a
     * driver's sessions go with the driver's user), their children left out.
     */
    static List<String> referencingDevices(Connection c) throws SQLException {
        return names(c, "WITH RECURSIVE r (rel) AS (SELECT 'devices'::regclass::oid UNION SELECT k.conrelid"
                + " FROM pg_constraint k JOIN r ON k.confrelid = r.rel WHERE k.contype = 'f')"
                + " SELECT rel::regclass::text FROM r"
                + " WHERE NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = rel) ORDER BY 1", null);
    }

    private static List<String> children(Connection c, String table) throws SQLException {
        return names(c, "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = ?::regclass ORDER BY 1",
                table);
    }

    private static boolean holds(Connection c, String child, long imei, TimeWindow window) throws SQLException {
        // The child's name as PostgreSQL printed it (quoted where needed), never anything a caller gave.
        try (PreparedStatement st = c.prepareStatement("SELECT 1 FROM " + child + " WHERE imei = ?"
                + (window == null ? "" : " AND device_time >= ? AND device_time < ?") + " LIMIT 1")) {
            st.setLong(1, imei);
            if (window != null) {
                st.setObject(2, PositionQuery.timestamp(window.from()));
                st.setObject(3, PositionQuery.timestamp(window.to()));
            }
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean holdsInheritedSample(Connection c, String table) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT 1 FROM pg_stats s JOIN pg_class t"
                + " ON t.relname = s.tablename JOIN pg_namespace n ON n.oid = t.relnamespace"
                + " AND n.nspname = s.schemaname WHERE t.oid = ?::regclass AND s.inherited LIMIT 1")) {
            st.setString(1, table);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static List<String> names(Connection c, String sql, String parameter) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(sql)) {
            if (parameter != null) {
                st.setString(1, parameter);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }
}
