package dev.telemask.storage;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The database is killed in the middle of a write load: every batch the writer reported committed is stored
 * exactly once, and the writer recovers by itself.
 */
abstract class DatabaseRestartContract extends DatabaseContract {
    static final int DEVICES = 50;
    static final int RECORDS = 10;
    static final long DEADLINE_NANOS = TimeUnit.MINUTES.toNanos(3);

    /** One batch as a device sent it, and what the writer said. */
    record Sent(long imei, long firstMillis, CompletableFuture<Void> done) {
        boolean committed() {
            return done.isDone() && !done.isCompletedExceptionally();
        }
    }

    private final List<Sent> sent = new ArrayList<>();
    private final ArrayDeque<Sent> outstanding = new ArrayDeque<>();
    private PositionWriter writer;
    private long deadline;

    @Override
    void prepare() {
        Migrations.migrate(dataSource);
    }

    @Test
    void committedBatchesSurviveAKilledDatabaseAndTheWriterRecoversByItself() throws Exception {
        deadline = System.nanoTime() + DEADLINE_NANOS;
        writer = PositionWriter.start(dataSource,
                WriterSettings.defaults().withThreads(2).withMaxTransactionRecords(200), TestBatches.sealer(),
                new SimpleMeterRegistry());
        try {
            // Load before the kill.
            for (int i = 0; i < 100; i++) {
                send();
            }
            awaitAll();

            CompletableFuture<Void> restart = CompletableFuture.runAsync(server()::restart);
            while (!restart.isDone()) {
                send();
                beforeDeadline();
            }
            restart.get(); // rethrows a failed restart
            int beforeRecovery = sent.size();

            // Recovery: new batches succeed again, with no help from the test.
            int committedAfter = 0;
            while (committedAfter < 20) {
                Sent s = send();
                try {
                    s.done().get(remainingNanos(), TimeUnit.NANOSECONDS);
                    committedAfter++;
                } catch (ExecutionException e) {
                    // A connection the pool had not yet found dead; the next one will be fresh.
                }
            }
            awaitAll();

            assertNoDuplicates();
            Set<String> stored = storedKeys();
            int failed = 0;
            for (Sent s : sent) {
                if (s.committed()) {
                    for (int r = 0; r < RECORDS; r++) {
                        assertTrue(stored.contains(key(s.imei(), s.firstMillis() + r * 1000L)),
                                "a batch reported committed is missing a record: " + s);
                    }
                } else {
                    failed++;
                }
            }
            System.out.printf("%s restart: %d batches sent during the outage, %d failed (not acknowledged)%n",
                    server().name(), beforeRecovery - 100, failed);

            // The devices resend what was not acknowledged; afterwards every record is stored exactly once.
            List<Sent> resent = new ArrayList<>();
            for (Sent s : List.copyOf(sent)) {
                if (!s.committed()) {
                    resent.add(send(s.imei(), s.firstMillis()));
                }
            }
            awaitAll();
            for (Sent s : resent) {
                assertTrue(s.committed(), "a resent batch failed after recovery");
            }
            assertNoDuplicates();
            long distinctBatches = sent.stream().map(s -> s.imei() + "/" + s.firstMillis()).distinct().count();
            assertEquals(distinctBatches * RECORDS, queryLong("SELECT count(*) FROM positions"));
        } finally {
            writer.close();
        }
    }

    private Sent send() throws Exception {
        int n = sent.size();
        return send(7000 + n % DEVICES, WriterContract.T0 + (long) (n / DEVICES) * RECORDS * 1000L);
    }

    private Sent send(long imei, long firstMillis) throws Exception {
        PositionBatch batch = TestBatches.exact(imei, firstMillis, RECORDS);
        CompletableFuture<Void> done = new CompletableFuture<>();
        BatchCallback callback = (b, failure) -> {
            if (failure == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(failure);
            }
        };
        // Backpressure as the gateway does it: when the writer refuses, wait for the oldest batch to complete.
        while (!writer.offer(batch, callback)) {
            awaitOldest();
        }
        Sent s = new Sent(imei, firstMillis, done);
        sent.add(s);
        outstanding.addLast(s);
        if (outstanding.size() > 500) {
            awaitOldest();
        }
        return s;
    }

    private void awaitOldest() throws InterruptedException, TimeoutException {
        Sent oldest = outstanding.pollFirst();
        if (oldest != null) {
            try {
                oldest.done().get(remainingNanos(), TimeUnit.NANOSECONDS);
            } catch (ExecutionException expected) {
                // A failed batch is an expected outcome here; what counts is that it completed.
            }
        }
    }

    private void awaitAll() throws InterruptedException, TimeoutException {
        while (!outstanding.isEmpty()) {
            awaitOldest();
        }
    }

    private long remainingNanos() throws TimeoutException {
        beforeDeadline();
        return deadline - System.nanoTime();
    }

    private void beforeDeadline() throws TimeoutException {
        if (System.nanoTime() - deadline > 0) {
            throw new TimeoutException("the writer did not recover within " + DEADLINE_NANOS / 1_000_000_000 + " s");
        }
    }

    private void assertNoDuplicates() throws Exception {
        assertEquals(0, queryLong("SELECT count(*) FROM (SELECT 1 FROM positions"
                + " GROUP BY imei, device_time, event_io HAVING count(*) > 1) d"));
    }

    private Set<String> storedKeys() throws Exception {
        Set<String> keys = new HashSet<>();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(
                     "SELECT imei, (extract(epoch FROM device_time) * 1000)::bigint FROM positions")) {
            while (rs.next()) {
                keys.add(key(rs.getLong(1), rs.getLong(2)));
            }
        }
        return keys;
    }

    private static String key(long imei, long millis) {
        return imei + "@" + millis;
    }
}
