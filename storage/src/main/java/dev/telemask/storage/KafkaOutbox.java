package dev.telemask.storage;

import dev.telemask.storage.query.PositionQuery;
import dev.telemask.storage.query.StoredPosition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
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

    /** Claims at most {@code limit} due rows, oldest first, for {@code lease}: no other forwarder takes them meanwhile. */
    public List<Pending> claim(int limit, Duration lease) throws SQLException {
        List<Pending> pending = new ArrayList<>();
        OutboxClaims.run(dataSource, CLAIM, limit, lease, rs -> pending.add(new Pending(rs.getLong(OutboxClaims.ID),
                rs.getLong(OutboxClaims.OWN), rs.getString(OutboxClaims.PAYLOAD),
                rs.getObject(OutboxClaims.KEY_EVENT_IO) != null, PositionQuery.rowOrNull(rs),
                rs.getInt(OutboxClaims.ATTEMPTS))));
        return pending;
    }

    /** The broker acknowledged the rows, or they have nothing left to send: they go. */
    public void done(List<Long> ids) throws SQLException {
        if (!ids.isEmpty()) {
            OutboxClaims.discard(dataSource, ids);
        }
    }

    /** Sending the rows failed: tried again at {@code next}. */
    public void failed(List<Long> ids, String error, Instant next) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                "UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?"
                        + " WHERE id = ANY (?) AND state = 'pending'")) {
            st.setString(1, error.length() > 500 ? error.substring(0, 500) : error);
            st.setTimestamp(2, Timestamp.from(next));
            st.setArray(3, c.createArrayOf("bigint", ids.toArray()));
            st.executeUpdate();
        }
    }

    /** How long the oldest row still to send has waited, zero when none waits. */
    public Duration lag() throws SQLException {
        return OutboxClaims.lag(dataSource, "kafka");
    }
}
