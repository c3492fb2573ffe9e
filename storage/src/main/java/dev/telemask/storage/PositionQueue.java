package dev.telemask.storage;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writer's bounded queue. A batch counts against the limits from {@link #offer} until {@link #release}, i.e.
 * while it waits and while it is being written, because the gateway cannot reuse it before then either.
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
    private boolean closed;
    private boolean refusedSinceRelease;

    PositionQueue(int maxRecords, long maxBytes) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
    }

    /**
     * Queues the batch, or returns false when it does not fit. A batch larger than the limits is still taken when
     * nothing else is held, so that no frame can be refused forever.
     */
    boolean offer(PositionBatch batch, BatchCallback callback) {
        // An empty batch (every record dropped) still occupies a slot: it is completed in order like the others.
        int weight = Math.max(1, batch.records().size());
        long size = batch.estimateBytes();
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the position writer is closed");
            }
            if (records > 0 && (records + weight > maxRecords || bytes + size > maxBytes)) {
                refusedSinceRelease = true;
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
        lock.lock();
        try {
            while (waiting.isEmpty()) {
                if (closed) {
                    return false;
                }
                notEmpty.await();
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

    /** Frees the capacity of completed batches; true when an offer was refused since the last release. */
    boolean release(int weight, long size) {
        lock.lock();
        try {
            records -= weight;
            bytes -= size;
            boolean refused = refusedSinceRelease;
            refusedSinceRelease = false;
            return refused;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses further offers; writers drain what is waiting and then see {@link #take} return false. */
    void close() {
        lock.lock();
        try {
            closed = true;
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
