package dev.telemask.storage;

import dev.telemask.codec.AvlBatch;
import dev.telemask.privacy.Treatment;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the {@link PositionWriter} promises, run against each kind of database. */
abstract class WriterContract extends DatabaseContract {
    static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z

    PositionWriter writer;
    SimpleMeterRegistry registry;
    RecordSealer sealer;
    SealedStore sealedStore;

    @Override
    void prepare() {
        Migrations.migrate(dataSource);
        registry = new SimpleMeterRegistry();
        sealer = TestBatches.sealer();
        writer = PositionWriter.start(dataSource, WriterSettings.defaults(), sealer, registry);
        sealedStore = new SealedStore(dataSource, sealer, new SimpleMeterRegistry());
    }

    @Override
    void finish() throws InterruptedException {
        writer.close();
    }

    static CompletableFuture<Void> submit(PositionWriter writer, PositionBatch batch) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        assertTrue(writer.offer(batch, (b, failure) -> {
            if (failure == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(failure);
            }
        }), "queue unexpectedly full");
        return done;
    }

    static void await(CompletableFuture<?> future) throws Exception {
        future.get(60, TimeUnit.SECONDS);
    }

    /** The device's switch version as the database holds it: what a session that claimed it now would carry. */
    long version(long imei) throws SQLException {
        return queryLong("SELECT switch_version FROM devices WHERE imei = " + imei);
    }

    long count(String where) throws SQLException {
        return queryLong("SELECT count(*) FROM positions WHERE " + where);
    }

    @Test
    void storesMaskedValuesAsNullAndSkipsDroppedRecordsAndRemovedIo() throws Exception {
        long imei = 356_307_042_441_013L;
        AvlBatch records = new AvlBatch();
        records.addRecord(T0, 1, 250_000_000, 540_000_000, 120, 90, 9, 55, 239, AvlBatch.NO_GENERATION);
        records.addIo(239, 1, 1);
        byte[] nx = {1, 2, 3, 4, 5};
        records.addNx(385, nx, 0, nx.length);
        records.addRecord(T0 + 1000, 0, 250_000_100, 540_000_100, 121, 91, 8, 56, 0, AvlBatch.NO_GENERATION);
        records.addIo(16, 4, 4_000_000_000L);
        records.addIo(205, 2, 4711); // GSM cell: locates the vehicle, the engine removes it
        records.clearLocation(1);
        records.removeIo(records.ioStart(1) + 1);
        records.addRecord(T0 + 2000, 0, 1, 1, 1, 1, 1, 1, 0, AvlBatch.NO_GENERATION);
        byte[] treatments = {Treatment.EXACT.code(), Treatment.PRIVATE.code(), Treatment.DROPPED.code()};

        await(submit(writer, new PositionBatch(imei, T0 + 5000, records, treatments)));

        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT extract(epoch FROM device_time) * 1000, "
                     + "extract(epoch FROM receive_time) * 1000, priority, longitude, latitude, altitude, angle, "
                     + "satellites, speed, event_io, io, treatment FROM positions WHERE imei = " + imei
                     + " ORDER BY device_time")) {
            assertTrue(rs.next());
            assertEquals(T0, rs.getLong(1));
            assertEquals(T0 + 5000, rs.getLong(2));
            assertEquals(1, rs.getInt(3));
            assertEquals(250_000_000, rs.getInt(4));
            assertEquals(540_000_000, rs.getInt(5));
            assertEquals(120, rs.getInt(6));
            assertEquals(90, rs.getInt(7));
            assertEquals(9, rs.getInt(8));
            assertEquals(55, rs.getInt(9));
            assertEquals(239, rs.getInt(10));
            assertEquals(Map.of(239, "1", 385, "[1, 2, 3, 4, 5]"), io(rs.getBytes(11)));
            assertEquals(Treatment.EXACT.code(), rs.getInt(12));

            assertTrue(rs.next());
            assertEquals(T0 + 1000, rs.getLong(1));
            for (int column = 4; column <= 9; column++) {
                rs.getObject(column);
                assertTrue(rs.wasNull(), "masked column " + column + " must be NULL");
            }
            assertEquals(Map.of(16, "4000000000"), io(rs.getBytes(11)));
            assertEquals(Treatment.PRIVATE.code(), rs.getInt(12));

            assertTrue(!rs.next(), "the dropped record must not be stored");
        }
    }

    @Test
    void storesARecordWithoutIoElementsWithNullIo() throws Exception {
        AvlBatch records = new AvlBatch();
        records.addRecord(T0, 0, 1, 2, 3, 4, 5, 6, 0, AvlBatch.NO_GENERATION);
        await(submit(writer, new PositionBatch(11L, T0, records, new byte[] {Treatment.EXACT.code()})));
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT io FROM positions WHERE imei = 11")) {
            assertTrue(rs.next());
            assertNull(rs.getBytes(1));
        }
    }

    @Test
    void aResentBatchIsStoredOnce() throws Exception {
        long imei = 22L;
        await(submit(writer, TestBatches.exact(imei, T0, 25)));
        // The ACK was lost: the device sends the same records again, twice, possibly in one transaction.
        CompletableFuture<Void> again = submit(writer, TestBatches.exact(imei, T0, 25));
        CompletableFuture<Void> andAgain = submit(writer, TestBatches.exact(imei, T0, 25));
        await(again);
        await(andAgain);
        assertEquals(25, count("imei = " + imei));
        assertEquals(25 * 2, registry.get("telemask.storage.writer.rows").tag("result", "duplicate").counter()
                .count(), 0.0);
    }

    @Test
    void resentAndFreshFramesMixedInOneTransactionAreEachStoredOnce() throws Exception {
        long tenant = queryLong("INSERT INTO tenants (name) VALUES ('mixed-resends') RETURNING id");
        execute("INSERT INTO devices (imei, tenant_id) VALUES (60, " + tenant + "), (61, " + tenant + ")");
        await(submit(writer, TestBatches.exact(60L, T0, 10)));
        await(submit(writer, TestBatches.exact(61L, T0, 5)));

        // A new inserter knows nothing of what was stored (as after a restart): its direct COPY meets the stored
        // rows, and the whole transaction goes the deduplicating way, keeping its locks, seals and states.
        PositionInserter inserter = new PositionInserter(dataSource, true, sealer);
        PositionBatch freshOther = TestBatches.exact(62L, T0, 10);
        PositionBatch resent = TestBatches.exact(60L, T0, 10).switchVersion(version(60L));
        PositionBatch fresh = TestBatches.exact(60L, T0 + 10_000, 10).switchVersion(version(60L));
        PositionBatch resentAgain = TestBatches.exact(60L, T0, 10);
        PositionBatch freshWithSeal = TestBatches.seal(TestBatches.exact(61L, T0 + 5_000, 5), 0)
                .sealed(T0 + 60_000, null).switchVersion(version(61L)).deviceState(new byte[] {7}).recordLastSeen();
        PositionBatch stale = TestBatches.exact(61L, T0 + 20_000, 3).switchVersion(99);

        PositionInserter.Result first = inserter.insert(
                List.of(freshOther, resent, fresh, resentAgain, freshWithSeal, stale));

        assertEquals(PositionInserter.CopyPath.FALLBACK, first.path());
        assertEquals(10 + 10 + 4, first.inserted(), "only the fresh records are new rows");
        assertEquals(20, count("imei = 60"));
        assertEquals(5 + 4, count("imei = 61"), "the stale batch is left out");
        assertEquals(10, count("imei = 62"));
        assertEquals(1, sealedCount(61L));
        assertEquals(1, first.stale().size());
        assertTrue(first.stale().containsKey(stale), "the batch masked under an old switch version is failed");
        assertEquals(1, queryLong("SELECT count(*) FROM devices WHERE imei = 61 AND last_seen_at IS NOT NULL"));
        byte[] state = queryBytes("SELECT privacy_state FROM devices WHERE imei = 61");
        assertFalse(java.util.Arrays.equals(new byte[] {7}, state), "the saved state is sealed, not in clear");
        assertArrayEquals(new byte[] {7}, sealer.openDeviceState(61, state));

        // Now it knows: a resend next to fresh frames is deduplicated alone, the fresh ones go straight in.
        PositionInserter.Result second = inserter.insert(List.of(TestBatches.exact(62L, T0, 10),
                TestBatches.exact(62L, T0 + 10_000, 10), TestBatches.exact(63L, T0, 10)));

        assertEquals(PositionInserter.CopyPath.SPLIT, second.path());
        assertEquals(20, second.inserted());
        assertEquals(20, count("imei = 62"));
        assertEquals(10, count("imei = 63"));

        PositionInserter.Result third = inserter.insert(List.of(TestBatches.exact(63L, T0 + 10_000, 10)));
        assertEquals(PositionInserter.CopyPath.DIRECT, third.path());
        assertEquals(20, count("imei = 63"));
    }

    @Test
    // A liveness guard: without SKIP LOCKED the write waited for the lock for good.
    @org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aDeviceWhoseRowAnApiChangeHoldsIsLeftOutAsStaleAndTheOthersAreWrittenMeanwhile() throws Exception {
        long tenant = queryLong("INSERT INTO tenants (name) VALUES ('long-change') RETURNING id");
        execute("INSERT INTO devices (imei, tenant_id) VALUES (90, " + tenant + "), (91, " + tenant + ")");
        PositionInserter inserter = new PositionInserter(dataSource, true, sealer);
        // An erasure of device 90's year takes its row first and holds it while it deletes.
        try (Connection erasure = dataSource.getConnection(); Statement st = erasure.createStatement()) {
            erasure.setAutoCommit(false);
            st.executeUpdate("UPDATE devices SET switch_version = switch_version + 1 WHERE imei = 90");

            PositionBatch held = TestBatches.exact(90L, T0, 3).switchVersion(version(90L)).deviceState(new byte[] {1});
            PositionBatch free = TestBatches.exact(91L, T0, 4).switchVersion(version(91L)).deviceState(new byte[] {2});
            PositionInserter.Result result = inserter.insert(List.of(held, free));

            assertEquals(4, result.inserted(), "the other device's records did not wait for the change");
            assertTrue(result.stale().containsKey(held), "the held device's batch is masked again once it is free");
            assertEquals(1, result.stale().size());
            erasure.rollback();
        }
        assertEquals(0, count("imei = 90"));
        assertEquals(4, count("imei = 91"));
        assertEquals(0, queryLong("SELECT count(*) FROM devices WHERE imei = 90 AND privacy_state IS NOT NULL"));
    }

    @Test
    void inOneTransactionTheLaterBatchOfADeviceSavesItsStatesAndTheLatestReceiveTimeItsLastSeen() throws Exception {
        long tenant = queryLong("INSERT INTO tenants (name) VALUES ('device-rows') RETURNING id");
        execute("INSERT INTO devices (imei, tenant_id, privacy_state) VALUES (70, " + tenant + ", NULL),"
                + " (71, " + tenant + ", '\\x09'), (72, " + tenant + ", NULL), (73, " + tenant + ", NULL)");
        PositionInserter inserter = new PositionInserter(dataSource, true, sealer);
        PositionBatch first = TestBatches.exact(70L, T0, 2).switchVersion(version(70L)).deviceState(new byte[] {1})
                .recordLastSeen().events(List.of(), new byte[] {11});
        PositionBatch later = TestBatches.exact(70L, T0 + 10_000, 2).switchVersion(version(70L))
                .deviceState(new byte[] {2}).events(List.of(), new byte[] {12});
        PositionBatch seenOnly = TestBatches.exact(71L, T0, 2).switchVersion(version(71L)).recordLastSeen();
        PositionBatch stateOnly = TestBatches.exact(72L, T0, 2).switchVersion(version(72L)).deviceState(new byte[] {3});
        PositionBatch eventStateOnly = TestBatches.exact(73L, T0, 2).switchVersion(version(73L))
                .events(List.of(), new byte[] {4});

        inserter.insert(List.of(first, seenOnly, later, stateOnly, eventStateOnly));

        assertArrayEquals(new byte[] {2}, sealer.openDeviceState(70, queryBytes(
                "SELECT privacy_state FROM devices WHERE imei = 70")), "the later batch's state");
        assertArrayEquals(new byte[] {12}, queryBytes("SELECT state FROM device_event_state WHERE imei = 70"));
        assertEquals(first.receivedAtMillis(), queryLong("SELECT (extract(epoch FROM last_seen_at) * 1000)::bigint"
                + " FROM devices WHERE imei = 70"), "the only batch that records it");
        assertEquals(seenOnly.receivedAtMillis(), queryLong("SELECT (extract(epoch FROM last_seen_at) * 1000)"
                + "::bigint FROM devices WHERE imei = 71"));
        assertArrayEquals(new byte[] {9}, queryBytes("SELECT privacy_state FROM devices WHERE imei = 71"),
                "a batch without a state leaves the saved one");
        assertEquals(1, queryLong("SELECT count(*) FROM devices WHERE imei = 72 AND last_seen_at IS NULL"
                + " AND privacy_state_updated_at = date_trunc('day', privacy_state_updated_at)"),
                "saved, its time to the day: the last frame of a device that sleeps once parked at home would"
                        + " time the way there to the minute");
        assertEquals(1, queryLong("SELECT count(*) FROM device_event_state WHERE imei = 73"
                + " AND updated_at = date_trunc('day', updated_at)"), "the event state's time to the day too");
        assertArrayEquals(new byte[] {3}, sealer.openDeviceState(72, queryBytes(
                "SELECT privacy_state FROM devices WHERE imei = 72")));

        assertArrayEquals(new byte[] {4}, queryBytes("SELECT state FROM device_event_state WHERE imei = 73"));
        assertEquals(1, queryLong("SELECT count(*) FROM devices WHERE imei = 73 AND last_seen_at IS NULL"
                + " AND privacy_state IS NULL AND privacy_state_updated_at IS NULL"), "its row left as it was");

        // A slow writer's older frame does not move the last-seen time back.
        inserter.insert(List.of(TestBatches.exact(71L, T0 - 60_000, 2).switchVersion(version(71L)).recordLastSeen()));
        assertEquals(seenOnly.receivedAtMillis(), queryLong("SELECT (extract(epoch FROM last_seen_at) * 1000)"
                + "::bigint FROM devices WHERE imei = 71"));
    }

    @Test
    void aPositionWebhookOfTheFleetQueuesTheNewPositionsOfCheckedAndUncheckedBatches() throws Exception {
        long tenant = queryLong("INSERT INTO tenants (name) VALUES ('hooked') RETURNING id");
        long other = queryLong("INSERT INTO tenants (name) VALUES ('not-hooked') RETURNING id");
        execute("INSERT INTO devices (imei, tenant_id) VALUES (80, " + tenant + "), (81, " + other + ")");
        execute("INSERT INTO webhooks (tenant_id, url, kinds, secret, created_by) VALUES (" + tenant
                + ", 'https://example.com/hook', ARRAY['position'], 'sealed', 'test')");
        PositionInserter inserter = new PositionInserter(dataSource, true, sealer);

        PositionInserter.Result checked = inserter.insert(List.of(
                TestBatches.exact(81L, T0, 2).switchVersion(version(81L)),
                TestBatches.exact(80L, T0, 2).switchVersion(version(80L))));
        PositionInserter.Result unchecked = inserter.insert(List.of(TestBatches.exact(80L, T0 + 10_000, 3)));
        PositionInserter.Result notHooked = inserter.insert(List.of(TestBatches.exact(81L, T0 + 10_000, 2)
                .switchVersion(version(81L))));

        assertEquals(2, checked.queued(), "the hooked fleet's two positions, not the other fleet's");
        assertEquals(3, unchecked.queued());
        assertEquals(0, notHooked.queued());
        assertEquals(PositionInserter.CopyPath.DIRECT, notHooked.path());
        assertEquals(5, queryLong("SELECT count(*) FROM webhook_deliveries WHERE imei = 80 AND sink = 'webhook'"));
    }

    @Test
    void writesManyDevicesConcurrently() throws Exception {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int batch = 0; batch < 20; batch++) {
            for (long device = 1000; device < 1050; device++) {
                futures.add(submit(writer, TestBatches.exact(device, T0 + batch * 10_000L, 10)));
            }
        }
        await(CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)));
        assertEquals(20 * 50 * 10, count("imei BETWEEN 1000 AND 1049"));
    }

    @Test
    void aFailedTransactionFailsItsBatchesAndTheWriterGoesOn() throws Exception {
        try (PositionWriter noDedup = PositionWriter.start(dataSource,
                WriterSettings.defaults().withThreads(1).withDeduplicate(false), sealer, new SimpleMeterRegistry())) {
            await(submit(noDedup, TestBatches.exact(33L, T0, 5)));
            // Without the dedup step a resend violates the unique key: the batch must fail, never be acked.
            CompletableFuture<Void> resend = submit(noDedup, TestBatches.exact(33L, T0, 5));
            Throwable failure = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> await(resend));
            assertEquals(FailureCause.CONSTRAINT, FailureCause.of(failure));
            await(submit(noDedup, TestBatches.exact(33L, T0 + 60_000, 5)));
            noDedup.close(Duration.ofSeconds(30));
        }
        assertEquals(10, count("imei = 33"));
    }

    long sealedCount(long imei) throws SQLException {
        return queryLong("SELECT count(*) FROM sealed_positions WHERE imei = " + imei);
    }

    @Test
    void sealedRecordsAreWrittenEncryptedBesideTheirBatchesPositions() throws Exception {
        long imei = 44L;
        PositionBatch batch = TestBatches.exact(imei, T0, 4);
        TestBatches.seal(batch, 1, 3);
        batch.sealed(T0 + 86_400_000L, new byte[] {0, 5, 0, 7});
        double writtenBefore = registry.get(SealedStore.WRITTEN_METER).counter().count();

        await(submit(writer, batch));

        assertEquals(2, count("imei = " + imei), "only the decided records go to positions");
        assertEquals(2, count("imei = " + imei + " AND device_time IN ('2026-01-01T00:00:00Z',"
                + " '2026-01-01T00:00:02Z')"));
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT extract(epoch FROM device_time) * 1000, event_io,"
                     + " extract(epoch FROM received_at) * 1000, extract(epoch FROM expires_at) * 1000, key_id"
                     + " FROM sealed_positions WHERE imei = " + imei + " ORDER BY device_time")) {
            for (long t : new long[] {T0 + 1000, T0 + 3000}) {
                assertTrue(rs.next());
                assertEquals(t, rs.getLong(1));
                assertEquals(0, rs.getInt(2));
                assertEquals(batch.receivedAtMillis(), rs.getLong(3));
                assertEquals(T0 + 86_400_000L, rs.getLong(4));
                assertEquals(sealer.sealingKeyId(), rs.getString(5));
            }
            assertTrue(!rs.next());
        }
        SealedRecords sealed = new SealedRecords();
        assertEquals(2, sealedStore.load(imei, sealed));
        PositionBatch original = TestBatches.exact(imei, T0, 4);
        assertEquals(SealedRecordsFixture.describe(original.records(), 1),
                SealedRecordsFixture.describe(sealed.records(), 0));
        assertEquals(SealedRecordsFixture.describe(original.records(), 3),
                SealedRecordsFixture.describe(sealed.records(), 1));
        assertEquals(5, sealed.flags(0));
        assertEquals(7, sealed.flags(1));
        assertEquals(T0 + 86_400_000L, sealed.expiresAtMillis(1));
        assertEquals(writtenBefore + 2, registry.get(SealedStore.WRITTEN_METER).counter().count(), 0.0);
    }

    @Test
    void aResentSealedRecordIsStoredOnce() throws Exception {
        long imei = 45L;
        for (int i = 0; i < 3; i++) {
            PositionBatch batch = TestBatches.seal(TestBatches.exact(imei, T0, 3), 0, 1, 2);
            batch.sealed(T0 + 60_000, null);
            await(submit(writer, batch));
        }
        assertEquals(3, sealedCount(imei));
        assertEquals(0, count("imei = " + imei));
    }

    @Test
    void resolvedKeysAreDeletedWithTheDecidedRecordsInOneTransaction() throws Exception {
        long imei = 46L;
        PositionBatch undecided = TestBatches.seal(TestBatches.exact(imei, T0, 3), 0, 1, 2);
        await(submit(writer, undecided.sealed(T0 + 60_000, null)));
        assertEquals(3, sealedCount(imei));

        // The trip's start arrived: records 0 and 1 are decided (stored exact), record 2 destroyed.
        PositionBatch decided = TestBatches.exact(imei, T0, 2);
        decided.resolved(new long[] {T0, T0 + 1000, T0 + 2000, 0}, new int[] {0, 0, 0, 0}, 3);
        await(submit(writer, decided));

        assertEquals(0, sealedCount(imei));
        assertEquals(2, count("imei = " + imei));
    }

    @Test
    void inOneTransactionTheLaterBatchOfADeviceDecidesWhetherARowStaysSealed() throws Exception {
        PositionInserter inserter = new PositionInserter(dataSource, true, sealer);
        long sealedThenResolved = 47L;
        PositionBatch seal = TestBatches.seal(TestBatches.exact(sealedThenResolved, T0, 2), 0, 1)
                .sealed(T0 + 60_000, null);
        PositionBatch decide = TestBatches.exact(sealedThenResolved, T0, 2)
                .resolved(new long[] {T0, T0 + 1000}, new int[] {0, 0}, 2);
        long resolvedThenSealed = 147L;
        PositionBatch resolveNothing = TestBatches.exact(resolvedThenSealed, T0 + 10_000, 1)
                .resolved(new long[] {T0}, new int[] {0}, 1);
        PositionBatch sealAfter = TestBatches.seal(TestBatches.exact(resolvedThenSealed, T0, 1), 0)
                .sealed(T0 + 60_000, null);

        PositionInserter.Result result = inserter.insert(List.of(seal, resolveNothing, decide, sealAfter));

        assertEquals(0, sealedCount(sealedThenResolved), "sealed, then resolved by a later batch: gone");
        assertEquals(2, count("imei = " + sealedThenResolved));
        assertEquals(1, sealedCount(resolvedThenSealed), "resolved, then sealed by a later batch: sealed");
        assertEquals(1, result.sealed());
    }

    @Test
    void aFailedTransactionStoresNoSealedRowAndDeletesNoResolvedOne() throws Exception {
        long imei = 48L;
        await(submit(writer, TestBatches.seal(TestBatches.exact(imei, T0, 1), 0).sealed(T0 + 60_000, null)));
        // The database refuses one marked sealed row, after the positions and the deletions were written.
        execute("CREATE FUNCTION refuse_sealed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " RAISE EXCEPTION 'refused for the test'; END $$");
        execute("CREATE TRIGGER refuse_sealed BEFORE INSERT ON sealed_positions FOR EACH ROW"
                + " WHEN (NEW.event_io = 4242) EXECUTE FUNCTION refuse_sealed()");
        try {
            PositionBatch batch = TestBatches.exact(imei, T0 + 10_000, 2);
            batch.records().setEventIo(1, 4242);
            TestBatches.seal(batch, 1).sealed(T0 + 60_000, null);
            batch.resolved(new long[] {T0}, new int[] {0}, 1);
            CompletableFuture<Void> failing = submit(writer, batch);
            org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> await(failing));
        } finally {
            execute("DROP TRIGGER refuse_sealed ON sealed_positions");
            execute("DROP FUNCTION refuse_sealed()");
        }
        assertEquals(0, count("imei = " + imei), "the failed batch's position must not be stored");
        assertEquals(1, sealedCount(imei), "the resolved row must still be there, the new one not");
        assertEquals(1, queryLong("SELECT count(*) FROM sealed_positions WHERE imei = " + imei + " AND event_io = 0"));
    }

    /**
     * Three records of one millisecond: a periodic one, and two whose event IDs (iButton 78, geofence 155) the policy
     * withheld, so all three read event 0. Each must be stored, once, and a resend through another instance's writer
     * must add nothing; the rows tell neither the withheld IDs nor which row had one.
     */
    private static PositionBatch oneMillisecondWithWithheldEvents(long imei) {
        AvlBatch records = new AvlBatch();
        int[] events = {78, 0, 155};
        for (int i = 0; i < events.length; i++) {
            records.addRecord(T0, 1, 250_000_000 + i, 540_000_000, 120, 90, 9, 55, events[i], AvlBatch.NO_GENERATION);
            records.addIo(16, 4, 1_000 + i);
            if (events[i] != 0) {
                records.withholdEventIo(i);
            }
        }
        byte[] treatments = new byte[events.length];
        java.util.Arrays.fill(treatments, Treatment.EXACT.code());
        return new PositionBatch(imei, T0 + 1000, records, treatments);
    }

    @Test
    void recordsOfOneMillisecondWhoseEventsWereWithheldAreEachStoredOnceAcrossInstances() throws Exception {
        long imei = 356_307_042_441_078L;
        await(submit(writer, oneMillisecondWithWithheldEvents(imei)));
        // The device resends the frame to another instance: its own writer, the deployment's shared secret.
        try (PositionWriter other = PositionWriter.start(dataSource, WriterSettings.defaults().withThreads(1),
                TestBatches.sealer(), new SimpleMeterRegistry())) {
            await(submit(other, oneMillisecondWithWithheldEvents(imei)));
        }
        assertEquals(List.of(250_000_000L, 250_000_001L, 250_000_002L), longs("SELECT longitude FROM positions"
                + " WHERE imei = " + imei + " ORDER BY longitude"), "each record once");
        assertEquals(List.of(0L), longs("SELECT DISTINCT event_io FROM positions WHERE imei = " + imei));
        List<Long> keys = longs("SELECT record_key FROM positions WHERE imei = " + imei + " ORDER BY longitude");
        assertEquals(3, new java.util.HashSet<>(keys).size(), "three keys: " + keys);
        for (long key : keys) {
            assertFalse(key == 0 || key == 78 || key == 155, "a key that names or marks an event: " + keys);
        }
        // The same records of another device: other keys, so equal keys never say "equal events" across devices.
        await(submit(writer, oneMillisecondWithWithheldEvents(imei + 1)));
        List<Long> others = longs("SELECT record_key FROM positions WHERE imei = " + (imei + 1));
        assertTrue(java.util.Collections.disjoint(keys, others), keys + " and " + others);
    }

    @Test
    void eachRecordOfOneMillisecondWhoseEventWasWithheldIsForwardedOnceWithItsOwnPosition() throws Exception {
        long imei = 356_307_042_441_090L;
        long tenant = queryLong("INSERT INTO tenants (name) VALUES ('withheld-forwarded') RETURNING id");
        execute("INSERT INTO devices (imei, tenant_id) VALUES (" + imei + ", " + tenant + ")");
        try (PositionWriter forwarding = PositionWriter.start(dataSource, WriterSettings.defaults().withThreads(1),
                sealer, true, new SimpleMeterRegistry())) {
            await(submit(forwarding, oneMillisecondWithWithheldEvents(imei)));
            await(submit(forwarding, oneMillisecondWithWithheldEvents(imei))); // resent
        }
        List<Long> forwarded = new ArrayList<>();
        try (KafkaOutbox.Claim claim = new KafkaOutbox(dataSource).claim(10_000, Duration.ofMinutes(1),
                Duration.ofMinutes(1))) {
            for (KafkaOutbox.Pending pending : claim.rows()) {
                if (pending.imei() == imei) {
                    assertEquals(0, pending.position().eventIo());
                    forwarded.add((long) pending.position().point().longitudeE7());
                }
            }
        }
        forwarded.sort(null);
        assertEquals(List.of(250_000_000L, 250_000_001L, 250_000_002L), forwarded, "each record once, as stored");
    }

    @Test
    void aWriterWithoutASealerIsRefusedAtStart() {
        // The sealer seals undecided records and keeps the secret the rows' record keys derive from.
        NullPointerException refused = org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class,
                () -> PositionWriter.start(dataSource, WriterSettings.defaults().withThreads(1), null,
                        new SimpleMeterRegistry()));
        assertTrue(String.valueOf(refused.getMessage()).contains("sealer"), refused.toString());
    }

    private static Map<Integer, String> io(byte[] stored) {
        Map<Integer, String> elements = new TreeMap<>();
        IoElementsFormat.decode(stored, new IoElementsFormat.Visitor() {
            @Override
            public void fixed(int id, int width, long value) {
                elements.put(id, Long.toUnsignedString(value));
            }

            @Override
            public void variable(int id, byte[] src, int offset, int length) {
                byte[] copy = java.util.Arrays.copyOfRange(src, offset, offset + length);
                assertArrayEquals(copy, java.util.Arrays.copyOfRange(src, offset, offset + length));
                elements.put(id, java.util.Arrays.toString(copy));
            }
        });
        return elements;
    }

    @Test
    void forwardingQueuesOneRowPerNewMaskedPositionAndNoneForPrivateSealedOrResentRecords() throws Exception {
        long imei = 356_307_042_441_300L;
        long tenant = queryLong("INSERT INTO tenants (name) VALUES ('forwarded') RETURNING id");
        execute("INSERT INTO devices (imei, tenant_id) VALUES (" + imei + ", " + tenant + ")");
        await(submit(writer, TestBatches.exact(imei, T0 + 5_000_000, 3)));
        assertEquals(0, queryLong("SELECT count(*) FROM webhook_deliveries WHERE imei = " + imei),
                "no Kafka and no position webhook: nothing queued");
        execute("INSERT INTO webhooks (tenant_id, url, kinds, secret, created_by) VALUES (" + tenant
                + ", 'https://example.com/hook', ARRAY['position'], 'sealed', 'test')");
        PositionWriter forwarding = PositionWriter.start(dataSource, WriterSettings.defaults(), sealer, true,
                new SimpleMeterRegistry());
        try {
            byte[] treatments = {Treatment.EXACT.code(), Treatment.PRIVATE.code(), Treatment.COARSENED.code(),
                    Treatment.ZONE.code(), Treatment.SEALED.code()};
            for (int send = 0; send < 2; send++) { // the second send is the device resending the frame
                PositionBatch batch = TestBatches.exact(imei, T0 + 6_000_000, 5);
                await(submit(forwarding, batch.set(imei, batch.receivedAtMillis(), batch.records(), treatments)));
            }
        } finally {
            forwarding.close();
        }
        for (String sink : new String[] {"webhook", "kafka"}) {
            assertEquals(List.of(T0 + 6_000_000, T0 + 6_002_000), longs("SELECT (extract(epoch FROM device_time)"
                    + " * 1000)::bigint FROM webhook_deliveries WHERE payload IS NULL AND event_io = 0 AND imei = "
                    + imei + " AND sink = '" + sink + "' ORDER BY device_time"), sink + ": the exact and the coarsened"
                    + " record, once");
        }
    }

    @Test
    void aFailedStatementsMessageRepeatsNoValueOfItsRow() throws Exception {
        // The writer and the API log the message of a failure; the server's detail ("Failing row contains ...") and
        // a failed batch's statement with its parameters would put a row's values (a position, an IMEI) in the log.
        long imei = 356_111_222_333_444L;
        try (Connection c = dataSource.getConnection();
             java.sql.PreparedStatement st = c.prepareStatement("INSERT INTO devices (imei, tenant_id) VALUES (?, NULL)")) {
            st.setLong(1, imei);
            SQLException single = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, st::executeUpdate);
            st.addBatch();
            SQLException batch = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, st::executeBatch);
            for (SQLException e : List.of(single, batch)) {
                assertTrue(e.getMessage().contains("tenant_id"), "still says what failed: " + e.getMessage());
                assertFalse(e.getMessage().contains(String.valueOf(imei)), e.getMessage());
                SQLException next = e.getNextException();
                assertTrue(next == null || !next.getMessage().contains(String.valueOf(imei)), String.valueOf(next));
            }
        }
    }
}
