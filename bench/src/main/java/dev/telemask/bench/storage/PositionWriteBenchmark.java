package dev.telemask.bench.storage;

import com.zaxxer.hikari.HikariDataSource;
import dev.telemask.codec.AvlBatch;
import dev.telemask.privacy.Treatment;
import dev.telemask.storage.Migrations;
import dev.telemask.storage.PositionBatch;
import dev.telemask.storage.PositionWriter;
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
 * <pre>java -cp bench/target/telemask-bench.jar dev.telemask.bench.storage.PositionWriteBenchmark JDBC_URL [ROWS]</pre>
 */
public final class PositionWriteBenchmark {
    private static final int RECORDS_PER_FRAME = 10;
    private static final int DEVICES = 1_000;
    private static final AtomicInteger SCHEMAS = new AtomicInteger();

    private enum Target {
        DEDUP("staging + ON CONFLICT"), NO_DEDUP("COPY into positions"), NO_INDEX_CEILING("COPY, no index");

        final String label;

        Target(String label) {
            this.label = label;
        }
    }

    private PositionWriteBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : System.getenv("TSDB_URL");
        if (url == null) {
            System.err.println("usage: PositionWriteBenchmark JDBC_URL [ROWS]  (or set TSDB_URL)");
            System.exit(2);
        }
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 300_000;
        System.out.printf("%d rows per case (%d-record frames from %d devices), after a warm-up run%n", rows,
                RECORDS_PER_FRAME, DEVICES);
        System.out.printf("%-24s %8s %8s %12s%n", "target", "tx size", "writers", "rows/s");
        for (Target target : Target.values()) {
            for (int writers : new int[] {1, 2}) {
                for (int transaction : new int[] {100, 1_000, 10_000}) {
                    run(url, target, writers, transaction, Math.min(rows, 50_000)); // warm-up: JIT, caches
                    double rate = run(url, target, writers, transaction, rows);
                    System.out.printf("%-24s %8d %8d %,12.0f%n", target.label, transaction, writers, rate);
                }
            }
        }
    }

    /** One case in a fresh schema; returns rows/s from first offer to last commit. */
    private static double run(String url, Target target, int writers, int transaction, int rows) throws Exception {
        String schema = "bench_" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
        try (HikariDataSource admin = StorageDatabase.pool(url, null, null, 1)) {
            execute(admin, "CREATE SCHEMA " + schema);
        }
        String separator = url.contains("?") ? "&" : "?";
        try (HikariDataSource pool = StorageDatabase.pool(url + separator + "currentSchema=" + schema + ",public",
                null, null, writers + 1)) {
            Migrations.migrate(pool);
            if (target == Target.NO_INDEX_CEILING) {
                execute(pool, "DROP INDEX positions_device_time");
            }
            List<PositionBatch> batches = frames(rows);
            WriterSettings settings = WriterSettings.defaults().withThreads(writers)
                    .withMaxTransactionRecords(transaction).withDeduplicate(target == Target.DEDUP);
            CountDownLatch done = new CountDownLatch(batches.size());
            AtomicInteger failures = new AtomicInteger();
            PositionWriter writer = PositionWriter.start(pool, settings, new SimpleMeterRegistry(), () -> { });
            long start = System.nanoTime();
            for (PositionBatch batch : batches) {
                while (!writer.offer(batch, (b, failure) -> {
                    if (failure != null) {
                        failures.incrementAndGet();
                    }
                    done.countDown();
                })) {
                    LockSupport.parkNanos(20_000); // the queue is full: the database is the bottleneck
                }
            }
            if (!done.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the writer did not finish in 10 minutes");
            }
            long nanos = System.nanoTime() - start;
            writer.close(Duration.ofSeconds(30));
            if (failures.get() > 0) {
                throw new IllegalStateException(failures.get() + " batches failed");
            }
            execute(pool, "DROP SCHEMA " + schema + " CASCADE");
            return rows * 1e9 / nanos;
        }
    }

    /** Distinct frames: device d's k-th frame holds ten records one second apart. */
    private static List<PositionBatch> frames(int rows) {
        long t0 = 1_767_225_600_000L;
        byte[] treatments = new byte[RECORDS_PER_FRAME];
        Arrays.fill(treatments, Treatment.EXACT.code());
        List<PositionBatch> batches = new ArrayList<>(rows / RECORDS_PER_FRAME);
        for (int i = 0; i < rows / RECORDS_PER_FRAME; i++) {
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
            batches.add(new PositionBatch(imei, first + 20_000, records, treatments));
        }
        return batches;
    }

    private static void execute(HikariDataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
