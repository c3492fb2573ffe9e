package dev.telemask.storage;

/** Told once per offered {@link PositionBatch} whether it was committed; only then may the device be acknowledged. */
@FunctionalInterface
public interface BatchCallback {
    /**
     * Called on a writer thread after the transaction holding the batch committed ({@code failure == null}) or
     * failed. A committed batch's records are in the database exactly once, even if an earlier send of the same
     * records was stored already. The batch belongs to the caller again once this returns. Must not block: hand
     * the result to the connection's event loop.
     */
    void completed(PositionBatch batch, Throwable failure);
}
