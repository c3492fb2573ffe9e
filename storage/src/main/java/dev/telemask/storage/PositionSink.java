package dev.telemask.storage;

/**
 * Where masked batches go to be stored: the {@link PositionWriter}, or a stand-in where a test needs no database.
 * Bounded, and it says when it has room again instead of being polled.
 */
public interface PositionSink {
    /**
     * Queues the batch for writing, or returns false, keeping nothing, when the queue is full. Once accepted, the
     * batch is the sink's until {@code callback} has run.
     */
    boolean offer(PositionBatch batch, BatchCallback callback);

    /**
     * As {@link #offer}, and when it refuses, it keeps {@code whenRoom} and runs it once, on a writer thread (so it
     * must not block), as soon as capacity frees for it. The refusal and the keeping are one step under the queue's
     * lock: a caller that stops reading after a refusal is always woken, and needs no timer.
     */
    boolean offerOrWait(PositionBatch batch, BatchCallback callback, Runnable whenRoom);
}
