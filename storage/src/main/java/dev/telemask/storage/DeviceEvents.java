package dev.telemask.storage;

import dev.telemask.privacy.DeviceEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;

/**
 * Writes batches' events in the writer's transaction: an event is stored exactly when the record it came from is
 * (a resend gives the same key and is skipped).
 */
final class DeviceEvents {
    /**
     * Stores one event and, only when it is new (a resend inserts nothing), one outbox row per webhook of the
     * device's fleet that subscribes to its kind, and one for the Kafka sink when the last parameter is true. The
     * payload is the event as the API shows it, nothing more.
     */
    static final String INSERT = "WITH e AS (INSERT INTO device_events (tenant_id, imei, device_time, event_io, kind,"
            + " geofence_id, latitude, longitude, speed, treatment, received_at)"
            + " SELECT d.tenant_id, d.imei, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM devices d WHERE d.imei = ?"
            + " ON CONFLICT DO NOTHING"
            + " RETURNING id, tenant_id, imei, device_time, kind, geofence_id, latitude, longitude, speed, treatment),"
            + " p AS (SELECT e.tenant_id, e.imei, e.device_time, e.kind, jsonb_build_object('type', 'event', 'event',"
            + " jsonb_strip_nulls(jsonb_build_object('id', e.id::text, 'imei', e.imei::text, 'kind', e.kind,"
            + " 'deviceTime', to_char(e.device_time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"
            + " 'geofence', NULLIF(e.geofence_id, 0)::text, 'latitude', e.latitude / 1e7, 'longitude',"
            + " e.longitude / 1e7, 'speed', e.speed, 'treatment',"
            + " CASE e.treatment WHEN 0 THEN 'exact' WHEN 1 THEN 'coarsened' ELSE 'private' END)))::text AS payload"
            + " FROM e)"
            + " INSERT INTO webhook_deliveries (sink, webhook_id, tenant_id, imei, device_time, payload)"
            + " SELECT 'webhook', w.id, p.tenant_id, p.imei, p.device_time, p.payload"
            + " FROM p JOIN webhooks w ON w.tenant_id = p.tenant_id AND p.kind = ANY (w.kinds)"
            + " UNION ALL SELECT 'kafka', NULL, p.tenant_id, p.imei, p.device_time, p.payload FROM p WHERE ?";

    private DeviceEvents() {
    }

    /**
     * Inserts the batches' events (with Kafka outbox rows when {@code kafka}), in order; their detector's states go
     * with the device rows ({@link DeviceRowUpdate}).
     */
    static void save(Connection connection, List<PositionBatch> batches, boolean kafka) throws SQLException {
        PreparedStatement insert = null;
        try {
            for (PositionBatch batch : batches) {
                for (DeviceEvent event : batch.events()) {
                    if (insert == null) {
                        insert = connection.prepareStatement(INSERT);
                    }
                    bind(insert, batch, event);
                    insert.setBoolean(11, kafka);
                    insert.addBatch();
                }
            }
            if (insert != null) {
                insert.executeBatch();
            }
        } finally {
            if (insert != null) {
                insert.close();
            }
        }
    }

    private static void bind(PreparedStatement st, PositionBatch batch, DeviceEvent event) throws SQLException {
        st.setTimestamp(1, new Timestamp(event.deviceTimeMillis()));
        st.setInt(2, event.eventIo());
        st.setString(3, event.kind().wireName());
        st.setLong(4, event.geofenceId());
        setInt(st, 5, event.latitudeE7());
        setInt(st, 6, event.longitudeE7());
        setInt(st, 7, event.speedKmh());
        st.setShort(8, event.treatment().code());
        st.setTimestamp(9, new Timestamp(batch.receivedAtMillisOf(event.deviceTimeMillis())));
        st.setLong(10, batch.imei());
    }

    private static void setInt(PreparedStatement st, int index, Integer value) throws SQLException {
        if (value == null) {
            st.setNull(index, Types.INTEGER);
        } else {
            st.setInt(index, value);
        }
    }
}
