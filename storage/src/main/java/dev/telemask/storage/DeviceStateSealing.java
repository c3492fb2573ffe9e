package dev.telemask.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The start-up step that leaves no device's saved privacy state in clear. An older version saved the engine's state
 * unsealed; it holds where the device's newest decided record was (where a private trip ended, say) and the fix a
 * zone's trail was measured from, and the writer seals it only when the device next sends. A device that never comes
 * back (sold, broken, switched off) would keep its last place in clear for good, so every clear state is sealed here,
 * byte for byte (the engine reads the same state), bound to its device. A state written meanwhile by a running
 * instance is left as that instance wrote it. The column is never sampled for the planner's statistics (V34), so no
 * sample of the clear states is left behind.
 */
public final class DeviceStateSealing {
    private static final int BATCH = 1_000;
    /** Clear states: a format version (a small number), never the first byte of a sealed one. */
    private static final String CLEAR = "SELECT imei, privacy_state FROM devices WHERE length(privacy_state) > 0"
            + " AND get_byte(privacy_state, 0) NOT IN (" + RecordSealer.STATE_SEALED + ", "
            + RecordSealer.STATE_SEALED_RING_KEY + ") AND imei > ? ORDER BY imei LIMIT "
            + BATCH;
    private static final String SEAL = "UPDATE devices d SET privacy_state = v.sealed"
            + " FROM unnest(?::bigint[], ?::bytea[], ?::bytea[]) AS v (imei, clear, sealed)"
            + " WHERE d.imei = v.imei AND d.privacy_state = v.clear";

    private DeviceStateSealing() {}

    /** Seals the clear states; returns how many it sealed. */
    public static int run(DataSource dataSource, RecordSealer sealer) throws SQLException {
        int sealed = 0;
        try (Connection c = dataSource.getConnection()) {
            List<Long> imeis = new ArrayList<>();
            List<byte[]> clear = new ArrayList<>();
            long after = 0;
            do {
                imeis.clear();
                clear.clear();
                try (PreparedStatement st = c.prepareStatement(CLEAR)) {
                    st.setLong(1, after);
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            imeis.add(rs.getLong(1));
                            clear.add(rs.getBytes(2));
                        }
                    }
                }
                if (imeis.isEmpty()) {
                    break;
                }
                after = imeis.get(imeis.size() - 1);
                byte[][] seals = new byte[clear.size()][];
                for (int i = 0; i < seals.length; i++) {
                    seals[i] = sealer.sealDeviceState(imeis.get(i), clear.get(i));
                }
                try (PreparedStatement st = c.prepareStatement(SEAL)) {
                    st.setArray(1, c.createArrayOf("bigint", imeis.toArray(new Long[0])));
                    st.setArray(2, c.createArrayOf("bytea", clear.toArray(new byte[0][])));
                    st.setArray(3, c.createArrayOf("bytea", seals));
                    sealed += st.executeUpdate();
                }
                if (!c.getAutoCommit()) {
                    c.commit();
                }
            } while (imeis.size() == BATCH);
        }
        return sealed;
    }
}
