package dev.telemask.storage;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an older version left in clear (zone centres, the zone key, the engine's device states) is sealed at start-up,
 * and what a retired key sealed is sealed again under the current one. A dump taken after holds none of it: not in the
 * rows, and not in the column statistics ({@code pg_stats}) that an ANALYZE sampled while the values were still clear
 * (device states are never sampled: see {@link HiddenValueStatisticsContract}).
 */
abstract class StartUpSealingContract extends DatabaseContract {
    /** A home, as an older version's device state held it: the newest record's fix, in 1e-7 degrees. */
    static final int HOME_LAT_E7 = 524_987_654;
    static final int HOME_LON_E7 = 134_012_345;

    RecordSealer sealer;
    FieldSealer fieldSealer;

    @Override
    void prepare() {
        Migrations.migrate(dataSource);
        byte[] key = new byte[SealingKeys.KEY_BYTES];
        new java.util.Random(42).nextBytes(key);
        SealingKeys keys = SealingKeys.of("test1", key, "the test key");
        sealer = new RecordSealer(keys);
        fieldSealer = new FieldSealer(keys);
    }

    @Test
    void deviceStatesAnOlderVersionSavedInClearAreSealedAtStartUp() throws Exception {
        long tenant = queryLong("INSERT INTO tenants (name) VALUES ('clear-states') RETURNING id");
        int[] latitudes = {HOME_LAT_E7, HOME_LAT_E7 + 1111, HOME_LAT_E7 - 3333};
        byte[][] clear = new byte[3][];
        for (int i = 0; i < 3; i++) {
            clear[i] = oldState(latitudes[i], HOME_LON_E7 + i);
        }
        byte[] sealedAlready = sealer.sealDeviceState(904L, oldState(1, 2));
        insertDevice(901L, tenant, clear[0]);
        insertDevice(902L, tenant, clear[1]);
        insertDevice(903L, tenant, clear[2]);
        insertDevice(904L, tenant, sealedAlready);

        assertEquals(3, DeviceStateSealing.run(dataSource, sealer));
        assertEquals(0, DeviceStateSealing.run(dataSource, sealer), "nothing left to seal");

        for (int i = 0; i < 3; i++) {
            byte[] stored = queryBytes("SELECT privacy_state FROM devices WHERE imei = " + (901 + i));
            assertFalse(hex(stored).contains(hexOf(latitudes[i])), "device " + (901 + i) + " sealed");
            assertArrayEquals(clear[i], sealer.openDeviceState(901 + i, stored), "the same state, byte for byte");
        }
        assertArrayEquals(sealedAlready, queryBytes("SELECT privacy_state FROM devices WHERE imei = 904"),
                "a sealed state is left as it was");
    }

    @Test
    void deviceStatesSealedUnderARetiredKeyAreSealedAgainUnderTheCurrentOne() throws Exception {
        long tenant = queryLong("INSERT INTO tenants (name) VALUES ('rotated-states') RETURNING id");
        byte[] state = oldState(HOME_LAT_E7, HOME_LON_E7);
        RecordSealer retired = new RecordSealer(keys("old1 " + base64Key(1)));
        insertDevice(911L, tenant, retired.sealDeviceState(911L, state));
        // A key of which no line is left: the state fails closed when its device returns, and stays as it is.
        byte[] lost = new RecordSealer(keys("gone " + base64Key(3))).sealDeviceState(912L, state);
        insertDevice(912L, tenant, lost);

        // Rotated: the new key seals, the old one still opens.
        RecordSealer rotated = new RecordSealer(keys("new1 " + base64Key(2), "old1 " + base64Key(1)));
        assertEquals(1, DeviceStateSealing.run(dataSource, rotated));
        assertEquals(0, DeviceStateSealing.run(dataSource, rotated), "nothing left under the retired key");

        // Once the old line is removed from the key file, the state still opens.
        RecordSealer newOnly = new RecordSealer(keys("new1 " + base64Key(2)));
        assertArrayEquals(state, newOnly.openDeviceState(911L,
                queryBytes("SELECT privacy_state FROM devices WHERE imei = 911")));
        assertArrayEquals(lost, queryBytes("SELECT privacy_state FROM devices WHERE imei = 912"));
    }

    static SealingKeys keys(String... lines) {
        return SealingKeys.parse(List.of(lines), "test keys");
    }

    static String base64Key(int seed) {
        byte[] key = new byte[SealingKeys.KEY_BYTES];
        new java.util.Random(seed).nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }

    @Test
    void zoneCentresAnOlderVersionLeftInClearLeaveNoStatisticsOnceSealed() throws Exception {
        long tenant = queryLong("INSERT INTO tenants (name) VALUES ('clear-zones') RETURNING id");
        long policy = queryLong("INSERT INTO policies (tenant_id, name) VALUES (" + tenant + ", 'p') RETURNING id");
        for (int version = 1; version <= 3; version++) {
            execute("INSERT INTO policy_versions (policy_id, version, document, created_by) VALUES (" + policy + ", "
                    + version + ", '{\"version\": 1, \"zones\": [{\"name\": \"home\", \"latitude\": 52.49876" + version
                    + ", \"longitude\": 13.40123" + version + ", \"radiusMetres\": 300}]}', 'an older version')");
        }
        execute("ANALYZE policy_versions");
        assertTrue(statistics("policy_versions").contains("52.49876"), "the statistics held the clear centres");

        assertEquals(3, ZoneSealing.run(dataSource, new SealedZones(fieldSealer)));

        String statistics = statistics("policy_versions");
        assertFalse(statistics.contains("52.49876") || statistics.contains("13.40123"),
                "a clear zone centre in pg_stats of policy_versions: " + statistics);
    }

    @Test
    void secretsAnOlderVersionLeftInClearLeaveNoStatisticsOnceSealed() throws Exception {
        byte[] zoneKey = "zone key of an older version!!!!".getBytes(StandardCharsets.US_ASCII);
        byte[] other = "another secret of an older one!!".getBytes(StandardCharsets.US_ASCII);
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                "INSERT INTO deployment_secrets (name, value, sealed) VALUES (?, ?, false)")) {
            st.setString(1, DeploymentSecrets.ZONE_KEY);
            st.setBytes(2, zoneKey);
            st.addBatch();
            st.setString(1, "another");
            st.setBytes(2, other);
            st.addBatch();
            st.executeBatch();
        }
        execute("ANALYZE deployment_secrets");
        assertTrue(statistics("deployment_secrets").contains(hex(zoneKey)), "the statistics held the clear key");

        assertArrayEquals(zoneKey, DeploymentSecrets.getOrCreate(dataSource, DeploymentSecrets.ZONE_KEY, fieldSealer));
        assertArrayEquals(other, DeploymentSecrets.getOrCreate(dataSource, "another", fieldSealer));

        String statistics = statistics("deployment_secrets");
        assertFalse(statistics.contains(hex(zoneKey)) || statistics.contains(hex(other)),
                "a clear secret in pg_stats of deployment_secrets: " + statistics);
    }

    /** A device state of the format an older version saved in clear (3): its fix after the header and two times. */
    static byte[] oldState(int latitudeE7, int longitudeE7) {
        return ByteBuffer.allocate(40).put((byte) 3).put((byte) 0).put((byte) 1).put((byte) 0)
                .putLong(1_700_000_000_000L).putLong(1_700_000_060_000L).putInt(latitudeE7).putInt(longitudeE7)
                .array();
    }

    void insertDevice(long imei, long tenant, byte[] state) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                "INSERT INTO devices (imei, tenant_id, privacy_state) VALUES (?, ?, ?)")) {
            st.setLong(1, imei);
            st.setLong(2, tenant);
            st.setBytes(3, state);
            st.executeUpdate();
        }
    }

    /** Every sampled value of {@code table}'s columns as {@code pg_stats} shows them, lower case (bytea as hex). */
    String statistics(String table) throws SQLException {
        StringBuilder all = new StringBuilder();
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT attname, most_common_vals::text, histogram_bounds::text FROM pg_stats"
                        + " WHERE schemaname = current_schema() AND tablename = ?")) {
            st.setString(1, table);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    all.append(rs.getString(1)).append(": ").append(rs.getString(2)).append(' ')
                            .append(rs.getString(3)).append('\n');
                }
            }
        }
        return all.toString().toLowerCase(Locale.ROOT);
    }

    static String hexOf(int value) {
        return hex(ByteBuffer.allocate(4).putInt(value).array());
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
