package dev.telemask.storage;

import dev.telemask.codec.AvlBatch;
import dev.telemask.privacy.Treatment;

import java.util.Arrays;

/** Builds position batches for tests: distinct, realistic records with a few IO elements each. */
final class TestBatches {
    private TestBatches() {
    }

    /** {@code n} exact records of device {@code imei}, one second apart from {@code firstMillis}. */
    static PositionBatch exact(long imei, long firstMillis, int n) {
        AvlBatch records = new AvlBatch();
        for (int i = 0; i < n; i++) {
            long t = firstMillis + i * 1000L;
            records.addRecord(t, 1, 250_000_000 + i, 540_000_000 - i, 120, 90, 9, 55, 0, AvlBatch.NO_GENERATION);
            records.addIo(239, 1, 1);
            records.addIo(66, 2, 12_345);
            records.addIo(16, 4, 1_000_000L + i);
        }
        byte[] treatments = new byte[n];
        Arrays.fill(treatments, Treatment.EXACT.code());
        return new PositionBatch(imei, firstMillis + n * 1000L, records, treatments);
    }

    /** Marks records {@code r} of the batch SEALED (undecided) and returns the batch. */
    static PositionBatch seal(PositionBatch batch, int... r) {
        byte[] treatments = new byte[batch.records().size()];
        for (int i = 0; i < treatments.length; i++) {
            treatments[i] = batch.treatment(i);
        }
        for (int i : r) {
            treatments[i] = Treatment.SEALED.code();
        }
        return batch.set(batch.imei(), batch.receivedAtMillis(), batch.records(), treatments);
    }

    /** A sealer with one fixed test key. */
    static RecordSealer sealer() {
        byte[] key = new byte[SealingKeys.KEY_BYTES];
        new java.util.Random(42).nextBytes(key);
        return new RecordSealer(SealingKeys.of("test1", key, "the test key"));
    }
}
