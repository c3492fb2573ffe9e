package dev.telemask.storage;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The start-up step that leaves no device's saved privacy state in clear and none under a retired key. An older
 * version saved the engine's state unsealed; it holds where the device's newest decided record was (where a private
 * trip ended, say) and the fix a zone's trail was measured from, and the writer seals it anew only when the device
 * next sends. A device that never comes back (sold, broken, switched off) would keep its last place in clear for good,
 * or under a seal key rotated out (because it leaked, say) for as long as the key file still holds that key; so each
 * such state is sealed here under the current key, byte for byte (the engine reads the same state), bound to its
 * device. One that no longer opens is left (it fails closed when its device returns), and a state written meanwhile
 * by a running instance is left as that instance wrote it. The column is never sampled for the planner's statistics
 * (V34), so no sample of the old values is left behind.
 */
public final class DeviceStateSealing {
    private static final int BATCH = 1_000;
    /**
     * States not sealed under the current key: clear ones (their first byte a format version, a small number), ones
     * sealed under the ring key itself (an older form), and ones whose key id (after the form and its length) is not
     * the current key's.
     */
    private static final String STALE = "SELECT imei, privacy_state FROM devices WHERE length(privacy_state) > 0"
            + " AND (get_byte(privacy_state, 0) <> " + RecordSealer.STATE_SEALED + " OR length(privacy_state) < 2"
            + " OR substring(privacy_state FROM 3 FOR get_byte(privacy_state, 1)) <> ?)"
            + " AND imei > ? ORDER BY imei LIMIT " + BATCH;
    private static final String SEAL = "UPDATE devices d SET privacy_state = v.sealed"
            + " FROM unnest(?::bigint[], ?::bytea[], ?::bytea[]) AS v (imei, stale, sealed)"
            + " WHERE d.imei = v.imei AND d.privacy_state = v.stale";

    private DeviceStateSealing() {}

    /** Seals the states that need it; returns how many it sealed. */
    public static int run(DataSource dataSource, RecordSealer sealer) throws SQLException {
        byte[] currentKey = sealer.sealingKeyId().getBytes(StandardCharsets.US_ASCII);
        int sealed = 0;
        try (Connection c = dataSource.getConnection()) {
            List<Long> imeis = new ArrayList<>();
            List<byte[]> stale = new ArrayList<>();
            List<byte[]> seals = new ArrayList<>();
            long after = 0;
            int read;
            do {
                imeis.clear();
                stale.clear();
                seals.clear();
                read = 0;
                try (PreparedStatement st = c.prepareStatement(STALE)) {
                    st.setBytes(1, currentKey);
                    st.setLong(2, after);
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            read++;
                            after = rs.getLong(1);
                            byte[] stored = rs.getBytes(2);
                            byte[] state;
                            try {
                                state = sealer.openDeviceState(after, stored);
                            } catch (SealedRecordException e) {
                                continue;
                            }
                            imeis.add(after);
                            stale.add(stored);
                            seals.add(sealer.sealDeviceState(after, state));
                        }
                    }
                }
                if (!imeis.isEmpty()) {
                    try (PreparedStatement st = c.prepareStatement(SEAL)) {
                        st.setArray(1, c.createArrayOf("bigint", imeis.toArray(new Long[0])));
                        st.setArray(2, c.createArrayOf("bytea", stale.toArray(new byte[0][])));
                        st.setArray(3, c.createArrayOf("bytea", seals.toArray(new byte[0][])));
                        sealed += st.executeUpdate();
                    }
                    if (!c.getAutoCommit()) {
                        c.commit();
                    }
                }
            } while (read == BATCH);
        }
        return sealed;
    }
}
