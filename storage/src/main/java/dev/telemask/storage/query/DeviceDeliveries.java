package dev.telemask.storage.query;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * What the outbox holds of one device: each webhook or Kafka delivery of its events and positions, sent, waiting or
 * given up, with the receiver's address. Stored about the device, so part of its export. Callers check access first.
 */
public final class DeviceDeliveries {
    /**
     * One delivery.
     *
     * @param sink        {@code webhook} or {@code kafka}
     * @param webhookUrl  the webhook's URL as configured, null for Kafka
     * @param payload     the event as sent, or for a position a reference to the stored row
     * @param deviceTime  the device time of the event or position
     */
    public record Delivery(long id, String sink, String webhookUrl, String state, Instant createdAt,
                           Instant deliveredAt, String payload, Instant deviceTime) {
    }

    private final DataSource dataSource;

    public DeviceDeliveries(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Streams the tenant's deliveries of device {@code imei} in the device-time order of what they deliver (then by
     * id), a page at a time by the outbox's index on device and device time; returns how many.
     */
    public long stream(long tenantId, long imei, RowSink<Delivery> sink) throws SQLException, IOException {
        return PagedQuery.stream(dataSource, "SELECT d.id, d.sink, w.url, d.state, d.created_at, d.delivered_at,"
                + " COALESCE(d.payload, " + WebhookStore.POSITION_REFERENCE + "), d.device_time FROM webhook_deliveries d"
                + " LEFT JOIN webhooks w ON w.id = d.webhook_id WHERE d.tenant_id = ? AND d.imei = ?",
                "d.device_time, d.id", "(d.device_time, d.id) > (?, ?)", st -> {
                    st.setLong(1, tenantId);
                    st.setLong(2, imei);
                    return 3;
                }, (st, at, last) -> {
                    st.setTimestamp(at, Timestamp.from(last.deviceTime()));
                    st.setLong(at + 1, last.id());
                }, rs -> new Delivery(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getTimestamp(5).toInstant(),
                        rs.getTimestamp(6) == null ? null : rs.getTimestamp(6).toInstant(), rs.getString(7),
                        rs.getTimestamp(8).toInstant()),
                0, sink);
    }
}
