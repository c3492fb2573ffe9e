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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Values a device can send, which the codec lets through, at the edges of their wire widths and beyond what the
 * database holds: each is stored exactly as acknowledged, or its batch alone is refused and the other devices of its
 * transaction are stored.
 */
abstract class DeviceValuesContract extends DatabaseContract {
    static final long T0 = WriterContract.T0;
    /** 4713 BC is timestamptz's first day: a device time before it is a value the server refuses. */
    static final long BEFORE_TIMESTAMPTZ = -300_000_000_000_000L;
    static final String ROW = "(extract(epoch FROM device_time) * 1000)::bigint, (extract(epoch FROM receive_time)"
            + " * 1000)::bigint, priority, longitude, latitude, altitude, angle & 65535, satellites, speed, event_io, io,"
            + " treatment";

    RecordSealer sealer;
    SimpleMeterRegistry registry;

    @Override
    void prepare() {
        Migrations.migrate(dataSource);
        sealer = TestBatches.sealer();
    }

    /** A writer whose one thread takes {@code records} records into one transaction once they all wait. */
    PositionWriter oneTransactionOf(int records) {
        registry = new SimpleMeterRegistry();
        return PositionWriter.start(dataSource, WriterSettings.defaults().withThreads(1)
                .withLinger(Duration.ofMinutes(10), records), sealer, registry);
    }

    /** One record with every field at the far end of its wire width, and IO elements at theirs. */
    static AvlBatch extremeRecord(long time) {
        AvlBatch records = new AvlBatch();
        records.addRecord(time, 255, Integer.MIN_VALUE, Integer.MAX_VALUE, Short.MIN_VALUE, 65_535, 255, 65_535,
                65_535, 255);
        records.addIo(65_535, 8, Long.MIN_VALUE);
        records.addIo(65_534, 8, Long.MAX_VALUE);
        records.addIo(0, 8, -1L);
        records.addIo(1, 4, 0xFFFF_FFFFL);
        records.addIo(2, 2, 0xFFFF);
        records.addIo(3, 1, 0xFF);
        records.addNx(4, new byte[0], 0, 0);
        byte[] largest = new byte[65_535]; // an NX element's u16 length
        largest[0] = 7;
        largest[largest.length - 1] = 9;
        records.addNx(5, largest, 0, largest.length);
        return records;
    }

    static PositionBatch one(long imei, AvlBatch records, Treatment treatment) {
        return new PositionBatch(imei, T0 + 5_000, records, new byte[] {treatment.code()});
    }

    static CompletableFuture<Void> submit(PositionWriter writer, PositionBatch batch) {
        return WriterContract.submit(writer, batch);
    }

    static Throwable failureOf(CompletableFuture<Void> done) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> WriterContract.await(done),
                "must not be acknowledged");
        return e.getCause();
    }

    long stored(long imei) throws SQLException {
        return queryLong("SELECT count(*) FROM positions WHERE imei = " + imei)
                + queryLong("SELECT count(*) FROM sealed_positions WHERE imei = " + imei);
    }

    @Test
    void aBatchTheDatabaseRefusesFailsAloneAndEveryOtherDeviceOfItsTransactionIsStored() throws Exception {
        PositionBatch before = TestBatches.exact(70L, T0, 3);
        PositionBatch refusedByServer = one(71L, extremeRecord(BEFORE_TIMESTAMPTZ), Treatment.EXACT);
        PositionBatch between = TestBatches.exact(72L, T0, 4);
        PositionBatch refusedSealed = one(73L, extremeRecord(Long.MAX_VALUE), Treatment.SEALED)
                .sealed(T0 + 86_400_000L, null);
        PositionBatch after = TestBatches.exact(74L, T0, 5);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        try (PositionWriter writer = oneTransactionOf(3 + 1 + 4 + 1 + 5)) {
            for (PositionBatch batch : List.of(before, refusedByServer, between, refusedSealed, after)) {
                done.add(submit(writer, batch));
            }
            WriterContract.await(done.get(0));
            WriterContract.await(done.get(2));
            WriterContract.await(done.get(4));
            assertEquals(FailureCause.DATA, FailureCause.of(failureOf(done.get(1))));
            assertEquals(FailureCause.DATA, FailureCause.of(failureOf(done.get(3))));
        }
        assertEquals(3, stored(70L));
        assertEquals(0, stored(71L));
        assertEquals(4, stored(72L));
        assertEquals(0, stored(73L));
        assertEquals(5, stored(74L));
        assertEquals(2, registry.get("telemask.storage.writer.refused.batches").counter().count());
        assertEquals(2, registry.get("telemask.storage.writer.failed.records").tag("cause", "data").counter().count(),
                "only the refused batches' records go unacknowledged");
    }

    @Test
    void aDeviceTimeBeyondWhatATimestampHoldsIsRefusedNotWrappedToAnotherTime() throws Exception {
        for (long time : new long[] {Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE / 1000 * 2}) {
            try (PositionWriter writer = oneTransactionOf(1)) {
                assertEquals(FailureCause.DATA, FailureCause.of(failureOf(
                        submit(writer, one(75L, extremeRecord(time), Treatment.EXACT)))));
            }
            assertEquals(0, stored(75L), "time " + time);
        }
    }

    @Test
    void everyFieldAtTheEdgeOfItsWireWidthIsStoredAsTheDeviceSentIt() throws Exception {
        try (PositionWriter writer = oneTransactionOf(1)) {
            WriterContract.await(submit(writer, one(76L, extremeRecord(T0), Treatment.EXACT)));
        }
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + ROW + " FROM positions WHERE imei = 76")) {
            rs.next();
            assertEquals(T0, rs.getLong(1));
            assertEquals(255, rs.getInt(3));
            assertEquals(Integer.MIN_VALUE, rs.getInt(4));
            assertEquals(Integer.MAX_VALUE, rs.getInt(5));
            assertEquals(Short.MIN_VALUE, rs.getInt(6));
            assertEquals(65_535, rs.getInt(7), "angle");
            assertEquals(255, rs.getInt(8));
            assertEquals(65_535, rs.getInt(9));
            assertEquals(65_535, rs.getInt(10));
            List<String> io = new ArrayList<>();
            IoElementsFormat.decode(rs.getBytes(11), new IoElementsFormat.Visitor() {
                @Override
                public void fixed(int id, int width, long value) {
                    io.add(id + "/" + width + "=" + value);
                }

                @Override
                public void variable(int id, byte[] src, int offset, int length) {
                    String ends = length == 0 ? "" : "=" + src[offset] + ".." + src[offset + length - 1];
                    io.add(id + "/nx" + length + ends);
                }
            });
            assertEquals(List.of("65535/8=" + Long.MIN_VALUE, "65534/8=" + Long.MAX_VALUE, "0/8=-1",
                    "1/4=4294967295", "2/2=65535", "3/1=255", "4/nx0", "5/nx65535=7..9"), io);
        }
        // What the API, the export and the forwarders read: the query's own reading of the heading.
        List<dev.telemask.storage.query.StoredPosition> read = new ArrayList<>();
        new dev.telemask.storage.query.PositionQuery(dataSource).stream(76L, new dev.telemask.storage.query.TimeWindow(
                java.time.Instant.ofEpochMilli(T0), java.time.Instant.ofEpochMilli(T0 + 1)), null, null, read::add);
        assertEquals(1, read.size());
        assertEquals(65_535, read.get(0).angle(), "angle as read");
        assertEquals(65_535, read.get(0).speed(), "speed as read");
    }

    @Test
    void aSealedRecordResolvedLaterIsStoredAsTheSameRecordStoredAtOnce() throws Exception {
        long direct = 77L;
        long sealedThenResolved = 78L;
        try (PositionWriter writer = oneTransactionOf(2)) {
            CompletableFuture<Void> a = submit(writer, one(direct, extremeRecord(T0), Treatment.EXACT));
            CompletableFuture<Void> b = submit(writer, one(sealedThenResolved, extremeRecord(T0), Treatment.SEALED)
                    .sealed(T0 + 86_400_000L, null));
            WriterContract.await(a);
            WriterContract.await(b);
        }
        SealedRecords restored = new SealedRecords();
        new SealedStore(dataSource, sealer, new SimpleMeterRegistry()).load(sealedThenResolved, restored);
        assertEquals(1, restored.size());
        AvlBatch decided = new AvlBatch();
        decided.appendRecord(restored.records(), 0);
        PositionBatch resolving = one(sealedThenResolved, decided, Treatment.EXACT)
                .resolved(new long[] {T0}, new int[] {65_535}, 1);
        try (PositionWriter writer = oneTransactionOf(1)) {
            WriterContract.await(submit(writer, resolving));
        }
        assertEquals(0, queryLong("SELECT count(*) FROM sealed_positions WHERE imei = " + sealedThenResolved));
        assertEquals(rows(direct), rows(sealedThenResolved));
    }

    @Test
    void theMostRecordsAndElementsAFrameHoldsAreStoredWholeDecidedOrSealedThenResolved() throws Exception {
        // 255 records (a frame's count is one byte), the first with as many 1-byte elements as a 64 KiB frame holds
        // in Codec 8E (3 bytes each), every ID from 0 up.
        AvlBatch records = new AvlBatch();
        for (int r = 0; r < 255; r++) {
            records.addRecord(T0 + r, r, r, -r, r, r, r, r, r, AvlBatch.NO_GENERATION);
            for (int e = 0, n = r == 0 ? 21_000 : 1; e < n; e++) {
                records.addIo(e, 1, e & 0xFF);
            }
        }
        byte[] exact = new byte[255];
        byte[] sealed = new byte[255];
        java.util.Arrays.fill(exact, Treatment.EXACT.code());
        java.util.Arrays.fill(sealed, Treatment.SEALED.code());
        long direct = 82L;
        long resolvedLater = 83L;
        try (PositionWriter writer = oneTransactionOf(2 * 255)) {
            CompletableFuture<Void> a = submit(writer, new PositionBatch(direct, T0 + 5_000, records, exact));
            CompletableFuture<Void> b = submit(writer, new PositionBatch(resolvedLater, T0 + 5_000, records, sealed)
                    .sealed(T0 + 86_400_000L, null));
            WriterContract.await(a);
            WriterContract.await(b);
        }
        SealedRecords restored = new SealedRecords();
        new SealedStore(dataSource, sealer, new SimpleMeterRegistry()).load(resolvedLater, restored);
        assertEquals(255, restored.size());
        long[] times = new long[255];
        int[] events = new int[255];
        for (int r = 0; r < 255; r++) {
            times[r] = T0 + r;
            events[r] = r;
        }
        try (PositionWriter writer = oneTransactionOf(255)) {
            WriterContract.await(submit(writer, new PositionBatch(resolvedLater, T0 + 5_000, restored.records(),
                    exact).resolved(times, events, 255)));
        }
        assertEquals(0, queryLong("SELECT count(*) FROM sealed_positions WHERE imei = " + resolvedLater));
        assertEquals(21_000 * 4, queryLong("SELECT length(io) FROM positions WHERE imei = " + direct
                + " AND event_io = 0"));
        assertEquals(rows(direct), rows(resolvedLater));
    }

    @Test
    void ofTwoRecordsOfOneKeyInOneBatchTheFirstIsStoredDecidedOrSealed() throws Exception {
        for (Treatment treatment : List.of(Treatment.EXACT, Treatment.SEALED)) {
            long imei = treatment == Treatment.EXACT ? 79L : 80L;
            AvlBatch records = new AvlBatch();
            records.addRecord(T0, 1, 250_000_000, 540_000_000, 100, 10, 9, 50, 0, AvlBatch.NO_GENERATION);
            records.addRecord(T0, 1, 260_000_000, 550_000_000, 200, 20, 9, 60, 0, AvlBatch.NO_GENERATION);
            PositionBatch batch = new PositionBatch(imei, T0 + 5_000, records,
                    new byte[] {treatment.code(), treatment.code()}).sealed(T0 + 86_400_000L, null);
            try (PositionWriter writer = oneTransactionOf(2 + 1)) {
                // Beside another device's batch: the unique violation must not cost it its transaction.
                CompletableFuture<Void> other = submit(writer, TestBatches.exact(81L + imei, T0, 1));
                WriterContract.await(submit(writer, batch));
                WriterContract.await(other);
            }
            assertEquals(1, stored(imei), treatment.name());
            assertEquals(1, stored(81L + imei));
            if (treatment == Treatment.EXACT) {
                assertEquals(250_000_000, queryLong("SELECT longitude FROM positions WHERE imei = " + imei));
            } else {
                SealedRecords restored = new SealedRecords();
                new SealedStore(dataSource, sealer, new SimpleMeterRegistry()).load(imei, restored);
                assertEquals(250_000_000, restored.records().longitude(0));
            }
        }
    }

    private List<Object> rows(long imei) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + ROW + " FROM positions WHERE imei = " + imei
                     + " ORDER BY device_time, event_io")) {
            List<Object> values = new ArrayList<>();
            while (rs.next()) {
                for (int i = 1; i <= 12; i++) {
                    Object value = rs.getObject(i);
                    values.add(value instanceof byte[] bytes ? java.util.HexFormat.of().formatHex(bytes) : value);
                }
            }
            return values;
        }
    }
}
