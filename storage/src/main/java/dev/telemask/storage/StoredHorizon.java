package dev.telemask.storage;

import dev.telemask.codec.AvlBatch;

import java.util.List;

/**
 * The newest device time this writer has committed per device: a guess at which batches may repeat rows already
 * stored (a resent frame whose acknowledgement was lost carries records no newer than it). Only a guess that steers
 * a batch to the direct COPY or to the deduplicating path; exactly-once never depends on it, since a direct COPY
 * that meets a stored row falls back to deduplication.
 *
 * <p>Lossy and bounded: a fixed table indexed by the IMEI's hash, where a newer device takes over a slot. An unknown
 * device counts as fresh. Thread-safe (the writer threads share one).
 */
final class StoredHorizon {
    private static final int SLOTS = 1 << 16;
    private static final long NONE = Long.MIN_VALUE;

    private final long[] imeis = new long[SLOTS];
    private final long[] newest = new long[SLOTS];

    /** True when the batch stores a record no newer than what was committed for its device. */
    synchronized boolean mayRepeat(PositionBatch batch) {
        int slot = slot(batch.imei());
        if (imeis[slot] != batch.imei()) {
            return false;
        }
        long oldest = oldestStored(batch);
        return oldest != NONE && oldest <= newest[slot];
    }

    /** Takes the committed batches' newest stored records into account. */
    synchronized void committed(List<PositionBatch> batches) {
        for (PositionBatch batch : batches) {
            long time = newestStored(batch);
            if (time == NONE) {
                continue;
            }
            int slot = slot(batch.imei());
            if (imeis[slot] != batch.imei()) {
                imeis[slot] = batch.imei();
                newest[slot] = time;
            } else if (time > newest[slot]) {
                newest[slot] = time;
            }
        }
    }

    private static long oldestStored(PositionBatch batch) {
        AvlBatch records = batch.records();
        long oldest = NONE;
        for (int r = 0, n = records.size(); r < n; r++) {
            if (batch.isStored(r) && (oldest == NONE || records.timestamp(r) < oldest)) {
                oldest = records.timestamp(r);
            }
        }
        return oldest;
    }

    private static long newestStored(PositionBatch batch) {
        AvlBatch records = batch.records();
        long newestTime = NONE;
        for (int r = 0, n = records.size(); r < n; r++) {
            if (batch.isStored(r) && records.timestamp(r) > newestTime) {
                newestTime = records.timestamp(r);
            }
        }
        return newestTime;
    }

    private static int slot(long imei) {
        long h = imei * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 48);
    }
}
