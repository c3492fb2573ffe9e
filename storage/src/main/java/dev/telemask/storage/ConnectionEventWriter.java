package dev.telemask.storage;

import dev.telemask.privacy.EventKind;
import dev.telemask.privacy.Treatment;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Writes a device's online and offline events with their webhook deliveries, in one statement. They come from
 * connections, not records: gateway time, no position.
 */
public final class ConnectionEventWriter {
    /**
     * Presence is not told while the device's switches, as the database holds them at the event's time, hide it:
     * restricted, the driver's switch on, location consent withdrawn. The session checked its own view of them, which
     * a change reaches only after the call that made it returned; a device disconnecting in between is caught here.
     */
    private static final String PRESENCE_TOLD = "FROM devices d WHERE d.imei = ? AND NOT d.restricted"
            + " AND (d.private_until IS NULL OR d.private_until <= ?)"
            + " AND (SELECT h.granted FROM consent_history h WHERE h.imei = d.imei AND h.kind = 'location'"
            + " ORDER BY h.changed_at DESC, h.id DESC LIMIT 1) IS DISTINCT FROM false";
    private static final String ONLINE = DeviceEvents.INSERT.replace("FROM devices d WHERE d.imei = ?", PRESENCE_TOLD);
    /** An offline event is written only when no newer online event exists: a reconnection elsewhere won. */
    private static final String OFFLINE = DeviceEvents.INSERT.replace("FROM devices d WHERE d.imei = ?",
            PRESENCE_TOLD + " AND NOT EXISTS (SELECT 1 FROM device_events x WHERE x.imei = d.imei"
                    + " AND x.kind = 'device_online' AND x.device_time > ?)");

    private final DataSource dataSource;
    private final boolean kafka;

    public ConnectionEventWriter(DataSource dataSource) {
        this(dataSource, false);
    }

    /** With {@code kafka}, each event also gets an outbox row for the Kafka sink. */
    public ConnectionEventWriter(DataSource dataSource, boolean kafka) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.kafka = kafka;
    }

    /** The device connected at {@code atMillis}. */
    public void online(long imei, long atMillis) throws SQLException {
        write(ONLINE, imei, EventKind.DEVICE_ONLINE, atMillis, null);
    }

    /** The connection that came online at {@code onlineAtMillis} ended at {@code atMillis}. */
    public void offline(long imei, long atMillis, long onlineAtMillis) throws SQLException {
        write(OFFLINE, imei, EventKind.DEVICE_OFFLINE, atMillis, onlineAtMillis);
    }

    private void write(String sql, long imei, EventKind kind, long atMillis, Long onlineAtMillis)
            throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setTimestamp(1, new Timestamp(atMillis));
            st.setInt(2, 0);
            st.setString(3, kind.wireName());
            st.setLong(4, 0);
            st.setNull(5, Types.INTEGER);
            st.setNull(6, Types.INTEGER);
            st.setNull(7, Types.INTEGER);
            st.setShort(8, Treatment.EXACT.code());
            st.setTimestamp(9, new Timestamp(atMillis));
            st.setLong(10, imei);
            st.setTimestamp(11, new Timestamp(atMillis));
            int next = 12;
            if (onlineAtMillis != null) {
                st.setTimestamp(next++, new Timestamp(onlineAtMillis));
            }
            st.setBoolean(next, kafka);
            st.executeUpdate();
        }
    }
}
