package dev.telemask.storage;

import dev.telemask.codec.AvlBatch;
import dev.telemask.privacy.ArrivalFlags;
import dev.telemask.privacy.Treatment;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@link SealedStore} and the sealed rows promise, run against each kind of database. */
abstract class SealedStoreContract extends DatabaseContract {
    static final long T0 = WriterContract.T0;
    static final Instant NOW = Instant.ofEpochMilli(T0 + 3_600_000L);

    PositionWriter writer;
    RecordSealer sealer;
    SealedStore store;
    SimpleMeterRegistry registry;

    @Override
    void prepare() {
        Migrations.migrate(dataSource);
        sealer = TestBatches.sealer();
        registry = new SimpleMeterRegistry();
        writer = PositionWriter.start(dataSource, WriterSettings.defaults(), sealer, new SimpleMeterRegistry());
        store = new SealedStore(dataSource, sealer, registry);
    }

    @Override
    void finish() throws InterruptedException {
        writer.close();
    }

    /** Seals {@code n} records of the device, one second apart from {@code first}, undecided until {@code until}. */
    void sealRecords(long imei, long first, int n, long until) throws Exception {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        PositionBatch batch = TestBatches.seal(TestBatches.exact(imei, first, n), all);
        byte[] flags = new byte[n];
        for (int i = 0; i < n; i++) {
            flags[i] = (byte) (i + 1);
        }
        WriterContract.await(WriterContract.submit(writer, batch.sealed(until, flags)));
    }

    @Test
    void loadOpensADevicesSealedRowsInDeviceTimeOrder() throws Exception {
        long imei = 501L;
        sealRecords(imei, T0 + 10_000, 2, T0 + 90_000);
        sealRecords(imei, T0, 3, T0 + 60_000);
        sealRecords(502L, T0, 1, T0 + 60_000);

        SealedRecords loaded = new SealedRecords();
        assertEquals(5, store.load(imei, loaded));
        long[] times = {T0, T0 + 1000, T0 + 2000, T0 + 10_000, T0 + 11_000};
        int[] flags = {1, 2, 3, 1, 2};
        for (int r = 0; r < 5; r++) {
            assertEquals(times[r], loaded.records().timestamp(r));
            assertEquals(flags[r], loaded.flags(r));
        }
        assertEquals(T0 + 60_000, loaded.expiresAtMillis(0));
        assertEquals(T0 + 90_000, loaded.expiresAtMillis(4));
        assertEquals(T0 + 3000, loaded.receivedAtMillis(0));
        assertEquals(TestBatches.exact(imei, T0, 1).records().latitude(0), loaded.records().latitude(0));

        assertEquals(0, store.load(503L, loaded), "load clears what it held");
    }

    /**
     * A record written sealed again (a twin of its key added a private-mode press while it waited) is one row: the later
     * sealing's flags, the first's arrival and expiry.
     */
    @Test
    void aRecordSealedAgainKeepsTheLaterFlagsAndTheFirstExpiry() throws Exception {
        long imei = 505L;
        PositionBatch first = TestBatches.seal(TestBatches.exact(imei, T0, 2), 0, 1);
        WriterContract.await(WriterContract.submit(writer, first.sealed(T0 + 60_000, new byte[] {0, 0})));
        PositionBatch again = TestBatches.seal(TestBatches.exact(imei, T0, 1), 0);
        WriterContract.await(WriterContract.submit(writer,
                again.sealed(T0 + 90_000, new byte[] {(byte) ArrivalFlags.MANUAL_PRIVATE})));

        SealedRecords loaded = new SealedRecords();
        assertEquals(2, store.load(imei, loaded));
        assertEquals(ArrivalFlags.MANUAL_PRIVATE, loaded.flags(0), "the press the second sealing carried");
        assertEquals(T0 + 60_000, loaded.expiresAtMillis(0), "expires when it first would have");
        assertEquals(0, loaded.flags(1), "the other record as it was");
        assertEquals(TestBatches.exact(imei, T0, 1).records().latitude(0), loaded.records().latitude(0));
    }

    @Test
    void aRowSealedWithAKeyNoLongerInTheRingIsSkippedAndCounted() throws Exception {
        long imei = 511L;
        sealRecords(imei, T0, 2, T0 + 60_000);
        RecordSealer otherRing = new RecordSealer(SealingKeys.of("other", new byte[32], "another ring"));
        SealedStore other = new SealedStore(dataSource, otherRing, registry);
        assertEquals(0, other.load(imei, new SealedRecords()));
        assertEquals(2.0, registry.get(SealedStore.UNREADABLE_METER).counter().count(), 0.0);
        assertEquals(2, store.load(imei, new SealedRecords()));
    }

    @Test
    void expiryMakesOverdueRowsPrivatePositionsInOneTransaction() throws Exception {
        long a = 521L;
        long b = 522L;
        sealRecords(a, T0, 3, NOW.toEpochMilli() - 1);
        sealRecords(b, T0, 1, NOW.toEpochMilli() - 1);
        sealRecords(b, T0 + 5000, 1, NOW.toEpochMilli() + 60_000); // not due yet
        List<String> calls = new ArrayList<>();

        int expired = store.expireDue(NOW, 1000, (imei, records, treatments) -> {
            StringBuilder call = new StringBuilder().append(imei).append(':');
            for (int r = 0; r < records.size(); r++) {
                call.append(' ').append(records.timestamp(r) - T0);
                records.clearLocation(r);
                treatments[r] = Treatment.PRIVATE.code();
            }
            if (imei == a) {
                treatments[2] = Treatment.DROPPED.code();
            }
            calls.add(call.toString());
        });

        assertTrue(expired >= 4, "all four due rows (and any due row of the other tests)");
        assertTrue(calls.contains(a + ": 0 1000 2000"), calls.toString());
        assertTrue(calls.contains(b + ": 0"), calls.toString());
        assertEquals(0, sealedCount(a));
        assertEquals(1, sealedCount(b), "the row not yet due stays sealed");
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT imei, extract(epoch FROM device_time) * 1000,"
                     + " extract(epoch FROM receive_time) * 1000, latitude, longitude, speed, treatment"
                     + " FROM positions WHERE imei IN (" + a + ", " + b + ") ORDER BY imei, device_time")) {
            for (long[] expected : new long[][] {{a, T0}, {a, T0 + 1000}, {b, T0}}) {
                assertTrue(rs.next());
                assertEquals(expected[0], rs.getLong(1));
                assertEquals(expected[1], rs.getLong(2));
                assertEquals(expected[0] == a ? T0 + 3000 : T0 + 1000, rs.getLong(3), "the frame's receive time");
                for (int column = 4; column <= 6; column++) {
                    rs.getObject(column);
                    assertTrue(rs.wasNull(), "a private record has no location");
                }
                assertEquals(Treatment.PRIVATE.code(), rs.getInt(7));
            }
            assertFalse(rs.next(), "the dropped record is destroyed, not stored");
        }
        assertTrue(registry.get(SealedStore.DELETED_METER).tag("reason", "expired").counter().count() >= 4);
        assertEquals(queryLong("SELECT count(*) FROM sealed_positions"),
                registry.get(SealedStore.PENDING_METER).gauge().value(), 0.0);
    }

    @Test
    void expiryStoresNothingOfADeviceWhosePolicyDropsPrivateRecords() throws Exception {
        long imei = 526L;
        long tenant = queryLong("INSERT INTO tenants (name) VALUES ('drops-private') RETURNING id");
        long policy = queryLong("INSERT INTO policies (tenant_id, name) VALUES (" + tenant + ", 'drop') RETURNING id");
        execute("INSERT INTO policy_versions (policy_id, version, document, created_by) VALUES (" + policy
                + ", 1, '{\"privateTrips\": {\"privateRecords\": \"drop\"}}', 'ann')");
        execute("INSERT INTO devices (imei, tenant_id, policy_id) VALUES (" + imei + ", " + tenant + ", " + policy
                + ")");
        sealRecords(imei, T0, 2, NOW.toEpochMilli() - 1);

        // The masker makes them private time entries, as it does for every device (it has not the device's policy).
        store.expireDue(NOW, 1000, (device, records, treatments) -> {
            for (int r = 0; r < records.size(); r++) {
                records.clearLocation(r);
                treatments[r] = Treatment.PRIVATE.code();
            }
        });

        assertEquals(0, sealedCount(imei));
        assertEquals(0, queryLong("SELECT count(*) FROM positions WHERE imei = " + imei),
                "a private record of a device whose policy drops them is not stored, expired or not");
    }

    @Test
    void expiryIsBoundedAndLeavesRowsAnotherTransactionHoldsLocked() throws Exception {
        long imei = 531L;
        Instant later = Instant.ofEpochMilli(T0 + 30L * 86_400_000L);
        sealRecords(imei, T0 + 7 * 86_400_000L, 4, later.toEpochMilli() - 1);
        ExpiredRecords toPrivate = (device, records, treatments) -> {
            for (int r = 0; r < records.size(); r++) {
                records.clearLocation(r);
                treatments[r] = Treatment.PRIVATE.code();
            }
        };
        // Expire everything else that is due first, so that what follows counts only this device's rows.
        while (store.expireDue(Instant.ofEpochMilli(later.toEpochMilli() - 2), 1000, toPrivate) > 0) {
            // drain
        }
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement lock = other.prepareStatement("SELECT 1 FROM sealed_positions WHERE imei = ?"
                    + " AND device_time = ? FOR UPDATE")) {
                lock.setLong(1, imei);
                lock.setObject(2, java.time.OffsetDateTime.ofInstant(Instant.ofEpochMilli(T0 + 7 * 86_400_000L),
                        java.time.ZoneOffset.UTC));
                lock.executeQuery().close();
            }
            assertEquals(2, store.expireDue(later, 2, toPrivate));
            assertEquals(1, store.expireDue(later, 2, toPrivate), "the locked row is skipped, not waited for");
            other.rollback();
        }
        assertEquals(1, store.expireDue(later, 2, toPrivate));
        assertEquals(0, sealedCount(imei));
        assertEquals(4, queryLong("SELECT count(*) FROM positions WHERE imei = " + imei));
    }

    @Test
    void aDatabaseDumpHoldsNoCoordinateOfASealedRecord() throws Exception {
        long imei = 541L;
        int latitude = 523_456_789;
        int longitude = 134_567_891;
        AvlBatch records = new AvlBatch();
        records.addRecord(T0, 1, longitude, latitude, 37, 181, 11, 63, 0, AvlBatch.NO_GENERATION);
        records.addIo(16, 4, 77_777L);
        records.addRecord(T0 + 1000, 1, longitude + 1, latitude + 1, 37, 181, 11, 63, 0, AvlBatch.NO_GENERATION);
        PositionBatch batch = new PositionBatch(imei, T0 + 5000, records,
                new byte[] {Treatment.SEALED.code(), Treatment.SEALED.code()}).sealed(T0 + 60_000, null);
        WriterContract.await(WriterContract.submit(writer, batch));

        SealedRecords loaded = new SealedRecords();
        assertEquals(2, store.load(imei, loaded), "the records are there, sealed");
        assertEquals(latitude, loaded.records().latitude(0));

        String dump = dump();
        assertTrue(dump.contains("sealed_positions") && dump.contains(Long.toString(imei)), "the dump covers the row");
        List<String> secrets = new ArrayList<>();
        for (int value : new int[] {latitude, longitude, latitude + 1, longitude + 1}) {
            secrets.add(Integer.toString(value));
            secrets.add(new java.math.BigDecimal(value).movePointLeft(7).toPlainString());
            secrets.add(String.format("%08x", value)); // as it would show in a bytea's hex
        }
        for (String secret : secrets) {
            assertFalse(dump.contains(secret), "the dump holds " + secret);
        }
    }

    /** Every row of every table of the test's schema as JSON text (bytea shows as hex), one per line. */
    private String dump() throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertTrue(tables.contains("sealed_positions") && tables.contains("positions"), tables.toString());
            for (String table : tables) {
                try (ResultSet rs = st.executeQuery("SELECT '" + table + " ' || row_to_json(t)::text FROM \""
                        + table + "\" t")) {
                    while (rs.next()) {
                        out.append(rs.getString(1)).append('\n');
                    }
                }
            }
        }
        return out.toString();
    }

    long sealedCount(long imei) throws SQLException {
        return queryLong("SELECT count(*) FROM sealed_positions WHERE imei = " + imei);
    }
}
