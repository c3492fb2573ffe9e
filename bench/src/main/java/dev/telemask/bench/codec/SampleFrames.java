package dev.telemask.bench.codec;

import dev.telemask.codec.AvlBatch;

/** Realistic record batches for benchmarks: what an FMB device sends while driving. */
public final class SampleFrames {
    private SampleFrames() {}

    /** {@code records} Codec 8-style records with 8 IO elements of mixed widths. */
    public static AvlBatch codec8(int records) {
        AvlBatch batch = new AvlBatch();
        for (int r = 0; r < records; r++) {
            addDrivingRecord(batch, r);
            batch.addIo(66, 2, 12_743);
            batch.addIo(67, 2, 4064);
            batch.addIo(16, 4, 22_949_000 + r * 140L);
            batch.addIo(241, 4, 24_602);
            batch.addIo(78, 8, 0);
        }
        return batch;
    }

    /** {@code records} Codec 8E records with 12 fixed-width IO elements and one 20-byte variable-length element. */
    public static AvlBatch codec8Extended(int records) {
        AvlBatch batch = new AvlBatch();
        byte[] beacon = new byte[20];
        for (int i = 0; i < beacon.length; i++) {
            beacon[i] = (byte) (i * 7);
        }
        for (int r = 0; r < records; r++) {
            addDrivingRecord(batch, r);
            batch.addIo(69, 1, 1);
            batch.addIo(66, 2, 12_743);
            batch.addIo(67, 2, 4064);
            batch.addIo(68, 2, 283);
            batch.addIo(181, 2, 5);
            batch.addIo(16, 4, 22_949_000 + r * 140L);
            batch.addIo(199, 4, 1400 + r * 140L);
            batch.addIo(241, 4, 24_602);
            batch.addIo(78, 8, 0);
            batch.addNx(385, beacon, 0, beacon.length);
        }
        return batch;
    }

    /** Record {@code r} of a drive, 10 s apart, with ignition, movement and GSM signal: what every sample starts with. */
    private static void addDrivingRecord(AvlBatch batch, int r) {
        batch.addRecord(1_700_000_000_000L + r * 10_000L, 0, 252_560_283 + r * 1000, 546_674_250 + r * 700, 172, 248, 11,
                54, 0, AvlBatch.NO_GENERATION);
        batch.addIo(239, 1, 1);
        batch.addIo(240, 1, 1);
        batch.addIo(21, 1, 4);
    }
}
