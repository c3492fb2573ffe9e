package dev.telemask.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.gateway.Gateway;
import dev.telemask.gateway.config.ConfigLoader;
import dev.telemask.storage.RetentionJob;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What deploy/SCALING.md promises about several gateways behind one load balancer, checked with two gateway
 * instances (in this JVM, each with its own ports, pools and caches) on one TimescaleDB schema.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiInstanceIT {
    private static final long T0 = 1_767_261_600_000L; // 2026-01-01T10:00Z
    /**
     * Every consent; no grace window and no anchor delay, so that every record is decided in its own frame's
     * transaction (these tests are about two instances, not about when records are decided).
     */
    private static final String OPEN_POLICY =
            "{\"version\": 1, \"consent\": {\"location\": true, \"driverIdentity\": true, \"telemetry\": true},"
            + " \"privateTrips\": {\"graceWindow\": \"PT0S\", \"anchorDelay\": \"PT0S\"}}";
    private static final String NO_LOCATION_POLICY =
            "{\"version\": 2, \"consent\": {\"location\": false, \"driverIdentity\": false, \"telemetry\": false}}";
    private static final int EXACT = 0;
    private static final int PRIVATE = 2;
    private static final AtomicLong IMEIS = new AtomicLong(351_000_000_000_100L);

    private Gateway a;
    private Gateway b;
    private long tenant;

    @BeforeAll
    void startTwoGateways() throws Exception {
        String url = SharedTimescale.freshSchemaUrl("multi");
        a = start(url);
        b = start(url); // like a rolling start: the second finds the schema migrated
        tenant = queryLong("INSERT INTO tenants (name) VALUES ('acme') RETURNING id");
    }

    private static Gateway start(String url) throws Exception {
        return Gateway.start(ConfigLoader.load(null, Map.of(), Map.of(
                "device.host", "127.0.0.1", "device.port", "0", "device.udp-port", "0",
                "http.host", "127.0.0.1", "http.port", "0", "db.url", url, "db.pool-size", "4",
                // The drives keep a fixed day (T0): a retention this long keeps them inside the ingest bounds
                // whatever day the test runs.
                "retention.period", "P20Y",
                // One deployment, one seal key, given rather than created in the working directory.
                "seal.key", java.util.Base64.getEncoder().encodeToString(new byte[32]))));
    }

    @AfterAll
    void stop() throws Exception {
        for (Gateway g : new Gateway[] {a, b}) {
            if (g != null) {
                g.close();
            }
        }
    }

    @Test
    void devicesSpreadOverBothInstancesAreAllStored() throws Exception {
        long policy = policy(OPEN_POLICY);
        List<Long> imeis = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            imeis.add(device(policy));
        }
        for (int i = 0; i < imeis.size(); i++) {
            Gateway instance = i % 2 == 0 ? a : b;
            try (Tracker tracker = new Tracker(instance.devicePort(), imeis.get(i))) {
                assertEquals(3, tracker.drive(T0, 3, false));
            }
        }
        for (long imei : imeis) {
            assertEquals(List.of(EXACT, EXACT, EXACT), treatments(imei), "device " + imei);
        }
    }

    @Test
    void aPolicyChangeReachesDevicesOnBothInstances() throws Exception {
        long policy = policy(OPEN_POLICY);
        long onA = device(policy);
        long onB = device(policy);
        try (Tracker trackerA = new Tracker(a.devicePort(), onA); Tracker trackerB = new Tracker(b.devicePort(), onB)) {
            assertEquals(1, trackerA.drive(T0, 1, false));
            assertEquals(1, trackerB.drive(T0, 1, false));
            assertEquals(List.of(EXACT), treatments(onA));
            assertEquals(List.of(EXACT), treatments(onB));

            execute("INSERT INTO policy_versions (policy_id, version, document, created_by) VALUES (" + policy + ", 2, '"
                    + NO_LOCATION_POLICY + "', 'test')");
            // The change travels to each instance by NOTIFY; each frame shows whether it has arrived there.
            assertEquals(PRIVATE, driveUntilTreatment(trackerA, onA, PRIVATE), "instance A took up version 2");
            assertEquals(PRIVATE, driveUntilTreatment(trackerB, onB, PRIVATE), "instance B took up version 2");
        }
    }

    @Test
    void aDeviceMovingToTheOtherInstanceKeepsItsPrivateTrip() throws Exception {
        long imei = device(policy(OPEN_POLICY));
        try (Tracker onA = new Tracker(a.devicePort(), imei)) {
            assertEquals(2, onA.drive(T0, 2, true)); // the trip starts private
        }
        // The load balancer sends the reconnect elsewhere; the trip state comes from the database.
        try (Tracker onB = new Tracker(b.devicePort(), imei)) {
            assertEquals(2, onB.drive(T0 + 120_000, 2, false)); // same trip, button released
        }
        assertEquals(List.of(PRIVATE, PRIVATE, PRIVATE, PRIVATE), treatments(imei),
                "the rest of a private trip stays private on the other instance");
    }

    /**
     * Both instances start a retention run at once; exactly one does the work. A third session holds a lock on
     * positions so that whichever run takes the advisory lock first stays inside it until released: the other one
     * necessarily finds the lock taken, with no timing involved.
     */
    @Test
    void theRetentionJobRunsOnExactlyOneInstance() throws Exception {
        RetentionJob jobA = RetentionJob.install(a.dataSource(), Period.ofMonths(12));
        RetentionJob jobB = RetentionJob.install(b.dataSource(), Period.ofMonths(12));
        Assumptions.assumeFalse(jobA.mode() == RetentionJob.Mode.NATIVE_POLICY,
                "TimescaleDB runs retention itself here (native policy): no gateway job to coordinate");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Connection blocker = a.dataSource().getConnection()) {
            blocker.setAutoCommit(false);
            try (Statement st = blocker.createStatement()) {
                st.execute("LOCK TABLE positions IN ACCESS EXCLUSIVE MODE");
            }
            CompletableFuture<RetentionJob.Outcome> runA = CompletableFuture.supplyAsync(() -> run(jobA), pool);
            CompletableFuture<RetentionJob.Outcome> runB = CompletableFuture.supplyAsync(() -> run(jobB), pool);

            RetentionJob.Outcome first = (RetentionJob.Outcome) CompletableFuture.anyOf(runA, runB).get(60, TimeUnit.SECONDS);
            assertFalse(first.ran(), "the run that finishes while positions is locked is the one that found the lock taken");
            CompletableFuture<RetentionJob.Outcome> holder = runA.isDone() && runA.join() == first ? runB : runA;
            assertFalse(holder.isDone(), "the other run holds the advisory lock and waits for positions");
            blocker.commit();
            assertTrue(holder.get(60, TimeUnit.SECONDS).ran(), "the lock holder did the work");
        } finally {
            pool.shutdownNow();
        }
    }

    private static RetentionJob.Outcome run(RetentionJob job) {
        try {
            return job.runOnce();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- fixtures ----------------------------------------------------------------------------------

    private int driveUntilTreatment(Tracker tracker, long imei, int wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int treatment = -1;
        for (int frame = 1; treatment != wanted && System.nanoTime() < deadline; frame++) {
            assertEquals(1, tracker.drive(T0 + frame * 60_000L, 1, false));
            List<Integer> stored = treatments(imei);
            treatment = stored.get(stored.size() - 1);
        }
        return treatment;
    }

    private long policy(String document) throws Exception {
        long id = queryLong("INSERT INTO policies (tenant_id, name) VALUES (" + tenant + ", 'p" + System.nanoTime()
                + "') RETURNING id");
        execute("INSERT INTO policy_versions (policy_id, version, document, created_by) VALUES (" + id + ", 1, '"
                + document + "', 'test')");
        return id;
    }

    private long device(long policy) throws Exception {
        long imei = IMEIS.incrementAndGet();
        execute("INSERT INTO devices (imei, tenant_id, policy_id) VALUES (" + imei + ", " + tenant + ", " + policy + ")");
        return imei;
    }

    /**
     * Treatments of a device's stored rows by device time, read through instance B (A wrote some of them); under
     * {@link #OPEN_POLICY} nothing waits sealed.
     */
    private List<Integer> treatments(long imei) throws Exception {
        assertEquals(0, queryLong("SELECT count(*) FROM sealed_positions WHERE imei = " + imei),
                "every record decided in its frame's transaction");
        List<Integer> out = new ArrayList<>();
        try (Connection c = b.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT treatment FROM positions WHERE imei = " + imei
                     + " ORDER BY device_time")) {
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
        }
        return out;
    }

    private long queryLong(String sql) throws Exception {
        try (Connection c = dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void execute(String sql) throws Exception {
        try (Connection c = dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private DataSource dataSource() {
        return a.dataSource();
    }
}
