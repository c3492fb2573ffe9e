package dev.telemask.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.telemask.codec.TcpAvlCodec;
import dev.telemask.gateway.config.ConfigLoader;
import dev.telemask.gateway.config.GatewayConfig;
import dev.telemask.simulator.DeviceClient;
import dev.telemask.storage.IoElementsFormat;
import dev.telemask.storage.RecordSealer;
import dev.telemask.storage.SealingKeys;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** A gateway on loopback for one test class, on the database the class chooses, with a tenant and a policy. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class GatewayTestBase {
    protected static final long T0 = 1_767_261_600_000L; // 2026-01-01T10:00Z, a Thursday
    /**
     * Every consent given, no schedule, no coarsening: only the device's private-mode button hides anything. No grace
     * window, so that a trip's first records are decided as soon as they continue the device's record; the grace
     * window has tests of its own.
     */
    protected static final String OPEN_POLICY =
            "{\"version\": 1, \"consent\": {\"location\": true, \"driverIdentity\": true, \"telemetry\": true},"
            + " \"privateTrips\": {\"graceWindow\": \"PT0S\"}}";
    private static final AtomicLong IMEIS = new AtomicLong(350_000_000_000_100L);

    protected Gateway gateway;
    protected long tenant;
    protected long officePolicy;
    private Map<String, String> gatewaySettings;

    abstract TestDatabase database();

    /** Extra configuration of this class's gateway. */
    Map<String, String> configuration() {
        return Map.of();
    }

    @BeforeAll
    final void startGateway() throws Exception {
        String url = database().newUrl();
        Map<String, String> settings = new HashMap<>(Map.of(
                "device.host", "127.0.0.1", "device.port", "0", "device.udp-port", "0",
                "http.host", "127.0.0.1", "http.port", "0"));
        // Test fleets connect from 127.0.0.1, which a real fleet does not; a class that tests the limit sets it.
        settings.put("device.max-connections-per-address", "0");
        // The drives keep fixed device times (a Thursday in January 2026, for the business-hour rules): a retention
        // this long keeps them inside the ingest bounds and out of the retention job's reach whatever day the tests
        // run. Retention itself is tested on its own (IngestLimitsTest, the storage retention contracts).
        settings.put("retention.period", "P20Y");
        if (url == null) {
            settings.put("db.embedded-dir", embeddedDataDirectory().toString());
        } else {
            settings.put("db.url", url);
            // A given key, not a telemask-seal.key created in the working directory: tests leave nothing there.
            settings.put("seal.key", java.util.Base64.getEncoder().encodeToString(new byte[32]));
        }
        settings.putAll(configuration());
        gatewaySettings = Map.copyOf(settings);
        gateway = Gateway.start(ConfigLoader.load(null, Map.of(), gatewaySettings));
        tenant = insertReturningId("INSERT INTO tenants (name) VALUES ('acme') RETURNING id");
        officePolicy = policy("office", OPEN_POLICY);
    }

    /**
     * Another gateway instance on this class's database, with its own ports (a second instance behind the same
     * load balancer); the caller closes it.
     */
    protected Gateway startAnotherGateway() throws Exception {
        return Gateway.start(ConfigLoader.load(null, Map.of(), gatewaySettings));
    }

    /** Stops this class's gateway and starts it again on the same database and configuration. */
    protected void restartGateway() throws Exception {
        gateway.close();
        gateway = null;
        gateway = Gateway.start(ConfigLoader.load(null, Map.of(), gatewaySettings));
    }

    /** Where this class's gateway keeps its embedded PostgreSQL, when it runs on one. */
    protected final Path embeddedDataDirectory() {
        return Path.of(System.getProperty("telemask.test.dir", "target"), "gateway-it",
                getClass().getSimpleName() + "-" + ProcessHandle.current().pid());
    }

    /**
     * The device's saved privacy state as whoever holds the seal key (every gateway host) opens it from a dump; null
     * when none is saved.
     */
    protected final byte[] openedPrivacyState(long imei) throws Exception {
        byte[] stored;
        try (Connection c = gateway.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT privacy_state FROM devices WHERE imei = " + imei)) {
            rs.next();
            stored = rs.getBytes(1);
        }
        SealingKeys keys = Gateway.sealingKeys(ConfigLoader.load(null, Map.of(), gatewaySettings));
        return new RecordSealer(keys).openDeviceState(imei, stored);
    }

    @AfterAll
    final void stopGateway() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    // ---- fixtures ----------------------------------------------------------------------------------

    protected long policy(String name, String document) throws Exception {
        long id = insertReturningId("INSERT INTO policies (tenant_id, name) VALUES (" + tenant + ", '" + name + "') RETURNING id");
        execute("INSERT INTO policy_versions (policy_id, version, document, created_by) VALUES (" + id + ", 1, '"
                + document + "', 'test')");
        return id;
    }

    protected long device(long policyId) throws Exception {
        long imei = IMEIS.incrementAndGet();
        execute("INSERT INTO devices (imei, tenant_id, policy_id) VALUES (" + imei + ", " + tenant + ", " + policyId + ")");
        return imei;
    }

    /** Registers {@code count} devices with no policy (nothing masked) and returns their IMEIs. */
    protected List<Long> devicesWithoutPolicy(int count) throws Exception {
        List<Long> imeis = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long imei = IMEIS.incrementAndGet();
            execute("INSERT INTO devices (imei, tenant_id, policy_id) VALUES (" + imei + ", " + tenant + ", NULL)");
            imeis.add(imei);
        }
        return imeis;
    }

    /** Registers {@code count} devices under the policy and returns their IMEIs. */
    protected List<Long> devices(long policyId, int count) throws Exception {
        List<Long> imeis = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            imeis.add(device(policyId));
        }
        return imeis;
    }

    protected long insertReturningId(String sql) throws Exception {
        try (Connection c = gateway.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** {@link #insertReturningId}'s number without a checked exception, for polled conditions. */
    protected long queryNumber(String sql) {
        try {
            return insertReturningId(sql);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends the frame and checks that the gateway acknowledged all its records. */
    /**
     * {@code text} with its timestamps (ISO or PostgreSQL's text form) blanked, for searching it for a coordinate: a
     * time at second 13.38 is no longitude 13.38.
     */
    protected static String withoutTimes(String text) {
        return TIMESTAMP.matcher(text).replaceAll("<time>");
    }

    private static final java.util.regex.Pattern TIMESTAMP = java.util.regex.Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}(:?\\d{2})?)?");

    protected static void sendAcknowledged(DeviceClient device, dev.telemask.codec.AvlBatch frame) throws Exception {
        device.sendFrame(frame);
        assertEquals(frame.size(), device.readAck());
    }

    protected void execute(String sql) throws Exception {
        try (Connection c = gateway.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Records stored for the device: decided in {@code positions}, or waiting sealed in {@code sealed_positions}. */
    protected long count(long imei) throws Exception {
        return insertReturningId("SELECT (SELECT count(*) FROM positions WHERE imei = " + imei
                + ") + (SELECT count(*) FROM sealed_positions WHERE imei = " + imei + ")");
    }

    /** Records of the device still waiting sealed. */
    protected long sealed(long imei) throws Exception {
        return insertReturningId("SELECT count(*) FROM sealed_positions WHERE imei = " + imei);
    }

    /**
     * The decided rows of a device by time (treatment, longitude (null when masked) and the kept IO IDs), once none
     * waits sealed: a new device's first records wait for the policy's anchor delay.
     */
    protected List<StoredRow> rows(long imei) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (sealed(imei) > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("device " + imei + " still has " + sealed(imei) + " sealed records");
            }
            Thread.sleep(20);
        }
        List<StoredRow> out = new ArrayList<>();
        try (Connection c = gateway.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT treatment, longitude, latitude, speed, io,"
                     + " (extract(epoch FROM device_time) * 1000)::bigint FROM positions WHERE imei = "
                     + imei + " ORDER BY device_time")) {
            while (rs.next()) {
                List<Integer> ids = new ArrayList<>();
                IoElementsFormat.decode(rs.getBytes(5), new IoElementsFormat.Visitor() {
                    @Override
                    public void fixed(int id, int width, long value) {
                        ids.add(id);
                    }

                    @Override
                    public void variable(int id, byte[] src, int offset, int length) {
                        ids.add(id);
                    }
                });
                out.add(new StoredRow(rs.getInt(1), (Integer) rs.getObject(2), (Integer) rs.getObject(3),
                        (Integer) rs.getObject(4), ids, rs.getLong(6)));
            }
        }
        return out;
    }

    public record StoredRow(int treatment, Integer longitude, Integer latitude, Integer speed, List<Integer> io,
                            long deviceTimeMillis) {
    }

    DeviceClient connect(long imei) throws Exception {
        DeviceClient client = new DeviceClient(gateway.devicePort());
        assertEquals(TcpAvlCodec.HANDSHAKE_ACCEPTED, client.handshake(imei), "registered device accepted");
        return client;
    }

    /**
     * The base for test classes in other packages (e.g. the resilience tests), which cannot override the
     * package-private hooks above: they choose their database and configuration through these protected ones.
     */
    public abstract static class ForOtherPackages extends GatewayTestBase {
        protected abstract TestDatabase testDatabase();

        /** Extra configuration of this class's gateway. */
        protected Map<String, String> gatewayConfiguration() {
            return Map.of();
        }

        @Override
        final TestDatabase database() {
            return testDatabase();
        }

        @Override
        final Map<String, String> configuration() {
            return gatewayConfiguration();
        }

        /** A plain-TCP device whose handshake was accepted. */
        protected DeviceClient connectAccepted(long imei) throws Exception {
            return connect(imei);
        }
    }
}
