package dev.telemask.storage.query;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/** A fleet's webhook endpoints and their deliveries, as the API manages and shows them. */
public final class WebhookStore {
    /**
     * A position's delivery holds only the position's key (it is read when sent): the list shows that key, not the
     * position.
     */
    static final String POSITION_REFERENCE = "jsonb_build_object('type', 'position', 'imei', imei::text,"
            + " 'time', to_char(device_time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"
            + " 'eventIo', event_io)::text";

    /** Webhooks per fleet: each event is written to the outbox once per subscribed webhook. */
    public static final int MAX_WEBHOOKS_PER_FLEET = 20;

    /** A webhook as listed: never its secret. */
    public record Webhook(long id, String url, List<String> kinds, Instant createdAt) {
    }

    /** One delivery of one webhook. */
    public record Delivery(long id, String state, int attempts, Instant nextAttemptAt, String lastError,
                           Instant createdAt, Instant deliveredAt, String payload) {
    }

    private final DataSource dataSource;
    private final dev.telemask.storage.FieldSealer sealer;

    /** Secrets are stored sealed with {@code sealer} (the deployment's seal key): a dump cannot forge deliveries. */
    public WebhookStore(DataSource dataSource, dev.telemask.storage.FieldSealer sealer) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.sealer = Objects.requireNonNull(sealer, "sealer");
    }

    /** The sealing context of a fleet's webhook secrets. */
    public static String secretContext(long tenantId) {
        return "webhook-secret:" + tenantId;
    }

    /** Adds a webhook and returns its id, or -1 when the fleet has the most it may have. */
    public long add(long tenantId, String url, List<String> kinds, String secret, String createdBy)
            throws SQLException {
        return Transaction.run(dataSource, c -> {
            try (PreparedStatement lock = c.prepareStatement("SELECT 1 FROM tenants WHERE id = ? FOR UPDATE")) {
                lock.setLong(1, tenantId);
                lock.executeQuery().close();
            }
            try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM webhooks WHERE tenant_id = ?")) {
                count.setLong(1, tenantId);
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) >= MAX_WEBHOOKS_PER_FLEET) {
                        return -1L;
                    }
                }
            }
            try (PreparedStatement st = c.prepareStatement("INSERT INTO webhooks (tenant_id, url, kinds, secret,"
                    + " created_by) VALUES (?, ?, ?, ?, ?) RETURNING id")) {
                st.setLong(1, tenantId);
                st.setString(2, url);
                st.setArray(3, c.createArrayOf("text", kinds.toArray()));
                st.setString(4, sealer.seal(secretContext(tenantId),
                        secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                st.setString(5, createdBy);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    public List<Webhook> list(long tenantId) throws SQLException {
        List<Webhook> hooks = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT id, url, kinds, created_at FROM webhooks WHERE tenant_id = ? ORDER BY id")) {
            st.setLong(1, tenantId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Array kinds = rs.getArray(3);
                    hooks.add(new Webhook(rs.getLong(1), rs.getString(2),
                            Arrays.asList((String[]) kinds.getArray()), rs.getTimestamp(4).toInstant()));
                }
            }
        }
        return hooks;
    }

    /** Removes a webhook with its deliveries; false when the fleet has no such webhook. */
    public boolean delete(long tenantId, long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("DELETE FROM webhooks WHERE tenant_id = ? AND id = ?")) {
            st.setLong(1, tenantId);
            st.setLong(2, id);
            return st.executeUpdate() == 1;
        }
    }

    /**
     * The webhook's deliveries in a state (null: all), oldest first, at most {@code limit}; null when the fleet has
     * no such webhook.
     */
    public List<Delivery> deliveries(long tenantId, long webhookId, String state, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement st = c.prepareStatement("SELECT 1 FROM webhooks WHERE tenant_id = ? AND id = ?")) {
                st.setLong(1, tenantId);
                st.setLong(2, webhookId);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                }
            }
            List<Delivery> deliveries = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement("SELECT id, state, attempts, next_attempt_at, last_error,"
                    + " created_at, delivered_at, COALESCE(payload, " + POSITION_REFERENCE + ") FROM webhook_deliveries"
                    + " WHERE webhook_id = ?"
                    + (state == null ? "" : " AND state = ?") + " ORDER BY id LIMIT ?")) {
                int i = 1;
                st.setLong(i++, webhookId);
                if (state != null) {
                    st.setString(i++, state);
                }
                st.setInt(i, limit);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        deliveries.add(new Delivery(rs.getLong(1), rs.getString(2), rs.getInt(3),
                                rs.getTimestamp(4).toInstant(), rs.getString(5), rs.getTimestamp(6).toInstant(),
                                rs.getTimestamp(7) == null ? null : rs.getTimestamp(7).toInstant(),
                                rs.getString(8)));
                    }
                }
            }
            return deliveries;
        }
    }
}
