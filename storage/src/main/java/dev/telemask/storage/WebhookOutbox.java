package dev.telemask.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The webhook outbox as the delivery workers see it: claiming due deliveries (several instances share the table
 * through {@code FOR UPDATE SKIP LOCKED}; a claim is a lease, so a worker that dies mid-delivery leaves the row to be
 * tried again) and recording what became of each.
 */
public final class WebhookOutbox {
    /** A claimed delivery with what it takes to send it; {@code secret} null when it does not open. */
    public record Due(long id, long webhookId, String url, String secret, String payload, int attempts) {
    }

    private final DataSource dataSource;
    private final FieldSealer sealer;

    /** Opens the webhooks' secrets with {@code sealer}. */
    public WebhookOutbox(DataSource dataSource, FieldSealer sealer) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.sealer = Objects.requireNonNull(sealer, "sealer");
    }

    private String opened(long tenantId, String sealed) {
        try {
            return new String(sealer.open(dev.telemask.storage.query.WebhookStore.secretContext(tenantId), sealed),
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (SealedRecordException e) {
            return null;
        }
    }

    /** Claims at most {@code limit} due deliveries for {@code lease}: no other worker takes them meanwhile. */
    public List<Due> claim(int limit, Duration lease) throws SQLException {
        List<Due> due = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement st = c.prepareStatement("UPDATE webhook_deliveries d"
                    + " SET next_attempt_at = now() + make_interval(secs => ?)"
                    + " FROM webhooks w WHERE w.id = d.webhook_id AND d.id IN (SELECT id FROM webhook_deliveries"
                    + " WHERE state = 'pending' AND next_attempt_at <= now() ORDER BY next_attempt_at, id LIMIT ?"
                    + " FOR UPDATE SKIP LOCKED)"
                    + " RETURNING d.id, d.webhook_id, w.url, w.secret, d.payload, d.attempts, w.tenant_id")) {
                st.setDouble(1, lease.toMillis() / 1000.0);
                st.setInt(2, limit);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        due.add(new Due(rs.getLong(1), rs.getLong(2), rs.getString(3),
                                opened(rs.getLong(7), rs.getString(4)), rs.getString(5), rs.getInt(6)));
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
        return due;
    }

    /** The receiver took the delivery. */
    public void delivered(long id) throws SQLException {
        update("UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, delivered_at = now(),"
                + " last_error = NULL WHERE id = ? AND state = 'pending'", id, null, null);
    }

    /** The attempt failed: try again at {@code next}, or, when null, give up (dead letter). */
    public void failed(long id, String error, Instant next) throws SQLException {
        if (next == null) {
            update("UPDATE webhook_deliveries SET state = 'dead', attempts = attempts + 1, last_error = ?"
                    + " WHERE id = ? AND state = 'pending'", id, error, null);
        } else {
            update("UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?"
                    + " WHERE id = ? AND state = 'pending'", id, error, next);
        }
    }

    /** How long the oldest pending delivery has waited, zero when none waits. */
    public Duration lag() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0) FROM webhook_deliveries"
                        + " WHERE state = 'pending'"); ResultSet rs = st.executeQuery()) {
            rs.next();
            return Duration.ofMillis(Math.max(0, (long) (rs.getDouble(1) * 1000)));
        }
    }

    private void update(String sql, long id, String error, Instant next) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            int i = 1;
            if (error != null) {
                st.setString(i++, error.length() > 500 ? error.substring(0, 500) : error);
            }
            if (next != null) {
                st.setTimestamp(i++, Timestamp.from(next));
            }
            st.setLong(i, id);
            st.executeUpdate();
        }
    }
}
