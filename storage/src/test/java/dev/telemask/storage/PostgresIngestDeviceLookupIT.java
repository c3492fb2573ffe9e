package dev.telemask.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Device look-ups, quarantine registration, change notifications and the privacy state saved with a batch. The
 * SQL is the same on both dialects, so plain PostgreSQL suffices.
 */
class PostgresIngestDeviceLookupIT extends DatabaseContract {
    private static final long IMEI = 356_307_042_441_013L;

    @Override
    TestServer server() {
        return TestServer.plain();
    }

    @Override
    void prepare() throws Exception {
        Migrations.migrate(dataSource);
        execute("INSERT INTO tenants (name) VALUES ('acme')");
        execute("INSERT INTO policies (tenant_id, name) SELECT id, 'office' FROM tenants WHERE name = 'acme'");
        execute("INSERT INTO devices (imei, tenant_id, policy_id) SELECT " + IMEI + ", t.id, p.id FROM tenants t, policies p");
    }

    /**
     * A session checks its writes against the switch version it claimed the device at; a registration that counted
     * from 0 again after the device was deleted would let a session of the deleted one find its version matching.
     */
    @Test
    void aDeviceRegisteredAgainNeverPassesThroughTheVersionsOfItsEarlierRegistration() throws Exception {
        long imei = 356_307_042_441_021L;
        Set<Long> earlier = new HashSet<>();
        for (int registration = 0; registration < 3; registration++) {
            execute("INSERT INTO devices (imei, tenant_id) SELECT " + imei + ", id FROM tenants WHERE name = 'acme'");
            Set<Long> these = new HashSet<>();
            for (int change = 0; change < 4; change++) {
                these.add(queryLong("SELECT switch_version FROM devices WHERE imei = " + imei));
                execute("UPDATE devices SET restricted = NOT restricted WHERE imei = " + imei);
            }
            assertEquals(4, these.size(), "every change moves the version");
            for (long version : these) {
                assertFalse(earlier.contains(version), "registration " + registration + " reached version " + version
                        + " of an earlier registration");
            }
            earlier.addAll(these);
            execute("DELETE FROM devices WHERE imei = " + imei);
        }
    }

    /**
     * A device connecting twice at once (to two instances, or again before its first connection's look-up ran) is
     * claimed twice. Each connection writes only under the version its own claim made: were both to read the version
     * after the later claim, both would store, each deciding from a state that does not know the other's records, and
     * the older connection's saved state could overwrite the newer one's.
     */
    @Test
    void twoClaimsOfADeviceAtOnceNeverShareAVersionAndOnlyTheLaterOneStores() throws Exception {
        long imei = 356_307_042_441_039L;
        execute("INSERT INTO devices (imei, tenant_id) SELECT " + imei + ", id FROM tenants WHERE name = 'acme'");
        IngestDeviceLookup directory = new IngestDeviceLookup(dataSource);
        ExecutorService lookups = Executors.newFixedThreadPool(2);
        CompletableFuture<IngestProfile> first;
        CompletableFuture<IngestProfile> second;
        // Holding a table the profile's read needs stops each claim after its bump and before its read (a busy
        // database), so that the second claim's bump lands before the first claim reads the device.
        try (Connection holder = dataSource.getConnection(); Statement st = holder.createStatement()) {
            holder.setAutoCommit(false);
            st.execute("LOCK TABLE consent_history IN ACCESS EXCLUSIVE MODE");
            first = CompletableFuture.supplyAsync(() -> claimed(directory, imei), lookups);
            awaitLockWaiters(1);
            second = CompletableFuture.supplyAsync(() -> claimed(directory, imei), lookups);
            awaitLockWaiters(2);
            holder.rollback();
        } finally {
            lookups.shutdown();
        }
        long older = first.get(30, TimeUnit.SECONDS).switchVersion();
        long newer = second.get(30, TimeUnit.SECONDS).switchVersion();
        assertNotEquals(older, newer, "each claim holds a version of its own");

        RecordSealer sealer = TestBatches.sealer();
        PositionInserter inserter = new PositionInserter(dataSource, true, sealer);
        PositionBatch ofOlder = TestBatches.exact(imei, WriterContract.T0, 2).switchVersion(older)
                .deviceState(new byte[] {1});
        assertTrue(inserter.insert(List.of(ofOlder)).stale().containsKey(ofOlder),
                "the older connection's records are masked again from what is stored");
        PositionBatch ofNewer = TestBatches.exact(imei, WriterContract.T0, 2).switchVersion(newer)
                .deviceState(new byte[] {2});
        assertTrue(inserter.insert(List.of(ofNewer)).stale().isEmpty(), "the newer connection stores");
        assertArrayEquals(new byte[] {2}, sealer.openDeviceState(imei,
                queryBytes("SELECT privacy_state FROM devices WHERE imei = " + imei)));
    }

    private static IngestProfile claimed(IngestDeviceLookup directory, long imei) {
        try {
            return directory.claim(imei).orElseThrow();
        } catch (SQLException e) {
            throw new CompletionException(e);
        }
    }

    /** Returns once {@code n} connections to this database wait for a lock (each claim stopped where it waits). */
    private void awaitLockWaiters(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (queryLong("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND wait_event_type = 'Lock'") < n) {
            assertTrue(System.nanoTime() < deadline, n + " claims waiting");
            Thread.onSpinWait();
        }
    }

    @Test
    void findsTheNewestPolicyVersionAndTheLatestConsentPerKind() throws Exception {
        long policy = queryLong("SELECT id FROM policies");
        execute("INSERT INTO policy_versions (policy_id, version, document, created_by) VALUES (" + policy + ", 100, '{\"v\":1}', 'ann')");
        execute("INSERT INTO policy_versions (policy_id, version, document, created_by) VALUES (" + policy + ", 101, '{\"v\":2}', 'ann')");
        execute("INSERT INTO consent_history (imei, kind, granted, changed_by) VALUES (" + IMEI + ", 'location', true, 'ann')");
        execute("INSERT INTO consent_history (imei, kind, granted, changed_by) VALUES (" + IMEI + ", 'location', false, 'bob')");
        execute("INSERT INTO consent_history (imei, kind, granted, changed_by) VALUES (" + IMEI + ", 'telemetry', true, 'bob')");

        IngestProfile profile = new IngestDeviceLookup(dataSource).find(IMEI).orElseThrow();
        assertEquals(101, profile.policyVersion());
        assertEquals("{\"v\": 2}", profile.policyDocument());
        assertEquals(Boolean.FALSE, profile.consentLocation(), "the latest row wins");
        assertNull(profile.consentDriverIdentity(), "never set: the policy decides");
        assertEquals(Boolean.TRUE, profile.consentTelemetry());
        assertFalse(profile.restricted());
        assertEquals(0, profile.privateUntilMillis());
        execute("UPDATE devices SET private_until = '2030-01-01T00:00:00Z' WHERE imei = " + IMEI);
        assertEquals(1_893_456_000_000L, new IngestDeviceLookup(dataSource).find(IMEI).orElseThrow().privateUntilMillis());
        execute("UPDATE devices SET private_until = NULL WHERE imei = " + IMEI);
        assertTrue(new IngestDeviceLookup(dataSource).find(123_456_789_012_345L).isEmpty());
    }

    @Test
    void theRulesChangeTimeMovesWithThePolicyItsVersionItsFleetItsRestrictionAndTheDevicesOwnZonesOnly()
            throws Exception {
        IngestDeviceLookup directory = new IngestDeviceLookup(dataSource);
        execute("UPDATE devices SET rules_changed_at = NULL WHERE imei = " + IMEI);
        assertEquals(0, directory.find(IMEI).orElseThrow().rulesChangedAtMillis(), "never changed");

        long policy = queryLong("SELECT id FROM policies WHERE name = 'office'");
        execute("INSERT INTO policy_versions (policy_id, version, document, created_by) VALUES (" + policy + ", 200, '{}', 'ann')");
        long afterVersion = directory.find(IMEI).orElseThrow().rulesChangedAtMillis();
        assertTrue(afterVersion > 0, "a new version of its policy");

        execute("UPDATE devices SET rules_changed_at = '2020-01-01T00:00:00Z' WHERE imei = " + IMEI);
        directory.claim(IMEI);
        execute("UPDATE devices SET private_until = now() WHERE imei = " + IMEI);
        execute("UPDATE devices SET private_until = NULL WHERE imei = " + IMEI);
        execute("INSERT INTO consent_history (imei, kind, granted, changed_by) VALUES (" + IMEI + ", 'location', true, 'ann')");
        assertEquals(1_577_836_800_000L, directory.find(IMEI).orElseThrow().rulesChangedAtMillis(),
                "a claim, the private switch or consent is not a change of rules (they travel with each record)");

        execute("UPDATE devices SET restricted = true WHERE imei = " + IMEI);
        long restricted = directory.find(IMEI).orElseThrow().rulesChangedAtMillis();
        assertTrue(restricted > 1_577_836_800_000L, "a restriction: nothing that waited may be published");
        execute("UPDATE devices SET rules_changed_at = '2020-01-01T00:00:00Z' WHERE imei = " + IMEI);
        execute("UPDATE devices SET restricted = false WHERE imei = " + IMEI);
        assertEquals(1_577_836_800_000L, directory.find(IMEI).orElseThrow().rulesChangedAtMillis(),
                "lifting it changes nothing: no record of a restricted device waits");

        execute("INSERT INTO policies (tenant_id, name) SELECT id, 'night' FROM tenants WHERE name = 'acme'");
        execute("UPDATE devices SET policy_id = (SELECT id FROM policies WHERE name = 'night') WHERE imei = " + IMEI);
        assertTrue(directory.find(IMEI).orElseThrow().rulesChangedAtMillis() > 1_577_836_800_000L, "another policy");

        execute("UPDATE devices SET rules_changed_at = '2020-01-01T00:00:00Z' WHERE imei = " + IMEI);
        execute("INSERT INTO device_zones (id, imei, radius_metres, sealed_centre) VALUES ('z1', " + IMEI + ", 100, 'x')");
        assertTrue(directory.find(IMEI).orElseThrow().rulesChangedAtMillis() > 1_577_836_800_000L, "its own zones");
        execute("DELETE FROM device_zones WHERE id = 'z1'");
        execute("UPDATE devices SET policy_id = " + policy + " WHERE imei = " + IMEI);
    }

    @Test
    void theLatestRestrictionsSpanIsKeptFromItsBeginningToItsLift() throws Exception {
        IngestDeviceLookup directory = new IngestDeviceLookup(dataSource);
        long imei = 356_307_042_441_054L;
        execute("INSERT INTO devices (imei, tenant_id) SELECT " + imei + ", id FROM tenants WHERE name = 'acme'");
        assertEquals(IngestProfile.Restriction.NEVER, directory.find(imei).orElseThrow().lastRestriction());
        String clock = "SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint";
        long before = queryLong(clock);
        execute("UPDATE devices SET restricted = true WHERE imei = " + imei);
        IngestProfile.Restriction held = directory.find(imei).orElseThrow().lastRestriction();
        assertTrue(held.fromMillis() >= before && held.untilMillis() == Long.MAX_VALUE, held.toString());
        long during = queryLong(clock);
        execute("UPDATE devices SET restricted = false WHERE imei = " + imei);
        IngestProfile.Restriction lifted = directory.find(imei).orElseThrow().lastRestriction();
        assertEquals(held.fromMillis(), lifted.fromMillis());
        assertTrue(lifted.fromMillis() <= during && during <= lifted.untilMillis(), lifted + " around " + during);
        assertFalse(lifted.covers(queryLong(clock)), "a record received after the lift");
        execute("UPDATE devices SET label = 'renamed' WHERE imei = " + imei);
        assertEquals(lifted, directory.find(imei).orElseThrow().lastRestriction(), "other changes keep the span");
        execute("UPDATE devices SET restricted = true WHERE imei = " + imei);
        assertEquals(Long.MAX_VALUE, directory.find(imei).orElseThrow().lastRestriction().untilMillis(),
                "restricted again: a new span, not lifted");
        execute("UPDATE devices SET restricted = false WHERE imei = " + imei);

        IngestProfile quarantined = directory.registerInQuarantine(222_222_222_222_222L);
        assertTrue(quarantined.lastRestriction().covers(Long.MIN_VALUE + 1), "restricted since it was registered");
    }

    @Test
    void quarantineRegistrationRestrictsTheDeviceAndIsIdempotent() throws Exception {
        IngestDeviceLookup directory = new IngestDeviceLookup(dataSource);
        IngestProfile first = directory.registerInQuarantine(111_111_111_111_111L);
        IngestProfile again = directory.registerInQuarantine(111_111_111_111_111L);
        assertTrue(first.restricted(), "nothing of an unknown device is stored until an admin assigns it");
        assertEquals(first.tenantId(), again.tenantId());
        assertEquals(1, queryLong("SELECT count(*) FROM tenants WHERE name = 'quarantine'"));
        assertNull(first.policyId());
    }

    @Test
    void changesAreAnnouncedButSavedPrivacyStateIsNot() throws Exception {
        BlockingQueue<String> changes = new LinkedBlockingQueue<>();
        CountDownLatch connected = new CountDownLatch(1);
        try (ChangeFeed feed = ChangeFeed.start(dataSource, new ChangeFeed.Listener() {
            @Override
            public void deviceChanged(long imei) {
                changes.add("device:" + imei);
            }

            @Override
            public void policyChanged(long policyId) {
                changes.add("policy:" + policyId);
            }

            @Override
            public void everythingChanged() {
                connected.countDown();
            }
        })) {
            assertTrue(connected.await(30, TimeUnit.SECONDS), "feed connected");
            execute("UPDATE devices SET privacy_state = '\\x01', privacy_state_updated_at = now() WHERE imei = " + IMEI);
            execute("UPDATE devices SET restricted = true WHERE imei = " + IMEI);
            assertEquals("device:" + IMEI, changes.poll(30, TimeUnit.SECONDS), "the restriction, not the saved state");
            execute("INSERT INTO consent_history (imei, kind, granted, changed_by) VALUES (" + IMEI + ", 'telemetry', false, 'ann')");
            assertEquals("device:" + IMEI, changes.poll(30, TimeUnit.SECONDS));
            long policy = queryLong("SELECT id FROM policies");
            execute("INSERT INTO policy_versions (policy_id, version, document, created_by) VALUES (" + policy + ", 7, '{}', 'ann')");
            assertEquals("policy:" + policy, changes.poll(30, TimeUnit.SECONDS));
            execute("UPDATE devices SET private_until = now() + interval '1 hour' WHERE imei = " + IMEI);
            assertEquals("device:" + IMEI, changes.poll(30, TimeUnit.SECONDS), "the driver's switch");
        } finally {
            execute("UPDATE devices SET restricted = false, private_until = NULL WHERE imei = " + IMEI);
        }
    }

    @Test
    void theWriterSavesTheDeviceStateWithTheRecords() throws Exception {
        RecordSealer sealer = TestBatches.sealer();
        try (PositionWriter writer = PositionWriter.start(dataSource, WriterSettings.defaults(), sealer,
                new SimpleMeterRegistry())) {
            byte[] state = {1, 2, 3, 4};
            PositionBatch batch = TestBatches.exact(IMEI, WriterContract.T0, 3).deviceState(state);
            WriterContract.await(WriterContract.submit(writer, batch));
            assertArrayEquals(state, sealer.openDeviceState(IMEI,
                    new IngestDeviceLookup(dataSource).find(IMEI).orElseThrow().privacyState()));
            assertEquals(3, queryLong("SELECT count(*) FROM positions WHERE imei = " + IMEI));
            assertEquals(0, queryLong("SELECT count(last_seen_at) FROM devices WHERE imei = " + IMEI),
                    "last seen is written only when asked");
            PositionBatch seen = TestBatches.exact(IMEI, WriterContract.T0 + 3_600_000, 1).recordLastSeen();
            WriterContract.await(WriterContract.submit(writer, seen));
            assertEquals(seen.receivedAtMillis() / 1000, queryLong(
                    "SELECT extract(epoch FROM last_seen_at)::bigint FROM devices WHERE imei = " + IMEI));
        }
    }

    private static final FieldSealer SEALER = new FieldSealer(SealingKeys.of("k1", new byte[32], "test"));

    @Test
    void deploymentSecretsAreCreatedOnceSharedAndKeptSealed() throws Exception {
        byte[] first = DeploymentSecrets.getOrCreate(dataSource, "created-secret", SEALER);
        byte[] second = DeploymentSecrets.getOrCreate(dataSource, "created-secret", SEALER);
        assertEquals(32, first.length);
        assertArrayEquals(first, second);
        assertEquals(0, queryLong("SELECT count(*) FROM deployment_secrets WHERE name = 'created-secret'"
                + " AND (NOT sealed OR value = decode('"
                + java.util.HexFormat.of().formatHex(first) + "', 'hex'))"), "stored sealed, never in clear");
    }

    @Test
    void aSecretLeftInClearIsSealedWithItsValueAndResealedUnderANewKey() throws Exception {
        byte[] clear = new byte[32];
        java.util.Arrays.fill(clear, (byte) 7);
        try (java.sql.Connection c = dataSource.getConnection();
             java.sql.PreparedStatement st = c.prepareStatement(
                     "INSERT INTO deployment_secrets (name, value) VALUES ('old-secret', ?)")) {
            st.setBytes(1, clear);
            st.executeUpdate();
        }
        assertArrayEquals(clear, DeploymentSecrets.getOrCreate(dataSource, "old-secret", SEALER));
        assertEquals(1, queryLong("SELECT count(*) FROM deployment_secrets WHERE name = 'old-secret' AND sealed"
                + " AND value <> decode('" + java.util.HexFormat.of().formatHex(clear) + "', 'hex')"));

        byte[] next = new byte[32];
        next[0] = 1;
        FieldSealer rotated = new FieldSealer(SealingKeys.parse(java.util.List.of(
                "k2 " + java.util.Base64.getEncoder().encodeToString(next),
                "k1 " + java.util.Base64.getEncoder().encodeToString(new byte[32])), "rotated"));
        assertArrayEquals(clear, DeploymentSecrets.getOrCreate(dataSource, "old-secret", rotated));
        assertEquals(1, queryLong("SELECT count(*) FROM deployment_secrets WHERE name = 'old-secret'"
                + " AND convert_from(value, 'UTF8') LIKE 'k2:%'"), "sealed again under the key that seals now");
        byte[] onlyNew = DeploymentSecrets.getOrCreate(dataSource, "old-secret", new FieldSealer(
                SealingKeys.of("k2", next, "only k2")));
        assertArrayEquals(clear, onlyNew, "the old key line may go");
    }
}
