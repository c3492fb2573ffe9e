package dev.telemask.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves what a transaction's batches record of their devices, the last-seen times, the (sealed) privacy states and
 * the event detector's states, in one statement over arrays: one round trip, and one new row version per device,
 * whatever the number of frames.
 */
final class DeviceRowUpdate {
    /**
     * GREATEST: a late batch from a slow writer thread never moves the last-seen time back (a null, no last-seen
     * time to record, leaves it). A null state leaves the saved one and its time. Event states only for devices
     * that have a row. The states' times to the day (in the database's time zone): a state is saved with every
     * frame, records a zone hides included, and a device that sleeps once parked sends its last frame as it parks at
     * home, so a dump taken any time that night would show, to the minute, when the way from the last visible record
     * ended: that time at the track's speed is the way home, with no stop in it to blur it, and nights average the
     * minute's rounding away.
     */
    static final String SAVE = "WITH v AS (SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bytea[], ?::bytea[])"
            + " AS v (imei, seen, state, event_state)),"
            + " e AS (INSERT INTO device_event_state (imei, state, updated_at)"
            + " SELECT d.imei, v.event_state, date_trunc('day', now()) FROM v"
            + " JOIN devices d ON d.imei = v.imei WHERE v.event_state IS NOT NULL"
            + " ON CONFLICT (imei) DO UPDATE SET state = EXCLUDED.state, updated_at = date_trunc('day', now()))"
            + " UPDATE devices d SET"
            + " last_seen_at = GREATEST(d.last_seen_at, timestamptz 'epoch' + v.seen * interval '1 millisecond'),"
            + " privacy_state = COALESCE(v.state, d.privacy_state),"
            + " privacy_state_updated_at = CASE WHEN v.state IS NULL THEN d.privacy_state_updated_at"
            + " ELSE date_trunc('day', now()) END"
            + " FROM v WHERE d.imei = v.imei AND (v.seen IS NOT NULL OR v.state IS NOT NULL)";

    private DeviceRowUpdate() {
    }

    /**
     * Saves what the batches record of their devices; of two batches of one device the later states win, and the
     * later receive time. Privacy states are sealed with {@code sealer} when there is one.
     */
    static void save(Connection connection, List<PositionBatch> batches, RecordSealer sealer) throws SQLException {
        Map<Long, Integer> rowOf = null;
        Long[] imeis = null;
        Long[] seen = null;
        byte[][] states = null;
        byte[][] eventStates = null;
        int rows = 0;
        for (int b = 0, n = batches.size(); b < n; b++) {
            PositionBatch batch = batches.get(b);
            if (!batch.recordsLastSeen() && batch.deviceState() == null && batch.eventState() == null) {
                continue;
            }
            if (rowOf == null) {
                rowOf = new HashMap<>();
                imeis = new Long[n - b];
                seen = new Long[n - b];
                states = new byte[n - b][];
                eventStates = new byte[n - b][];
            }
            Integer row = rowOf.putIfAbsent(batch.imei(), rows);
            int r = row == null ? rows++ : row;
            imeis[r] = batch.imei();
            if (batch.recordsLastSeen()) {
                seen[r] = seen[r] == null ? batch.lastSeenMillis() : Math.max(seen[r], batch.lastSeenMillis());
            }
            if (batch.deviceState() != null) {
                states[r] = batch.deviceState();
            }
            if (batch.eventState() != null) {
                eventStates[r] = batch.eventState();
            }
        }
        if (rows == 0) {
            return;
        }
        // Sealed once per device, after the later state has won.
        for (int r = 0; r < rows; r++) {
            if (states[r] != null && sealer != null) {
                states[r] = sealer.sealDeviceState(imeis[r], states[r]);
            }
        }
        try (PreparedStatement st = connection.prepareStatement(SAVE)) {
            st.setArray(1, connection.createArrayOf("bigint", Arrays.copyOf(imeis, rows)));
            st.setArray(2, connection.createArrayOf("bigint", Arrays.copyOf(seen, rows)));
            st.setArray(3, connection.createArrayOf("bytea", Arrays.copyOf(states, rows)));
            st.setArray(4, connection.createArrayOf("bytea", Arrays.copyOf(eventStates, rows)));
            st.executeUpdate();
        }
    }
}
