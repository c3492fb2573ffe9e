package dev.telemask.storage;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Period;
import java.time.ZonedDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Positions older than the retention go, newer ones stay, and only one instance does it at a time. */
abstract class RetentionContract extends DatabaseContract {
    static final int ROWS = 30;

    RetentionJob job;

    abstract RetentionJob.Mode expectedMode();

    @Override
    void prepare() throws SQLException {
        Migrations.migrate(dataSource);
        job = RetentionJob.install(dataSource, RetentionJob.DEFAULT_RETENTION);
    }

    /** Device 1: 13 months old (expired); device 2: 11 months old; device 3: today. */
    @BeforeEach
    void insertRows() throws Exception {
        execute("TRUNCATE positions");
        ZonedDateTime now = ZonedDateTime.now();
        try (PositionWriter writer = PositionWriter.start(dataSource, WriterSettings.defaults(), TestBatches.sealer(),
                new SimpleMeterRegistry())) {
            CompletableFuture.allOf(
                    WriterContract.submit(writer, TestBatches.exact(1, now.minusMonths(13).toInstant().toEpochMilli(),
                            ROWS)),
                    WriterContract.submit(writer, TestBatches.exact(2, now.minusMonths(11).toInstant().toEpochMilli(),
                            ROWS)),
                    WriterContract.submit(writer, TestBatches.exact(3, now.minusHours(1).toInstant().toEpochMilli(),
                            ROWS))).get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void usesTheDatabasesOwnMechanism() {
        assertEquals(expectedMode(), job.mode());
    }

    @Test
    void removesRowsOlderThanTheRetentionAndKeepsNewerOnes() throws SQLException {
        requireJobDoesTheWork();
        RetentionJob.Outcome outcome = job.runOnce();

        assertTrue(outcome.ran());
        assertEquals(0, count(1), "13-month-old rows must be gone");
        assertEquals(ROWS, count(2), "11-month-old rows must stay");
        assertEquals(ROWS, count(3), "today's rows must stay");
        assertTrue(outcome.droppedChunks() > 0 || outcome.deletedRows() == ROWS, outcome.toString());
    }

    @Test
    void aShorterRetentionRemovesMore() throws SQLException {
        requireJobDoesTheWork();
        RetentionJob sixMonths = RetentionJob.install(dataSource, Period.ofMonths(6));
        assertTrue(sixMonths.runOnce().ran());
        assertEquals(0, count(1));
        assertEquals(0, count(2));
        assertEquals(ROWS, count(3));
    }

    @Test
    void skipsWhileAnotherInstanceHoldsTheLock() throws SQLException {
        requireJobDoesTheWork();
        try (Connection otherInstance = dataSource.getConnection(); Statement st = otherInstance.createStatement()) {
            st.execute("SELECT pg_advisory_lock(" + RetentionJob.LOCK_KEY + ")");
            assertFalse(job.runOnce().ran());
            assertEquals(ROWS, count(1), "nothing may be removed by the instance that did not get the lock");
            st.execute("SELECT pg_advisory_unlock(" + RetentionJob.LOCK_KEY + ")");
        }
        assertTrue(job.runOnce().ran());
        assertEquals(0, count(1));
    }

    @Test
    void ofTwoConcurrentRunsExactlyOneDoesTheWork() throws Exception {
        requireJobDoesTheWork();
        CountDownLatch firstHoldsLock = new CountDownLatch(1);
        CountDownLatch secondDone = new CountDownLatch(1);
        RetentionJob first = job.onLockAcquired(() -> {
            firstHoldsLock.countDown();
            try {
                // Keep the lock until the second run has tried, so the two runs certainly overlap.
                assertTrue(secondDone.await(60, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CompletableFuture<RetentionJob.Outcome> firstRun = CompletableFuture.supplyAsync(() -> {
            try {
                return first.runOnce();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(firstHoldsLock.await(60, TimeUnit.SECONDS));
        RetentionJob.Outcome second = job.runOnce();
        secondDone.countDown();

        assertFalse(second.ran(), "the second instance must not run while the first holds the lock");
        assertTrue(firstRun.get(60, TimeUnit.SECONDS).ran());
        assertEquals(0, count(1));
        assertEquals(ROWS, count(2));
    }

    @Test
    void removesSealedRowsOlderThanTheRetentionWhateverTheMechanism() throws Exception {
        execute("TRUNCATE sealed_positions");
        ZonedDateTime now = ZonedDateTime.now();
        try (PositionWriter writer = PositionWriter.start(dataSource, WriterSettings.defaults(), TestBatches.sealer(),
                new SimpleMeterRegistry())) {
            long old = now.minusMonths(13).toInstant().toEpochMilli();
            long recent = now.minusHours(1).toInstant().toEpochMilli();
            WriterContract.await(WriterContract.submit(writer, TestBatches.seal(TestBatches.exact(7, old, 2), 0, 1)
                    .sealed(now.plusDays(1).toInstant().toEpochMilli(), null)));
            WriterContract.await(WriterContract.submit(writer, TestBatches.seal(TestBatches.exact(8, recent, 2), 0, 1)
                    .sealed(now.plusDays(1).toInstant().toEpochMilli(), null)));
        }
        RetentionJob.Outcome outcome = job.runOnce();
        assertTrue(outcome.ran());
        assertEquals(2, outcome.sealedRows());
        assertEquals(0, queryLong("SELECT count(*) FROM sealed_positions WHERE imei = 7"));
        assertEquals(2, queryLong("SELECT count(*) FROM sealed_positions WHERE imei = 8"));
    }

    private void requireJobDoesTheWork() {
        assumeTrue(job.mode() != RetentionJob.Mode.NATIVE_POLICY,
                "this TimescaleDB has add_retention_policy: its own scheduler removes old chunks, not the job");
    }

    long count(long imei) throws SQLException {
        return queryLong("SELECT count(*) FROM positions WHERE imei = " + imei);
    }
}
