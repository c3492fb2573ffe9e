package dev.telemask.storage;

import dev.telemask.privacy.EventKind;
import dev.telemask.privacy.Treatment;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Writes devices' online and offline events ({@link ConnectionEvent}) with their webhook deliveries, many in one
 * transaction. They come from connections, not records: gateway time, no position.
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

    /**
     * Writes {@code events} in their order in one transaction: an offline event is judged against the online events
     * before it, as if each had been written alone. On failure nothing of them is stored.
     */
    public void write(List<ConnectionEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement online = c.prepareStatement(ONLINE);
                 PreparedStatement offline = c.prepareStatement(OFFLINE)) {
                // Statements run in batches of one kind; a change of kind runs the batch before, keeping the order.
                PreparedStatement batched = null;
                for (ConnectionEvent event : events) {
                    PreparedStatement st = event.isOnline() ? online : offline;
                    if (batched != null && batched != st) {
                        batched.executeBatch();
                    }
                    bind(st, event);
                    st.addBatch();
                    batched = st;
                }
                batched.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private void bind(PreparedStatement st, ConnectionEvent event) throws SQLException {
        Timestamp at = new Timestamp(event.atMillis());
        st.setTimestamp(1, at);
        st.setInt(2, 0);
        st.setString(3, (event.isOnline() ? EventKind.DEVICE_ONLINE : EventKind.DEVICE_OFFLINE).wireName());
        st.setLong(4, 0);
        st.setNull(5, Types.INTEGER);
        st.setNull(6, Types.INTEGER);
        st.setNull(7, Types.INTEGER);
        st.setShort(8, Treatment.EXACT.code());
        st.setTimestamp(9, at);
        st.setLong(10, event.imei());
        st.setTimestamp(11, at);
        int next = 12;
        if (!event.isOnline()) {
            st.setTimestamp(next++, new Timestamp(event.onlineAtMillis()));
        }
        st.setBoolean(next, kafka);
    }
}
