package dev.telemask.storage.query;

import com.zaxxer.hikari.HikariDataSource;
import dev.telemask.privacy.DeviceState;
import dev.telemask.storage.IngestDeviceLookup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opentest4j.TestAbortedException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The fleet API's storage classes on one kind of database: scoping, paging, masking, erasure. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class QueryContract {
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");

    HikariDataSource dataSource;
    private String unavailable;
    private long acme;
    private long globex;
    private long imeiSeq = 356_000_000_000_000L;

    abstract HikariDataSource database();

    @BeforeAll
    final void createDatabase() throws SQLException {
        try {
            dataSource = database();
        } catch (TestAbortedException e) {
            unavailable = e.getMessage();
            return;
        }
        acme = tenant("acme");
        globex = tenant("globex");
    }

    @BeforeEach
    final void requireServer() {
        assumeTrue(unavailable == null, unavailable);
    }

    @AfterAll
    final void close() {
        if (dataSource != null) {
            dataSource.close();
        }
    }

    @Test
    void pagesReturnEveryRowExactlyOnceInKeyOrder() throws Exception {
        long imei = device(acme);
        TrackRows.series(dataSource, imei, T0, 2_000);
        // Two records in one millisecond (a periodic and an event record) must both be served, once each.
        for (int eventIo = 1; eventIo <= 3; eventIo++) {
            TrackRows.insert(dataSource, imei, T0.plusSeconds(500), eventIo, 1, 1, null, 0);
        }
        TimeWindow window = new TimeWindow(T0, T0.plusSeconds(10_000));
        PositionQuery query = new PositionQuery(dataSource);
        List<PositionKey> all = new ArrayList<>();
        PositionKey after = null;
        int pages = 0;
        while (true) {
            PositionQuery.PageEnd end = query.pageEnd(imei, window, after, 333);
            List<PositionKey> page = new ArrayList<>();
            query.stream(imei, window, after, end.last(), p -> page.add(p.key()));
            assertTrue(page.size() <= 333, "page size " + page.size());
            all.addAll(page);
            pages++;
            if (!end.more()) {
                break;
            }
            after = end.last();
        }
        assertEquals(2_003, all.size());
        assertEquals(2_003, new HashSet<>(all).size(), "no row twice");
        assertEquals(7, pages);
        for (int i = 1; i < all.size(); i++) {
            assertFalse(all.get(i).deviceTime().isBefore(all.get(i - 1).deviceTime()), "time order at " + i);
        }
    }

    @Test
    void rowsOfOneMillisecondApartOnlyByTheirRecordKeyArePagedOnceEach() throws Exception {
        // A policy that withholds event IDs stores such records with event 0; their record keys tell them apart.
        long imei = device(acme);
        Instant t = T0.plusSeconds(30);
        int[] recordKeys = {Integer.MIN_VALUE, -5, 0, 17, Integer.MAX_VALUE};
        for (int key : recordKeys) {
            execute("INSERT INTO positions (imei, device_time, receive_time, priority, event_io, io, treatment,"
                    + " record_key) VALUES (" + imei + ", '" + t + "', now(), 0, 0, '\\x00'::bytea, 2, " + key + ")");
        }
        execute("INSERT INTO positions (imei, device_time, receive_time, priority, event_io, io, treatment,"
                + " record_key) VALUES (" + imei + ", '" + t + "', now(), 0, 240, '\\x00'::bytea, 2, 99)");
        TimeWindow window = new TimeWindow(T0, T0.plusSeconds(60));
        PositionQuery query = new PositionQuery(dataSource);
        for (int limit = 1; limit <= 4; limit++) {
            List<PositionKey> all = new ArrayList<>();
            PositionKey after = null;
            while (true) {
                PositionQuery.PageEnd end = query.pageEnd(imei, window, after, limit);
                query.stream(imei, window, after, end.last(), p -> all.add(p.key()));
                if (!end.more()) {
                    break;
                }
                after = end.last();
            }
            List<Integer> expected = List.of(Integer.MAX_VALUE, 99, 17, 0, -5, Integer.MIN_VALUE);
            assertEquals(expected, all.stream().map(PositionKey::recordKey).toList(), "pages of " + limit);
        }
    }

    @Test
    void maskedRecordsComeBackWithoutCoordinatesNeverZero() throws Exception {
        long imei = device(acme);
        TrackRows.insert(dataSource, imei, T0, 0, null, null, TrackRows.io(16, 4, 1234), 2);
        List<StoredPosition> rows = new ArrayList<>();
        new PositionQuery(dataSource).stream(imei, new TimeWindow(T0, T0.plusSeconds(1)), null, null, rows::add);
        StoredPosition p = rows.get(0);
        assertNull(p.point());
        assertNull(p.speed());
        assertNull(p.altitude());
        assertEquals(1234L, p.ioValue(16));
        assertNull(p.ioValue(239));
    }

    @Test
    void eraseDeletesTheRangeOnlyAndCountsIt() throws Exception {
        long imei = device(acme);
        long other = device(acme);
        TrackRows.series(dataSource, imei, T0, 100);
        TrackRows.series(dataSource, other, T0, 100);
        PositionQuery query = new PositionQuery(dataSource);
        assertEquals(30, query.erase(imei, new TimeWindow(T0.plusSeconds(10), T0.plusSeconds(40))));
        assertEquals(70, count("SELECT count(*) FROM positions WHERE imei = " + imei));
        assertEquals(0, count("SELECT count(*) FROM positions WHERE imei = " + imei
                + " AND device_time >= '" + T0.plusSeconds(10) + "' AND device_time < '" + T0.plusSeconds(40) + "'"));
        assertEquals(100, count("SELECT count(*) FROM positions WHERE imei = " + other));
    }

    /**
     * An erasure keeps its range so that the erased records, sent again, are not stored; a record a device clock
     * running ahead stamped after the erasure's moment was erased too, and the range keeps it out as well.
     */
    @Test
    void theErasedRangeReachesPastARecordStampedAheadOfTheErasure() throws Exception {
        long imei = device(acme);
        Instant ahead = Instant.now().plusSeconds(1800).truncatedTo(ChronoUnit.MILLIS);
        TrackRows.insert(dataSource, imei, ahead, 0, 481_000_000, 110_000_000, TrackRows.io(16, 4, 1), 0);
        PositionQuery query = new PositionQuery(dataSource);
        assertEquals(1, query.erase(imei, new TimeWindow(T0, ahead.plusSeconds(1800))));
        assertEquals(1, count("SELECT count(*) FROM erased_ranges WHERE imei = " + imei + " AND from_time = '" + T0
                + "' AND to_time > '" + ahead + "'"), "the range covers the erased record stamped ahead");
        long quiet = device(acme);
        TrackRows.series(dataSource, quiet, T0, 10);
        query.erase(quiet, new TimeWindow(T0, ahead.plusSeconds(1800)));
        assertEquals(1, count("SELECT count(*) FROM erased_ranges WHERE imei = " + quiet + " AND to_time <= now()"),
                "without records ahead, the range ends at the erasure: what the device logs after it is its own");
    }

    /**
     * The expiry decides a sealed record of the range while an erasure runs: it holds the sealed row and has stored the
     * record's decided form, not yet committed (it takes no device row, so nothing else holds it off). The erasure
     * waits for the sealed row and must then delete what the expiry committed: a record of the range left stored.
     */
    @Test
    void aRecordTheExpiryDecidesWhileAnErasureRunsIsErasedToo() throws Exception {
        long imei = device(acme);
        Instant t = T0.plusSeconds(20);
        execute("INSERT INTO sealed_positions (imei, device_time, event_io, received_at, expires_at, key_id, sealed)"
                + " VALUES (" + imei + ", '" + t + "', 0, now(), now(), 'k1', '\\xc0ffee')");
        PositionQuery query = new PositionQuery(dataSource);
        java.util.concurrent.CompletableFuture<Long> erasure;
        try (Connection expiry = dataSource.getConnection(); Statement st = expiry.createStatement()) {
            expiry.setAutoCommit(false);
            st.execute("SELECT 1 FROM sealed_positions WHERE imei = " + imei + " FOR UPDATE");
            st.execute("INSERT INTO positions (imei, device_time, receive_time, priority, event_io, io, treatment)"
                    + " VALUES (" + imei + ", '" + t + "', now(), 0, 0, '\\x00'::bytea, 2)");
            erasure = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return query.erase(imei, new TimeWindow(T0, T0.plusSeconds(60)));
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            waitForLockOn("sealed_positions");
            st.execute("DELETE FROM sealed_positions WHERE imei = " + imei);
            expiry.commit();
        }
        erasure.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, count("SELECT count(*) FROM positions WHERE imei = " + imei),
                "the record the expiry decided in the erased range is still stored");
    }

    /**
     * A client that reads a year's export or track slowly (each chunk taken just within the write timeout) holds no
     * transaction open while it reads: a snapshot held for hours keeps vacuum from the tables whose rows churn (the
     * sealed records, the outbox) on the whole server. The rows are read a page at a time, each page its own statement.
     */
    @Test
    void aStreamedTrackHoldsNoTransactionWhileItsReaderTakesItsRows() throws Exception {
        long imei = device(acme);
        int rows = PositionQuery.FETCH_SIZE * 3 + 1;
        TrackRows.series(dataSource, imei, T0, rows);
        List<Instant> times = new ArrayList<>();
        long open = new PositionQuery(dataSource).stream(imei, new TimeWindow(T0, T0.plusSeconds(rows)), null, null,
                p -> {
                    times.add(p.deviceTime());
                    assertNoTransactionWaits();
                });
        assertEquals(rows, open);
        assertEquals(rows, new HashSet<>(times).size(), "every row once");
        for (int i = 1; i < times.size(); i++) {
            assertTrue(times.get(i - 1).isBefore(times.get(i)), "in device-time order");
        }
    }

    /**
     * The rest of a data subject's export, read as the track is: a page at a time, by statements that have ended
     * before the reader takes their rows, each row once in its order across pages, also where device times tie.
     */
    @Test
    void anExportsEventsCommandsDeliveriesAndAuditHoldNoTransactionWhileTheirReaderTakesThem() throws Exception {
        long imei = device(acme);
        int rows = PositionQuery.FETCH_SIZE * 2 + 1;
        // Three rows a second: pages end inside a run of rows of one device time.
        execute("INSERT INTO device_events (tenant_id, imei, device_time, event_io, kind, geofence_id, treatment,"
                + " received_at) SELECT " + acme + ", " + imei + ", timestamptz '" + T0 + "' + (i / 3) * interval"
                + " '1 second', 0, 'geofence_enter', i % 3, 0, now() FROM generate_series(0, " + (rows - 1) + ") i");
        execute("INSERT INTO device_commands (tenant_id, imei, text, reveals_location, created_by, expires_at)"
                + " SELECT " + acme + ", " + imei + ", 'getver', false, 'test', now() FROM generate_series(1, " + rows
                + ")");
        long webhook = count("INSERT INTO webhooks (tenant_id, url, kinds, secret, created_by) VALUES (" + acme
                + ", 'https://example.com/hook', ARRAY['ignition_on'], 'secret', 'test') RETURNING id");
        execute("INSERT INTO webhook_deliveries (webhook_id, tenant_id, imei, payload, device_time)"
                + " SELECT " + webhook + ", " + acme + ", " + imei + ", '{}', timestamptz '" + T0
                + "' + (i / 3) * interval '1 second' FROM generate_series(0, " + (rows - 1) + ") i");
        String target = "device:" + imei;
        execute("INSERT INTO audit_log (tenant_id, actor, action, target, details) SELECT " + acme
                + ", 'test', 'read', '" + target + "', '{}' FROM generate_series(1, " + rows + ")");

        List<StoredEvent> events = new ArrayList<>();
        assertEquals(rows, new EventQuery(dataSource).stream(acme, imei, e -> {
            events.add(e);
            assertNoTransactionWaits();
        }));
        for (int i = 1; i < rows; i++) {
            StoredEvent a = events.get(i - 1);
            StoredEvent b = events.get(i);
            assertTrue(a.deviceTime().isBefore(b.deviceTime())
                    || a.deviceTime().equals(b.deviceTime()) && a.id() < b.id(), "events once, in (time, id) order");
        }
        List<Long> commands = new ArrayList<>();
        assertEquals(rows, new DeviceCommands(dataSource).stream(acme, imei, c -> {
            commands.add(c.id());
            assertNoTransactionWaits();
        }));
        assertAscending(commands, "commands once, in id order");
        List<DeviceDeliveries.Delivery> deliveries = new ArrayList<>();
        assertEquals(rows, new DeviceDeliveries(dataSource).stream(acme, imei, d -> {
            deliveries.add(d);
            assertNoTransactionWaits();
        }));
        for (int i = 1; i < rows; i++) {
            DeviceDeliveries.Delivery a = deliveries.get(i - 1);
            DeviceDeliveries.Delivery b = deliveries.get(i);
            assertTrue(a.deviceTime().isBefore(b.deviceTime())
                    || a.deviceTime().equals(b.deviceTime()) && a.id() < b.id(), "deliveries once, in (time, id) order");
        }
        List<Long> audit = new ArrayList<>();
        assertEquals(rows, new AuditLog(dataSource).stream(acme, new TimeWindow(T0.minus(3650, ChronoUnit.DAYS),
                Instant.now().plus(1, ChronoUnit.DAYS)), target, null, 0, a -> {
            audit.add(-a.id());
            assertNoTransactionWaits();
        }));
        assertAscending(audit, "audit rows once, newest first");
        assertEquals(7, new AuditLog(dataSource).stream(acme, new TimeWindow(T0.minus(3650, ChronoUnit.DAYS),
                Instant.now().plus(1, ChronoUnit.DAYS)), target, -audit.get(3), 7, a -> { }), "a limit still holds");
    }

    private static void assertAscending(List<Long> values, String message) {
        for (int i = 1; i < values.size(); i++) {
            assertTrue(values.get(i - 1) < values.get(i), message);
        }
    }

    /** No connection but this test's waits idle in a transaction, as a reader's stalled cursor would. */
    private void assertNoTransactionWaits() {
        try {
            assertEquals(0, count("SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
                    + " AND state LIKE 'idle in transaction%'"), "a transaction waits for the reader");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns once a statement on {@code table} of another connection waits for a lock. */
    private void waitForLockOn(String table) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                + " AND query LIKE 'DELETE FROM " + table + "%'") == 0) {
            assertTrue(System.nanoTime() < deadline, "no statement on " + table + " waits for a lock");
            Thread.sleep(10);
        }
    }

    @Test
    void devicesAndPoliciesAreScopedByTenant() throws Exception {
        FleetDeviceStore devices = new FleetDeviceStore(dataSource);
        PolicyStore policies = new PolicyStore(dataSource);
        long theirs = device(globex);
        long theirPolicy = policies.create(globex, "strict", "{}", "test").getAsLong();
        assertTrue(devices.find(acme, theirs).isEmpty());
        assertTrue(policies.find(acme, theirPolicy).isEmpty());
        assertTrue(policies.addVersion(acme, theirPolicy, "{}", "test").isEmpty());
        assertFalse(devices.setRestricted(acme, theirs, true));
        assertEquals(-1, devices.delete(acme, theirs));
        long imei = ++imeiSeq;
        assertEquals(FleetDeviceStore.Outcome.POLICY_NOT_FOUND, devices.register(acme, imei, null, theirPolicy,
                IngestDeviceLookup.QUARANTINE_TENANT));
        assertEquals(FleetDeviceStore.Outcome.TAKEN, devices.register(acme, theirs, null, null,
                IngestDeviceLookup.QUARANTINE_TENANT));
        assertEquals(FleetDeviceStore.Outcome.POLICY_NOT_FOUND,
                devices.update(acme, device(acme), false, null, true, theirPolicy));
        assertTrue(devices.list(acme).stream().noneMatch(d -> d.imei() == theirs));
    }

    @Test
    void registeringClaimsAQuarantinedDevice() throws Exception {
        long imei = ++imeiSeq;
        new IngestDeviceLookup(dataSource).registerInQuarantine(imei);
        FleetDeviceStore devices = new FleetDeviceStore(dataSource);
        assertEquals(FleetDeviceStore.Outcome.DONE,
                devices.register(acme, imei, "van 7", null, IngestDeviceLookup.QUARANTINE_TENANT));
        FleetDevice device = devices.find(acme, imei).orElseThrow();
        assertFalse(device.restricted());
        assertEquals("van 7", device.label());
    }

    @Test
    void policyChangesAppendVersions() throws Exception {
        PolicyStore policies = new PolicyStore(dataSource);
        long id = policies.create(acme, "default", "{\"a\": 1}", "alice").getAsLong();
        assertTrue(policies.create(acme, "default", "{}", "alice").isEmpty(), "names are unique in a tenant");
        assertEquals(2, policies.addVersion(acme, id, "{\"a\": 2}", "bob").getAsInt());
        StoredPolicy policy = policies.find(acme, id).orElseThrow();
        assertEquals(2, policy.currentVersion());
        assertEquals("{\"a\": 2}", policy.document());
        assertEquals(List.of(1, 2), policy.versions().stream().map(PolicyVersion::version).toList());
        assertEquals("bob", policy.versions().get(1).createdBy());
    }

    @Test
    void deletingADeviceRemovesItsDataButNotTheAudit() throws Exception {
        FleetDeviceStore devices = new FleetDeviceStore(dataSource);
        long imei = device(acme);
        TrackRows.series(dataSource, imei, T0, 10);
        new ConsentLog(dataSource).append(imei, java.util.Map.of("location", false), "alice", null);
        new AuditLog(dataSource).record(acme, "alice", "positions.read", "device:" + imei, "{\"rows\": 10}");
        assertEquals(10, devices.delete(acme, imei));
        assertEquals(0, count("SELECT count(*) FROM positions WHERE imei = " + imei));
        assertEquals(0, count("SELECT count(*) FROM consent_history WHERE imei = " + imei));
        assertEquals(1, count("SELECT count(*) FROM audit_log WHERE target = 'device:" + imei + "'"));
    }

    @Test
    void erasingUpToTheNewestPositionsForgetsTheSavedPrivacyStateAndAnOlderRangeDoesNot() throws Exception {
        long imei = device(acme);
        TrackRows.series(dataSource, imei, T0, 10);
        // A sealed state, as the writer saves it, three days old.
        execute("UPDATE devices SET privacy_state = '\\x45aa', privacy_state_updated_at"
                + " = date_trunc('day', now()) - interval '3 days' WHERE imei = " + imei);
        String untouched = "SELECT count(*) FROM devices WHERE imei = " + imei + " AND privacy_state = '\\x45aa'"
                + " AND privacy_state_updated_at < date_trunc('day', now()) - interval '2 days'";

        PositionQuery query = new PositionQuery(dataSource);
        query.erase(imei, new TimeWindow(T0, T0.plusSeconds(5)));
        assertEquals(1, count(untouched), "newer positions are left: the state is theirs, kept");

        query.erase(imei, new TimeWindow(T0.plusSeconds(5), T0.plusSeconds(3600)));
        assertEquals(0, count(untouched));
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT privacy_state, privacy_state_updated_at"
                     + " >= date_trunc('day', now()) - interval '1 day'"
                     + " AND privacy_state_updated_at = date_trunc('day', privacy_state_updated_at)"
                     + " FROM devices WHERE imei = " + imei)) {
            rs.next();
            assertArrayEquals(DeviceState.unknownPast().save(), rs.getBytes(1), "a state that knows no past");
            // The erasure's day (yesterday's only when it ran just before midnight), no minute of it.
            assertTrue(rs.getBoolean(2), "saved on the erasure's day, not when the erased records came");
        }
    }

    @Test
    void anAnswerMaskedUnderSwitchesThatChangedSinceIsStoredWithheld() throws Exception {
        DeviceCommands commands = new DeviceCommands(dataSource);
        long imei = device(acme);
        long maskedUnder = count("SELECT switch_version FROM devices WHERE imei = " + imei);
        String position = "GPS:1 Sat:9 Lat:52.517036 Long:13.388860";

        long kept = sentCommand(commands, imei);
        assertTrue(commands.answered(kept, position, "exact", maskedUnder));
        // The driver's private mode returned after the next answer was masked, before it was stored.
        long late = sentCommand(commands, imei);
        execute("UPDATE devices SET private_until = now() + interval '1 hour' WHERE imei = " + imei);
        assertTrue(commands.answered(late, position, "exact", maskedUnder));
        // An answer that locates nothing is stored as sent, whatever changed.
        long info = sentCommand(commands, imei);
        assertTrue(commands.answered(info, "RTC:2026/11/26", "as-sent", -1));

        assertEquals(List.of("exact " + position, "withheld " + DeviceCommands.WITHHELD_AFTER_A_CHANGE,
                "as-sent RTC:2026/11/26"), commands.list(acme, imei, 10).stream()
                .sorted(java.util.Comparator.comparingLong(DeviceCommand::id))
                .map(c -> c.answerTreatment() + " " + c.answer()).toList());
        assertFalse(commands.answered(late, position, "exact", maskedUnder + 1), "answered once");
    }

    /** A getgps queued for {@code imei} and claimed by its connection: sent, waiting for its answer. */
    private long sentCommand(DeviceCommands commands, long imei) throws SQLException {
        long id = commands.queue(acme, imei, "getgps", true, "alice", T0.plusSeconds(86_400 * 3650L)).id();
        assertEquals(id, commands.claimNext(imei, java.time.Duration.ofMinutes(1)).orElseThrow().id());
        return id;
    }

    private long device(long tenant) throws SQLException {
        long imei = ++imeiSeq;
        execute("INSERT INTO devices (imei, tenant_id) VALUES (" + imei + ", " + tenant + ")");
        return imei;
    }

    private long tenant(String name) throws SQLException {
        return count("INSERT INTO tenants (name) VALUES ('" + name + "') RETURNING id");
    }

    private long count(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

}
