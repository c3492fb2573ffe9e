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
 * The webhook outbox as the delivery workers see it: claiming due deliveries (several instances share the table
 * through {@code FOR UPDATE SKIP LOCKED}; a claim is a lease, so a worker that dies mid-delivery leaves the row to be
 * tried again) and recording what became of each.
 */
public final class WebhookOutbox {
    /**
     * A claimed delivery with what it takes to send it; {@code secret} null when it does not open. An event's
     * delivery has its {@code payload}; a position's has none, but the {@code position} stored now (null when it was
     * erased meanwhile: nothing to send).
     */
    public record Due(long id, long webhookId, String url, String secret, String payload, int attempts,
                      boolean ofPosition, StoredPosition position) {
    }

    private static final String CLAIM = OutboxClaims.claim("webhook", " FROM webhooks w", " w.id = d.webhook_id AND",
            "d.webhook_id", "w.url", "w.secret", "w.tenant_id");

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
        int own = OutboxClaims.OWN;
        OutboxClaims.run(dataSource, CLAIM, limit, lease, rs -> due.add(new Due(rs.getLong(OutboxClaims.ID),
                rs.getLong(own), rs.getString(own + 1), opened(rs.getLong(own + 3), rs.getString(own + 2)),
                rs.getString(OutboxClaims.PAYLOAD), rs.getInt(OutboxClaims.ATTEMPTS),
                rs.getObject(OutboxClaims.KEY_EVENT_IO) != null, PositionQuery.rowOrNull(rs))));
        return due;
    }

    /** The receiver took the delivery. */
    public void delivered(long id) throws SQLException {
        update("UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, delivered_at = now(),"
                + " last_error = NULL WHERE id = ? AND state = 'pending'", id, null, null);
    }

    /** The delivery's position is no longer stored (erased while it waited): there is nothing to send. */
    public void discard(long id) throws SQLException {
        OutboxClaims.discard(dataSource, List.of(id));
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

    /** How long the oldest pending webhook delivery has waited, zero when none waits. */
    public Duration lag() throws SQLException {
        return OutboxClaims.lag(dataSource, "webhook");
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
