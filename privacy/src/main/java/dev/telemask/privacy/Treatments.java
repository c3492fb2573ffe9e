package dev.telemask.privacy;

import java.util.Arrays;

/**
 * The engine's verdict for each record of a batch (index {@code r} matches the batch's record {@code r}), with a
 * count per {@link Treatment} for metrics. Reused from batch to batch like an {@code AvlBatch}: not thread-safe.
 */
public final class Treatments {
    private static final Treatment[] ALL = Treatment.values();

    private byte[] codes = new byte[16];
    private int size;
    private final int[] counts = new int[ALL.length];
    /** When the clock alone could let the engine go on past where it stopped, or {@link Long#MAX_VALUE}. */
    private long clockDeadlineMillis = Long.MAX_VALUE;

    /** Scratch for visiting a batch in device-time order when it does not arrive in that order. */
    int[] order = new int[16];

    /** When the clock alone could let the last decision go further (an anchor delay running out), else MAX. */
    public long clockDeadlineMillis() {
        return clockDeadlineMillis;
    }

    void clockDeadline(long millis) {
        clockDeadlineMillis = millis;
    }

    void reset(int records) {
        clockDeadlineMillis = Long.MAX_VALUE;
        if (codes.length < records) {
            codes = new byte[Math.max(records, codes.length * 2)];
            order = new int[codes.length];
        }
        size = records;
        Arrays.fill(counts, 0);
    }

    void set(int r, Treatment treatment) {
        codes[r] = treatment.code();
        counts[treatment.ordinal()]++;
    }

    public int size() {
        return size;
    }

    public Treatment get(int r) {
        return ALL[code(r)];
    }

    /** The stable one-byte code storage writes; see {@link Treatment#code()}. */
    public byte code(int r) {
        if (r >= size) {
            throw new IndexOutOfBoundsException(r);
        }
        return codes[r];
    }

    /** How many records of the last batch got {@code treatment}. */
    public int count(Treatment treatment) {
        return counts[treatment.ordinal()];
    }
}
