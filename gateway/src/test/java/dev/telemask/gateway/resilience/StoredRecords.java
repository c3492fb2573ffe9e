package dev.telemask.gateway.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The device times stored per device, decided in {@code positions} or waiting sealed in {@code sealed_positions}
 * (a record is in exactly one of them), and the exactly-once check against what a fleet sent and had acknowledged.
 */
final class StoredRecords {
    private final Map<Long, List<Long>> timesByImei;

    private StoredRecords(Map<Long, List<Long>> timesByImei) {
        this.timesByImei = timesByImei;
    }

    /** Reads the rows of these devices (duplicates kept, so that they can be found). */
    static StoredRecords of(DataSource dataSource, Set<Long> imeis) throws Exception {
        Map<Long, List<Long>> times = new TreeMap<>();
        imeis.forEach(imei -> times.put(imei, new ArrayList<>()));
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT imei, (extract(epoch FROM device_time) * 1000)::bigint"
                     + " FROM positions WHERE imei = ANY (?) UNION ALL SELECT imei,"
                     + " (extract(epoch FROM device_time) * 1000)::bigint FROM sealed_positions WHERE imei = ANY (?)")) {
            st.setArray(1, c.createArrayOf("bigint", imeis.toArray()));
            st.setArray(2, c.createArrayOf("bigint", imeis.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    times.get(rs.getLong(1)).add(rs.getLong(2));
                }
            }
        }
        return new StoredRecords(times);
    }

    /**
     * Per device: no record stored twice; every acknowledged record stored; every stored record one that was sent.
     * Stored records that were never acknowledged are allowed: their frame was committed and its ACK lost (the
     * connection dropped first, or the device gave up at the end of the test), which a device cannot tell from a
     * frame that was not stored, so it resends and the dedup key keeps the row single.
     */
    void assertExactlyOnce(Map<Long, Set<Long>> sent, Map<Long, Set<Long>> acknowledged) {
        for (Map.Entry<Long, List<Long>> device : timesByImei.entrySet()) {
            long imei = device.getKey();
            List<Long> stored = device.getValue();
            Set<Long> distinct = new HashSet<>(stored);
            assertEquals(distinct.size(), stored.size(), "device " + imei + ": a record is stored more than once");
            Set<Long> missing = new HashSet<>(acknowledged.getOrDefault(imei, Set.of()));
            missing.removeAll(distinct);
            assertTrue(missing.isEmpty(), "device " + imei + ": " + missing.size() + " acknowledged records not stored");
            Set<Long> unknown = new HashSet<>(distinct);
            unknown.removeAll(sent.getOrDefault(imei, Set.of()));
            assertTrue(unknown.isEmpty(), "device " + imei + ": " + unknown.size() + " stored records were never sent");
        }
    }

    /** Rows across these devices. */
    long rows() {
        return timesByImei.values().stream().mapToLong(List::size).sum();
    }
}
