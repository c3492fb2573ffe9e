package dev.telemask.bench.storage;

import com.zaxxer.hikari.HikariDataSource;
import dev.telemask.codec.AvlBatch;
import dev.telemask.privacy.Treatment;
import dev.telemask.storage.BatchCallback;
import dev.telemask.storage.Migrations;
import dev.telemask.storage.PositionBatch;
import dev.telemask.storage.PositionWriter;
import dev.telemask.storage.RecordSealer;
import dev.telemask.storage.SealingKeys;
import dev.telemask.storage.StorageDatabase;
import dev.telemask.storage.WriterSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Rows/s into {@code positions} through the {@link PositionWriter}: transactions of 100, 1,000 and 10,000 records,
 * one and two writer threads, with and without the dedup step, next to the ceiling, the same COPY into a positions
 * table without indexes. A plain main (one long measured run per case after a warm-up run) because each case is a
 * database load of seconds, not a microbenchmark.
 *
 * <p>With a third argument {@code sealed}, it compares instead the default writer (dedup, two threads, 10,000-record
 * transactions) with 0 % and with 10 % of the records sealed (undecided: encrypted into {@code sealed_positions}),
 * alternating the two cases twice in one run.
 *
 * <p>With {@code optimistic}, it compares the default writer, with no and with 1 % resent frames, against raw binary
 * COPY into the same indexed table, at 1,000 and 10,000 records per transaction.
 *
 * <p>With {@code cpu}, it measures the writer thread's CPU time per record instead ({@link WriterCpuBenchmark}).
 *
 * <pre>telemask bench storage JDBC_URL [ROWS] [writers|sealed|optimistic|cpu]</pre>
 */
public final class PositionWriteBenchmark {
    private static final int RECORDS_PER_FRAME = 10;
    private static final int DEVICES = 1_000;
    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static final RecordSealer SEALER = new RecordSealer(SealingKeys.of("bench", new byte[32], "a fixed key"));

    private enum Target {
        DEDUP("writer, exactly once"), NO_DEDUP("COPY into positions"), NO_INDEX_CEILING("COPY, no index");

        final String label;

        Target(String label) {
            this.label = label;
        }
    }

    private PositionWriteBenchmark() {
    }

    /** What {@link #run} compares: every writer set-up, sealed against plain rows, or the writer against raw COPY. */
    public enum Comparison { WRITERS, SEALED, OPTIMISTIC, CPU }

    /** Runs {@code comparison} with {@code rows} rows per case against the TimescaleDB at {@code url}. */
    public static void run(String url, int rows, Comparison comparison) throws Exception {
        if (comparison == Comparison.SEALED) {
            compareSealed(url, rows);
            return;
        }
        if (comparison == Comparison.OPTIMISTIC) {
            compareWithRawCopy(url, rows);
            return;
        }
        if (comparison == Comparison.CPU) {
            WriterCpuBenchmark.run(url, rows);
            return;
        }
        System.out.printf("%d rows per case (%d-record frames from %d devices), after a warm-up run%n", rows,
                RECORDS_PER_FRAME, DEVICES);
        System.out.printf("%-24s %8s %8s %12s%n", "target", "tx size", "writers", "rows/s");
        for (Target target : Target.values()) {
            for (int writers : new int[] {1, 2}) {
                for (int transaction : new int[] {100, 1_000, 10_000}) {
                    run(url, target, writers, transaction, Math.min(rows, 50_000), 0); // warm-up: JIT, caches
                    double rate = run(url, target, writers, transaction, rows, 0);
                    System.out.printf("%-24s %8d %8d %,12.0f%n", target.label, transaction, writers, rate);
                }
            }
        }
    }

    /**
     * The default writer (exactly once: optimistic COPY, deduplicating only resends), with no and with 1 % resent
     * frames, against raw binary COPY into the same indexed table (no dedup: a resend would fail it), at 1,000 and
     * 10,000 records per transaction with two writers; the three cases alternated, three rounds, in one run.
     */
    private static void compareWithRawCopy(String url, int rows) throws Exception {
        System.out.printf("%d records per case (%d-record frames from %d devices), 2 writers, after a warm-up run%n",
                rows, RECORDS_PER_FRAME, DEVICES);
        System.out.printf("%-34s %8s %12s %8s%n", "case", "tx size", "records/s", "of raw");
        for (int transaction : new int[] {1_000, 10_000}) {
            run(url, Target.DEDUP, 2, transaction, Math.min(rows, 50_000), 0, 1);
            run(url, Target.NO_DEDUP, 2, transaction, Math.min(rows, 50_000), 0, 0);
            for (int round = 0; round < 3; round++) {
                double raw = run(url, Target.NO_DEDUP, 2, transaction, rows, 0, 0);
                double writer = run(url, Target.DEDUP, 2, transaction, rows, 0, 0);
                double resent = run(url, Target.DEDUP, 2, transaction, rows, 0, 1);
                System.out.printf("%-34s %8d %,12.0f %8s%n", "raw COPY into positions", transaction, raw, "");
                System.out.printf("%-34s %8d %,12.0f %7.0f%%%n", "writer, no resends", transaction, writer,
                        100 * writer / raw);
                System.out.printf("%-34s %8d %,12.0f %7.0f%%%n", "writer, 1 % resent frames", transaction, resent,
                        100 * resent / raw);
            }
        }
    }

    /** The default writer with 0 % and 10 % sealed records, alternated so that drift in the machine hits both. */
    private static void compareSealed(String url, int rows) throws Exception {
        System.out.printf("%d records per case (%d-record frames from %d devices), dedup, 2 writers, 10,000 per"
                + " transaction, after a warm-up run%n", rows, RECORDS_PER_FRAME, DEVICES);
        run(url, Target.DEDUP, 2, 10_000, Math.min(rows, 50_000), 10);
        System.out.printf("%-8s %12s%n", "sealed", "records/s");
        for (int round = 0; round < 2; round++) {
            for (int sealed : new int[] {0, 10}) {
                double rate = run(url, Target.DEDUP, 2, 10_000, rows, sealed);
                System.out.printf("%6d %% %,12.0f%n", sealed, rate);
            }
        }
    }

    /**
     * One case in a fresh schema; returns records/s (positions and sealed rows) from first offer to last commit.
     * {@code sealedPercent} of each frame's records are sealed.
     */
    private static double run(String url, Target target, int writers, int transaction, int rows, int sealedPercent)
            throws Exception {
        return run(url, target, writers, transaction, rows, sealedPercent, 0);
    }

    /**
     * As above, and every {@code 100 / resentPercent}-th frame is sent again once committed (its acknowledgement
     * lost); records/s then counts the resent records too, as each is acknowledged. Checks that every distinct
     * record is stored once.
     */
    private static double run(String url, Target target, int writers, int transaction, int rows, int sealedPercent,
                              int resentPercent) throws Exception {
        String schema = "bench_" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
        try (HikariDataSource admin = StorageDatabase.pool(url, null, null, 1)) {
            execute(admin, "CREATE SCHEMA " + schema);
        }
        String separator = url.contains("?") ? "&" : "?";
        try (HikariDataSource pool = StorageDatabase.pool(url + separator + "currentSchema=" + schema + ",public",
                null, null, writers + 1)) {
            Migrations.migrate(pool);
            if (target == Target.NO_INDEX_CEILING) {
                execute(pool, "DROP INDEX positions_device_key");
            }
            byte[] treatments = treatments(sealedPercent);
            int frames = rows / RECORDS_PER_FRAME;
            int resendEvery = resentPercent > 0 ? 100 / resentPercent : 0;
            int resends = resentPercent > 0 ? (frames + resendEvery - 1) / resendEvery : 0;
            List<PositionBatch> batches = new ArrayList<>(frames);
            for (int i = 0; i < frames; i++) {
                batches.add(frame(i, treatments));
            }
            WriterSettings settings = WriterSettings.defaults().withThreads(writers)
                    .withMaxTransactionRecords(transaction).withDeduplicate(target == Target.DEDUP);
            CountDownLatch done = new CountDownLatch(frames + resends);
            AtomicInteger failures = new AtomicInteger();
            // Frames whose acknowledgement is "lost": once committed, the device sends them again.
            Queue<Integer> toResend = new ConcurrentLinkedQueue<>();
            PositionWriter writer = PositionWriter.start(pool, settings, SEALER, new SimpleMeterRegistry());
            long start = System.nanoTime();
            for (int i = 0; i < frames; i++) {
                int frame = i;
                offer(writer, batches.get(i), (b, failure) -> {
                    if (failure != null) {
                        failures.incrementAndGet();
                    } else if (resendEvery > 0 && frame % resendEvery == 0) {
                        toResend.add(frame);
                    }
                    done.countDown();
                });
                resend(writer, toResend, treatments, failures, done);
            }
            while (done.getCount() > 0 && System.nanoTime() - start < TimeUnit.MINUTES.toNanos(10)) {
                resend(writer, toResend, treatments, failures, done);
                LockSupport.parkNanos(100_000);
            }
            if (done.getCount() > 0) {
                throw new IllegalStateException("the writer did not finish in 10 minutes");
            }
            long nanos = System.nanoTime() - start;
            writer.close(Duration.ofSeconds(30));
            if (failures.get() > 0) {
                throw new IllegalStateException(failures.get() + " batches failed");
            }
            long stored = queryLong(pool, "SELECT count(*) FROM positions");
            if (stored != (long) frames * RECORDS_PER_FRAME * (100 - sealedPercent) / 100) {
                throw new IllegalStateException(stored + " rows stored for " + frames + " distinct frames");
            }
            execute(pool, "DROP SCHEMA " + schema + " CASCADE");
            long records = (long) (frames + resends) * RECORDS_PER_FRAME;
            return records * 1e9 / nanos;
        }
    }

    /**
     * Distinct frames: device d's k-th frame holds ten records one second apart, the first {@code sealedPercent}
     * of them sealed.
     */
    /** The first {@code sealedPercent} of each frame's records sealed, the rest exact. */
    private static byte[] treatments(int sealedPercent) {
        byte[] treatments = new byte[RECORDS_PER_FRAME];
        Arrays.fill(treatments, Treatment.EXACT.code());
        Arrays.fill(treatments, 0, sealedPercent * RECORDS_PER_FRAME / 100, Treatment.SEALED.code());
        return treatments;
    }

    private static void offer(PositionWriter writer, PositionBatch batch, BatchCallback callback) {
        while (!writer.offer(batch, callback)) {
            LockSupport.parkNanos(20_000); // the queue is full: the database is the bottleneck
        }
    }

    private static void resend(PositionWriter writer, Queue<Integer> toResend, byte[] treatments,
                               AtomicInteger failures, CountDownLatch done) {
        Integer frame;
        while ((frame = toResend.poll()) != null) {
            offer(writer, frame(frame, treatments), (b, failure) -> {
                if (failure != null) {
                    failures.incrementAndGet();
                }
                done.countDown();
            });
        }
    }

    private static long queryLong(HikariDataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Frame {@code i}: device {@code i % DEVICES}'s {@code i / DEVICES}-th frame. */
    private static PositionBatch frame(int i, byte[] treatments) {
        long t0 = 1_767_225_600_000L;
        long imei = 350_000_000_000_000L + i % DEVICES;
        long first = t0 + (long) (i / DEVICES) * RECORDS_PER_FRAME * 1000L;
        AvlBatch records = new AvlBatch();
        for (int r = 0; r < RECORDS_PER_FRAME; r++) {
            records.addRecord(first + r * 1000L, 0, 250_000_000 + i, 540_000_000 - r, 120, 90, 9, 55, 0,
                    AvlBatch.NO_GENERATION);
            records.addIo(239, 1, 1);
            records.addIo(240, 1, 1);
            records.addIo(66, 2, 12_800);
            records.addIo(16, 4, 1_000_000L + i);
            records.addIo(21, 1, 4);
        }
        return new PositionBatch(imei, first + 20_000, records, treatments).sealed(first + 86_400_000L, null);
    }

    private static void execute(HikariDataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
