package dev.telemask.bench.storage;

import com.zaxxer.hikari.HikariDataSource;
import dev.telemask.codec.AvlBatch;
import dev.telemask.privacy.Treatment;
import dev.telemask.storage.Migrations;
import dev.telemask.storage.PositionBatch;
import dev.telemask.storage.PositionWriter;
import dev.telemask.storage.RecordSealer;
import dev.telemask.storage.SealingKeys;
import dev.telemask.storage.StorageDatabase;
import dev.telemask.storage.WriterSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The writer thread's CPU time per record, at a fixed transaction size: one writer whose queue is kept stocked, so
 * every transaction takes {@value #FRAMES_PER_TRANSACTION} five-record frames from as many devices, each frame as the
 * gateway writes it in a trip (a privacy state, an event detector state, a last-seen time in one frame of twelve, a
 * sealed record in one of five). Thread CPU time, unlike the load test's per-record figure, does not depend on how
 * many frames a busy machine lets pile up per transaction.
 */
final class WriterCpuBenchmark {
    static final int FRAMES_PER_TRANSACTION = 50;
    private static final int RECORDS_PER_FRAME = 5;
    private static final int DEVICES = 3_000;
    private static final long IMEI_BASE = 350_000_000_000_000L;

    private WriterCpuBenchmark() {
    }

    /** Writes {@code records} records after a warm-up of a quarter as many, and prints the writer's CPU per record. */
    static void run(String url, int records) throws Exception {
        String schema = "bench_cpu_" + ProcessHandle.current().pid();
        try (HikariDataSource admin = StorageDatabase.pool(url, null, null, 1)) {
            execute(admin, "CREATE SCHEMA " + schema);
        }
        String separator = url.contains("?") ? "&" : "?";
        try (HikariDataSource pool = StorageDatabase.pool(url + separator + "currentSchema=" + schema + ",public",
                null, null, 2)) {
            Migrations.migrate(pool);
            execute(pool, "INSERT INTO tenants (name) VALUES ('bench')");
            execute(pool, "INSERT INTO devices (imei, tenant_id) SELECT " + IMEI_BASE + " + g, (SELECT id FROM"
                    + " tenants) FROM generate_series(0, " + (DEVICES - 1) + ") g");
            long[] versions = switchVersions(pool);
            RecordSealer sealer = new RecordSealer(SealingKeys.of("bench", new byte[32], "a fixed key"));
            PositionWriter writer = PositionWriter.start(pool, WriterSettings.defaults().withThreads(1)
                    .withMaxTransactionRecords(FRAMES_PER_TRANSACTION * RECORDS_PER_FRAME), sealer,
                    new SimpleMeterRegistry());
            try {
                measure(writer, records, versions);
            } finally {
                writer.close();
            }
        } finally {
            try (HikariDataSource admin = StorageDatabase.pool(url, null, null, 1)) {
                execute(admin, "DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static void measure(PositionWriter writer, int records, long[] versions) throws Exception {
        Thread writerThread = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("telemask-position-writer")).findFirst().orElseThrow();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long warmFrames = records / 4 / RECORDS_PER_FRAME;
        long frames = warmFrames + records / RECORDS_PER_FRAME;
        // Three transactions' worth queued or in flight: the writer always finds a full one.
        Semaphore room = new Semaphore(FRAMES_PER_TRANSACTION * 3);
        AtomicLong done = new AtomicLong();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        long[] nextTime = new long[DEVICES];
        Arrays.fill(nextTime, 1_767_225_600_000L);
        Random random = new Random(7);
        long cpuStart = 0;
        long wallStart = 0;
        for (long i = 0; i < frames; i++) {
            if (i == warmFrames) {
                waitFor(done, warmFrames, failed);
                cpuStart = threads.getThreadCpuTime(writerThread.threadId());
                wallStart = System.nanoTime();
            }
            room.acquire();
            PositionBatch frame = frame((int) (i % DEVICES), nextTime, versions, random);
            if (!writer.offer(frame, (batch, failure) -> {
                if (failure != null) {
                    failed.compareAndSet(null, failure);
                }
                done.incrementAndGet();
                room.release();
            })) {
                throw new IllegalStateException("the writer's queue refused a frame");
            }
        }
        waitFor(done, frames, failed);
        long cpu = threads.getThreadCpuTime(writerThread.threadId()) - cpuStart;
        long wall = System.nanoTime() - wallStart;
        long measured = (frames - warmFrames) * RECORDS_PER_FRAME;
        System.out.printf("%,d records in %d-frame transactions, after %,d to warm up: writer thread CPU %.2f µs/record"
                        + " (%.0f µs/transaction), %,.0f records/s%n", measured, FRAMES_PER_TRANSACTION,
                warmFrames * RECORDS_PER_FRAME, cpu / 1e3 / measured,
                cpu / 1e3 / ((double) measured / RECORDS_PER_FRAME / FRAMES_PER_TRANSACTION),
                measured / (wall / 1e9));
    }

    private static void waitFor(AtomicLong done, long frames, AtomicReference<Throwable> failed) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (done.get() < frames) {
            if (failed.get() != null) {
                throw new IllegalStateException("a transaction failed", failed.get());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the writer did not finish in ten minutes");
            }
            Thread.sleep(1); // polling a counter the writer's callbacks move; nothing to wait on instead
        }
    }

    /** The next frame of device {@code d}: five exact records, one of them sealed in one frame of five. */
    private static PositionBatch frame(int d, long[] nextTime, long[] versions, Random random) {
        AvlBatch records = new AvlBatch();
        byte[] treatments = new byte[RECORDS_PER_FRAME];
        Arrays.fill(treatments, Treatment.EXACT.code());
        for (int r = 0; r < RECORDS_PER_FRAME; r++) {
            long t = nextTime[d];
            nextTime[d] += 1000;
            records.addRecord(t, 1, 250_000_000 + r, 540_000_000 - r, 120, 90, 9, 55, 0, AvlBatch.NO_GENERATION);
            records.addIo(239, 1, 1);
            records.addIo(66, 2, 12_345);
            records.addIo(16, 4, 1_000_000L + r);
        }
        boolean sealed = random.nextInt(5) == 0;
        if (sealed) {
            treatments[RECORDS_PER_FRAME - 1] = Treatment.SEALED.code();
        }
        long now = System.currentTimeMillis();
        PositionBatch batch = new PositionBatch(IMEI_BASE + d, now, records, treatments);
        if (sealed) {
            batch.sealed(now + 600_000, null);
        }
        byte[] state = new byte[60];
        random.nextBytes(state);
        byte[] eventState = new byte[31];
        random.nextBytes(eventState);
        batch.switchVersion(versions[d]).deviceState(state).events(List.of(), eventState);
        if (random.nextInt(12) == 0) {
            batch.recordLastSeen();
        }
        return batch;
    }

    /** Each device's switch version, as a gateway session claiming it reads it: the frames are checked against it. */
    private static long[] switchVersions(HikariDataSource pool) throws SQLException {
        long[] versions = new long[DEVICES];
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT imei - " + IMEI_BASE + ", switch_version FROM devices")) {
            while (rs.next()) {
                versions[(int) rs.getLong(1)] = rs.getLong(2);
            }
        }
        return versions;
    }

    private static void execute(HikariDataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
