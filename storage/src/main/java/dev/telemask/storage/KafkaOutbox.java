package dev.telemask.storage;

import dev.telemask.storage.query.PositionQuery;
import dev.telemask.storage.query.StoredPosition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The outbox's Kafka sink as the forwarder sees it: claiming due rows as a lease (shared with the other instances),
 * deleting them once the broker acknowledged them, and putting them off when it did not. A row is never given up:
 * what was acknowledged to a device reaches Kafka once the broker is back.
 */
public final class KafkaOutbox {
    /**
     * A claimed row: an event's has its {@code payload}; a position's has none, but the {@code position} stored now
     * (null when it was erased meanwhile: nothing to send).
     */
    public record Pending(long id, long imei, String payload, boolean ofPosition, StoredPosition position,
                          int attempts) {
    }

    private static final String CLAIM = OutboxClaims.claim("kafka", "", "", "d.imei");

    private final DataSource dataSource;

    public KafkaOutbox(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Claims at most {@code limit} due rows, oldest first, and holds them: they stay locked in an open transaction
     * until {@link Claim#finish} or {@link Claim#close}, so an erasure or retention that deletes one of them waits
     * for the send under way and then finds it gone or still unsent, never sent after it committed. {@code hold}
     * bounds that transaction (its {@code idle_in_transaction_session_timeout}); it must be longer than a send can
     * take. The lease keeps the rows from another instance should this one lose its connection without a rollback.
     */
    public Claim claim(int limit, Duration lease, Duration hold) throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL idle_in_transaction_session_timeout = " + hold.toMillis());
            }
            List<Pending> pending = new ArrayList<>();
            OutboxClaims.runIn(c, CLAIM, limit, lease, rs -> pending.add(new Pending(rs.getLong(OutboxClaims.ID),
                    rs.getLong(OutboxClaims.OWN), rs.getString(OutboxClaims.PAYLOAD),
                    rs.getObject(OutboxClaims.KEY_EVENT_IO) != null, PositionQuery.rowOrNull(rs),
                    rs.getInt(OutboxClaims.ATTEMPTS))));
            return new Claim(c, pending);
        } catch (SQLException | RuntimeException e) {
            abandon(c);
            throw e;
        }
    }

    /** Claimed rows, locked until {@link #finish} commits what became of them or {@link #close} gives them back. */
    public static final class Claim implements AutoCloseable {
        private final Connection connection;
        private final List<Pending> rows;
        private boolean ended;

        private Claim(Connection connection, List<Pending> rows) {
            this.connection = connection;
            this.rows = List.copyOf(rows);
        }

        public List<Pending> rows() {
            return rows;
        }

        /**
         * Deletes the {@code done} rows (the broker acknowledged them, or nothing of them is left to send), puts the
         * {@code failed} ones off to {@code next} with {@code error}, and commits: the rows' locks go.
         */
        public void finish(List<Long> done, List<Long> failed, String error, Instant next) throws SQLException {
            if (!done.isEmpty()) {
                try (PreparedStatement st = connection.prepareStatement(
                        "DELETE FROM webhook_deliveries WHERE id = ANY (?)")) {
                    st.setArray(1, connection.createArrayOf("bigint", done.toArray()));
                    st.executeUpdate();
                }
            }
            if (!failed.isEmpty()) {
                try (PreparedStatement st = connection.prepareStatement(
                        "UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?"
                                + " WHERE id = ANY (?) AND state = 'pending'")) {
                    st.setString(1, error == null ? "failed" : error.length() > 500 ? error.substring(0, 500) : error);
                    st.setTimestamp(2, Timestamp.from(next));
                    st.setArray(3, connection.createArrayOf("bigint", failed.toArray()));
                    st.executeUpdate();
                }
            }
            connection.commit();
            ended = true;
        }

        /** Gives back a claim not finished (rolled back: its rows are due again once the lease runs out). */
        @Override
        public void close() throws SQLException {
            if (!ended) {
                ended = true;
                abandon(connection);
            } else {
                connection.setAutoCommit(true);
                connection.close();
            }
        }
    }

    private static void abandon(Connection c) throws SQLException {
        try {
            c.rollback();
            c.setAutoCommit(true);
        } finally {
            c.close();
        }
    }

    /** How long the oldest row still to send has waited, zero when none waits. */
    public Duration lag() throws SQLException {
        return OutboxClaims.lag(dataSource, "kafka");
    }
}
