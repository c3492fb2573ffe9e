package dev.telemask.gateway;

import dev.telemask.codec.AvlBatch;

/** Record batches for gateway tests: a vehicle driving in Vilnius with the usual IO elements. */
public final class Drives {
    public static final int GSM_CELL_ID = 205;

    private Drives() {}

    /** {@code n} records one minute apart from {@code startMillis}, ignition and movement on. */
    public static AvlBatch driving(long startMillis, int n) {
        return records(startMillis, n, 1, 0);
    }

    /** Like {@link #driving} with the device's private-mode element (391) on. */
    public static AvlBatch privateMode(long startMillis, int n) {
        return records(startMillis, n, 1, 1);
    }

    private static AvlBatch records(long startMillis, int n, int ignition, int privateMode) {
        AvlBatch batch = new AvlBatch();
        for (int r = 0; r < n; r++) {
            batch.addRecord(startMillis + r * 60_000L, 0, 252_560_283 + r * 1000, 546_674_250 + r * 500, 120, 90, 9, 50,
                    0, AvlBatch.NO_GENERATION);
            batch.addIo(239, 1, ignition);
            batch.addIo(240, 1, ignition);
            batch.addIo(391, 1, privateMode);
            batch.addIo(66, 2, 12_800);
            batch.addIo(GSM_CELL_ID, 2, 31_337);
            batch.addIo(16, 4, 1_000_000 + r * 900L);
        }
        return batch;
    }
}
