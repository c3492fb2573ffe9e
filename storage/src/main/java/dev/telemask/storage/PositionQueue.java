package dev.telemask.storage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writer's bounded queue. A batch counts against the limits from {@link #offer} until {@link #release}, i.e.
 * while it waits and while it is being written, because the gateway cannot reuse it before then either.
 *
 * <p>Whoever is refused may leave a wake-up here, kept under the same lock as the refusal (as HikariCP's
 * ConcurrentBag keeps its waiters), so no release between the two can be missed; {@link #release} hands back, in
 * arrival order, the wake-ups whose batches now fit.
 */
final class PositionQueue {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<PositionBatch> waiting = new ArrayDeque<>();
    private final int maxRecords;
    private final long maxBytes;

    private int records;
    private long bytes;
    private int waitingRecords;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private boolean closed;

    /** A refused offer's wake-up, with the size of the batch it will offer again. */
    private record Waiter(Runnable whenRoom, int weight, long bytes) {
    }

    PositionQueue(int maxRecords, long maxBytes) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
    }

    /**
     * Queues the batch, or returns false when it does not fit. A batch larger than the limits is still taken when
     * nothing else is held, so that no frame can be refused forever.
     */
    boolean offer(PositionBatch batch, BatchCallback callback) {
        return offer(batch, callback, null);
    }

    /** As {@link #offer(PositionBatch, BatchCallback)}; when refused, keeps {@code whenRoom} (if not null). */
    boolean offer(PositionBatch batch, BatchCallback callback, Runnable whenRoom) {
        // An empty batch (every record dropped) still occupies a slot: it is completed in order like the others.
        int weight = Math.max(1, batch.records().size());
        long size = batch.estimateBytes();
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the position writer is closed");
            }
            if (records > 0 && (records + weight > maxRecords || bytes + size > maxBytes)) {
                if (whenRoom != null) {
                    // records > 0: a release is still to come, and it will look at this waiter.
                    waiters.addLast(new Waiter(whenRoom, weight, size));
                }
                return false;
            }
            batch.callback = callback;
            batch.queuedWeight = weight;
            batch.queuedBytes = size;
            records += weight;
            bytes += size;
            waitingRecords += weight;
            waiting.addLast(batch);
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves waiting batches into {@code into} up to {@code maxRecords} (at least one batch), waiting for one if
     * none is there. Returns false, with nothing taken, once the queue is closed and empty.
     */
    boolean take(List<PositionBatch> into, int maxRecords) throws InterruptedException {
        return take(into, maxRecords, 0, 0);
    }

    /**
     * As {@link #take(List, int)}, but once something waits, while fewer than {@code lingerRecords} records wait,
     * waits up to {@code lingerNanos} more for others (each offer looks again; closing ends the wait), so that one
     * transaction takes what would have been several.
     */
    boolean take(List<PositionBatch> into, int maxRecords, int lingerRecords, long lingerNanos)
            throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                while (waiting.isEmpty()) {
                    if (closed) {
                        return false;
                    }
                    notEmpty.await();
                }
                long left = lingerNanos;
                while (left > 0 && waitingRecords < lingerRecords && !closed && !waiting.isEmpty()) {
                    left = notEmpty.awaitNanos(left);
                }
                if (!waiting.isEmpty()) {
                    break; // else another writer took them while this one lingered
                }
            }
            int taken = 0;
            PositionBatch next;
            while ((next = waiting.peekFirst()) != null && (taken == 0 || taken + next.queuedWeight <= maxRecords)) {
                waiting.pollFirst();
                taken += next.queuedWeight;
                into.add(next);
            }
            waitingRecords -= taken;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Frees the capacity of completed batches and returns the wake-ups to run (outside any lock): the oldest
     * waiters whose batches fit together in what is free now, at least the first when nothing is held.
     */
    List<Runnable> release(int weight, long size) {
        lock.lock();
        try {
            records -= weight;
            bytes -= size;
            List<Runnable> wake = List.of();
            int wantRecords = 0;
            long wantBytes = 0;
            Waiter next;
            while ((next = waiters.peekFirst()) != null) {
                boolean fits = records + wantRecords + next.weight() <= maxRecords
                        && bytes + wantBytes + next.bytes() <= maxBytes;
                if (!fits && records + wantRecords > 0) {
                    break;
                }
                waiters.pollFirst();
                wantRecords += next.weight();
                wantBytes += next.bytes();
                if (wake.isEmpty()) {
                    wake = new ArrayList<>();
                }
                wake.add(next.whenRoom());
            }
            return wake;
        } finally {
            lock.unlock();
        }
    }

    /** Wake-ups waiting for room. */
    int waiters() {
        lock.lock();
        try {
            return waiters.size();
        } finally {
            lock.unlock();
        }
    }

    /** Refuses further offers; writers drain what is waiting and then see {@link #take} return false. */
    void close() {
        lock.lock();
        try {
            closed = true;
            waiters.clear(); // offers fail from now on: nobody is to offer again
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int records() {
        lock.lock();
        try {
            return records;
        } finally {
            lock.unlock();
        }
    }

    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    int waitingRecords() {
        lock.lock();
        try {
            return waitingRecords;
        } finally {
            lock.unlock();
        }
    }
}
