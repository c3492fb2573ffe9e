package dev.telemask.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves a transaction's device rows, the last-seen times and the (sealed) privacy states of its batches, in one
 * UPDATE over arrays: one round trip and one new row version per device, whatever the number of frames.
 */
final class DeviceRowUpdate {
    /**
     * GREATEST: a late batch from a slow writer thread never moves the last-seen time back (a null, no last-seen
     * time to record, leaves it). A null state leaves the saved one and its time.
     */
    static final String UPDATE = "UPDATE devices d SET"
            + " last_seen_at = GREATEST(d.last_seen_at, timestamptz 'epoch' + v.seen * interval '1 millisecond'),"
            + " privacy_state = COALESCE(v.state, d.privacy_state),"
            + " privacy_state_updated_at = CASE WHEN v.state IS NULL THEN d.privacy_state_updated_at ELSE now() END"
            + " FROM unnest(?::bigint[], ?::bigint[], ?::bytea[]) AS v (imei, seen, state) WHERE d.imei = v.imei";

    private DeviceRowUpdate() {
    }

    /**
     * Saves what the batches record of their devices; of two batches of one device the later state wins, and the
     * later receive time (batches are in arrival order per device). States are sealed with {@code sealer} when
     * there is one.
     */
    static void save(Connection connection, List<PositionBatch> batches, RecordSealer sealer) throws SQLException {
        Map<Long, Integer> rowOf = null;
        Long[] imeis = null;
        Long[] seen = null;
        byte[][] states = null;
        int rows = 0;
        for (int b = 0, n = batches.size(); b < n; b++) {
            PositionBatch batch = batches.get(b);
            if (!batch.recordsLastSeen() && batch.deviceState() == null) {
                continue;
            }
            if (rowOf == null) {
                rowOf = new HashMap<>();
                imeis = new Long[n - b];
                seen = new Long[n - b];
                states = new byte[n - b][];
            }
            Integer row = rowOf.putIfAbsent(batch.imei(), rows);
            int r = row == null ? rows++ : row;
            imeis[r] = batch.imei();
            if (batch.recordsLastSeen()) {
                seen[r] = seen[r] == null ? batch.receivedAtMillis() : Math.max(seen[r], batch.receivedAtMillis());
            }
            if (batch.deviceState() != null) {
                states[r] = batch.deviceState();
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
        try (PreparedStatement st = connection.prepareStatement(UPDATE)) {
            st.setArray(1, connection.createArrayOf("bigint", java.util.Arrays.copyOf(imeis, rows)));
            st.setArray(2, connection.createArrayOf("bigint", java.util.Arrays.copyOf(seen, rows)));
            st.setArray(3, connection.createArrayOf("bytea", java.util.Arrays.copyOf(states, rows)));
            st.executeUpdate();
        }
    }
}
