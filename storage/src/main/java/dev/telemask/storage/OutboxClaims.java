package dev.telemask.storage;

import dev.telemask.storage.query.PositionQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/**
 * The SQL that the outbox's sinks share: claiming one sink's due rows as a lease (several instances share the table
 * through {@code FOR UPDATE SKIP LOCKED}) with, for a position's row, the stored position joined at claim time, and
 * the age of the sink's oldest pending row.
 */
final class OutboxClaims {
    /** Columns after the position's: id, payload, attempts, event IO (null for an event), then the sink's own. */
    static final int ID = 15;
    static final int PAYLOAD = 16;
    static final int ATTEMPTS = 17;
    static final int KEY_EVENT_IO = 18;
    static final int OWN = 19;

    private OutboxClaims() {
    }

    /**
     * The claim of {@code sink}'s due rows: the lease in seconds and the row limit are its parameters. {@code from}
     * and {@code where} join the sink's own tables (e.g. {@code " FROM webhooks w"}, {@code " w.id = d.webhook_id AND"});
     * {@code own} are its own columns, returned from {@link #OWN} on.
     */
    static String claim(String sink, String from, String where, String... own) {
        StringBuilder returned = new StringBuilder();
        StringBuilder selected = new StringBuilder();
        for (int i = 0; i < own.length; i++) {
            returned.append(", ").append(own[i]).append(" AS own").append(i);
            selected.append(", c.own").append(i);
        }
        return "WITH claimed AS (UPDATE webhook_deliveries d SET next_attempt_at = now() + make_interval(secs => ?)"
                + from + " WHERE" + where + " d.id IN (SELECT id FROM webhook_deliveries WHERE sink = '" + sink + "'"
                + " AND state = 'pending' AND next_attempt_at <= now() ORDER BY next_attempt_at, id LIMIT ?"
                + " FOR UPDATE SKIP LOCKED) RETURNING d.id, d.payload, d.attempts, d.imei AS key_imei,"
                + " d.device_time AS key_time, d.event_io AS key_event_io, d.record_key AS key_record_key"
                + returned + ")"
                + " SELECT p.*, c.id, c.payload, c.attempts, c.key_event_io" + selected
                + " FROM claimed c LEFT JOIN LATERAL ("
                + PositionQuery.rowAt("c.key_imei", "c.key_time", "c.key_event_io", "c.key_record_key")
                + ") p ON c.key_event_io IS NOT NULL ORDER BY c.id";
    }

    /** Runs a claim made by {@link #claim} in a transaction of its own, handing each row to {@code rows}. */
    static void run(DataSource dataSource, String sql, int limit, Duration lease, RowReader rows) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                runIn(c, sql, limit, lease, rows);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** Runs a claim made by {@link #claim} in {@code c}'s transaction, which the caller ends. */
    static void runIn(Connection c, String sql, int limit, Duration lease, RowReader rows) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setDouble(1, lease.toMillis() / 1000.0);
            st.setInt(2, limit);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.read(rs);
                }
            }
        }
    }

    /** Reads one claimed row. */
    interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    /**
     * How long {@code sink}'s oldest pending row has waited, zero when none waits: the first by id, so that a backlog
     * is not read whole (ids follow insertion, so this is the oldest but for rows of concurrent transactions).
     */
    static Duration lag(DataSource dataSource, String sink) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT COALESCE((SELECT EXTRACT(EPOCH FROM now() - created_at) FROM webhook_deliveries"
                        + " WHERE sink = ? AND state = 'pending' ORDER BY id LIMIT 1), 0)")) {
            st.setString(1, sink);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return Duration.ofMillis(Math.max(0, (long) (rs.getDouble(1) * 1000)));
            }
        }
    }

    /** Deletes the rows: sent and not to be listed, or with nothing left to send. */
    static void discard(DataSource dataSource, List<Long> ids) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("DELETE FROM webhook_deliveries WHERE id = ANY (?)")) {
            st.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            st.executeUpdate();
        }
    }
}
