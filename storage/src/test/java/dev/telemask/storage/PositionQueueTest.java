package dev.telemask.storage;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PositionQueueTest {
    private static final BatchCallback IGNORE = (b, f) -> { };

    @Test
    void refusesWhenTheRecordLimitIsReachedAndAcceptsAgainAfterRelease() throws InterruptedException {
        PositionQueue queue = new PositionQueue(25, Long.MAX_VALUE);
        assertTrue(queue.offer(TestBatches.exact(1, 0, 10), IGNORE));
        assertTrue(queue.offer(TestBatches.exact(2, 0, 10), IGNORE));
        assertFalse(queue.offer(TestBatches.exact(3, 0, 10), IGNORE));

        List<PositionBatch> taken = new ArrayList<>();
        assertTrue(queue.take(taken, 100));
        assertEquals(2, taken.size());
        assertFalse(queue.offer(TestBatches.exact(3, 0, 10), IGNORE), "taken batches still count until released");
        assertEquals(List.of(), queue.release(20, taken.get(0).queuedBytes + taken.get(1).queuedBytes),
                "nobody asked to be woken");
        assertTrue(queue.offer(TestBatches.exact(3, 0, 10), IGNORE));
    }

    @Test
    void aRefusedOfferThatWaitsIsWokenOnceWhenItsBatchFits() throws InterruptedException {
        PositionQueue queue = new PositionQueue(25, Long.MAX_VALUE);
        assertTrue(queue.offer(TestBatches.exact(1, 0, 10), IGNORE));
        assertTrue(queue.offer(TestBatches.exact(2, 0, 10), IGNORE));
        Runnable first = () -> { };
        Runnable second = () -> { };
        Runnable third = () -> { };
        assertFalse(queue.offer(TestBatches.exact(3, 0, 10), IGNORE, first));
        assertFalse(queue.offer(TestBatches.exact(4, 0, 10), IGNORE, second));
        assertFalse(queue.offer(TestBatches.exact(5, 0, 10), IGNORE, third));
        assertEquals(3, queue.waiters());

        List<PositionBatch> taken = new ArrayList<>();
        queue.take(taken, 10);
        assertEquals(List.of(first), queue.release(10, taken.get(0).queuedBytes),
                "10 records free: room for the oldest waiter's batch only");
        assertEquals(2, queue.waiters());
        taken.clear();
        queue.take(taken, 10);
        assertEquals(List.of(second, third), queue.release(10, taken.get(0).queuedBytes),
                "nothing held: the next ones up to the limit, and at least one");
        assertEquals(0, queue.waiters());
        assertEquals(List.of(), queue.release(0, 0), "each waiter is woken once");
    }

    @Test
    void anOfferThatIsTakenLeavesNoWaiter() {
        PositionQueue queue = new PositionQueue(25, Long.MAX_VALUE);
        assertTrue(queue.offer(TestBatches.exact(1, 0, 10), IGNORE, () -> { }));
        assertEquals(0, queue.waiters());
    }

    @Test
    void refusesWhenTheByteLimitIsReached() {
        PositionQueue queue = new PositionQueue(Integer.MAX_VALUE, 2_000); // one 10-record batch is ~1.4 kB
        assertTrue(queue.offer(TestBatches.exact(1, 0, 10), IGNORE));
        assertFalse(queue.offer(TestBatches.exact(2, 0, 10), IGNORE));
    }

    @Test
    void takesABatchLargerThanTheLimitsWhenNothingElseIsHeld() {
        PositionQueue queue = new PositionQueue(5, 100);
        assertTrue(queue.offer(TestBatches.exact(1, 0, 10), IGNORE));
    }

    @Test
    void gathersWholeBatchesUpToTheTransactionSize() throws InterruptedException {
        PositionQueue queue = new PositionQueue(1_000, Long.MAX_VALUE);
        for (int i = 0; i < 5; i++) {
            queue.offer(TestBatches.exact(i, 0, 10), IGNORE);
        }
        List<PositionBatch> taken = new ArrayList<>();
        queue.take(taken, 25);
        assertEquals(2, taken.size());
        assertEquals(30, queue.waitingRecords());
    }

    @Test
    void drainsThenEndsAfterClose() throws InterruptedException {
        PositionQueue queue = new PositionQueue(1_000, Long.MAX_VALUE);
        queue.offer(TestBatches.exact(1, 0, 10), IGNORE);
        queue.close();
        assertThrows(IllegalStateException.class, () -> queue.offer(TestBatches.exact(2, 0, 10), IGNORE));
        List<PositionBatch> taken = new ArrayList<>();
        assertTrue(queue.take(taken, 100));
        assertFalse(queue.take(taken, 100));
    }

    @Test
    void aLingeringTakeWaitsForMoreUntilEnoughRecordsWait() throws Exception {
        PositionQueue queue = new PositionQueue(1_000, 1L << 30);
        assertTrue(queue.offer(TestBatches.exact(1, 0, 2), IGNORE));
        List<PositionBatch> taken = new ArrayList<>();
        // A linger far longer than any test: only the records waiting can end it.
        CompletableFuture<Boolean> take = CompletableFuture.supplyAsync(() -> take(queue, taken, 6,
                Duration.ofHours(1)));
        assertTrue(queue.offer(TestBatches.exact(2, 0, 2), IGNORE));
        assertTrue(queue.offer(TestBatches.exact(3, 0, 3), IGNORE));
        assertTrue(take.get(30, TimeUnit.SECONDS));
        assertEquals(List.of(2, 2, 3), taken.stream().map(b -> b.records().size()).toList(),
                "one transaction takes all three");
    }

    @Test
    void closingEndsALingerAndTheWaitingBatchIsStillTaken() throws Exception {
        PositionQueue queue = new PositionQueue(1_000, 1L << 30);
        assertTrue(queue.offer(TestBatches.exact(1, 0, 1), IGNORE));
        List<PositionBatch> taken = new ArrayList<>();
        CompletableFuture<Boolean> take = CompletableFuture.supplyAsync(() -> take(queue, taken, 100,
                Duration.ofHours(1)));
        queue.close();
        assertTrue(take.get(30, TimeUnit.SECONDS));
        assertEquals(1, taken.size());
        assertFalse(queue.take(new ArrayList<>(), 10, 100, Duration.ofHours(1).toNanos()), "closed and empty");
    }

    private static boolean take(PositionQueue queue, List<PositionBatch> into, int lingerRecords, Duration linger) {
        try {
            return queue.take(into, 1_000, lingerRecords, linger.toNanos());
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
