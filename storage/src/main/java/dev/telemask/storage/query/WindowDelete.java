package dev.telemask.storage.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;

/**
 * Deletes one device's rows of a table in a device-time window through statements of at most about
 * {@link #BATCH} rows each, in the caller's transaction: each statement ends well within the API's
 * {@code statement_timeout} however large the window, and the window's rows still go all at once at commit.
 * The statements walk the window up from its start, so none scans the rows deleted before it.
 */
final class WindowDelete {
    /** Rows per statement: seconds of work at most, also on a loaded server. */
    static final int BATCH = 10_000;

    private WindowDelete() {
    }

    /** Deletes the rows of {@code table} (with {@code imei} and {@code device_time}) in the window; returns how many. */
    static long run(Connection connection, String table, long imei, TimeWindow window, ErasureProgress progress)
            throws SQLException {
        String where = " FROM " + table + " WHERE imei = ? AND device_time >= ? AND device_time < ?";
        long deleted = 0;
        try (PreparedStatement bound = connection.prepareStatement("SELECT device_time" + where
                + " ORDER BY device_time OFFSET " + BATCH + " LIMIT 1");
             PreparedStatement delete = connection.prepareStatement("DELETE" + where);
             PreparedStatement deleteAt = connection.prepareStatement("DELETE" + where.replace(
                     "device_time < ?", "device_time <= ?"))) {
            OffsetDateTime from = PositionQuery.timestamp(window.from());
            OffsetDateTime to = PositionQuery.timestamp(window.to());
            while (true) {
                OffsetDateTime next = firstPast(bound, imei, from, to);
                // More than a batch of rows at one time (never with a unique device time per row): they go together.
                boolean oneTime = next != null && next.isEqual(from);
                PreparedStatement st = oneTime ? deleteAt : delete;
                st.setLong(1, imei);
                st.setObject(2, from);
                st.setObject(3, next == null ? to : next);
                long rows = st.executeLargeUpdate();
                deleted += rows;
                progress.deleted(table, rows);
                if (next == null) {
                    return deleted;
                }
                // PostgreSQL keeps microseconds: the next time after one is a microsecond later.
                from = oneTime ? next.plusNanos(1_000) : next;
            }
        }
    }

    /** The device time of the row {@link #BATCH} rows into {@code [from, to)}, or null when fewer rows are left. */
    private static OffsetDateTime firstPast(PreparedStatement bound, long imei, OffsetDateTime from,
                                            OffsetDateTime to) throws SQLException {
        bound.setLong(1, imei);
        bound.setObject(2, from);
        bound.setObject(3, to);
        try (ResultSet rs = bound.executeQuery()) {
            return rs.next() ? rs.getObject(1, OffsetDateTime.class) : null;
        }
    }
}
