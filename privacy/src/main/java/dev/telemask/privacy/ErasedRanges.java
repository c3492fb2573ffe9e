package dev.telemask.privacy;

import java.util.Arrays;

/**
 * The device-time ranges erased from a device, each {@code [from, to)} in epoch millis and ending at its erasure
 * (or just past the newest erased record a device clock running ahead stamped later): a record in one that arrives
 * afterwards is the erased data again, and is not stored.
 */
public final class ErasedRanges {
    public static final ErasedRanges NONE = new ErasedRanges(new long[0]);

    /** From and to of each range, in turn. */
    private final long[] bounds;

    private ErasedRanges(long[] bounds) {
        this.bounds = bounds;
    }

    /** The ranges {@code bounds[0]..bounds[1]}, {@code bounds[2]..bounds[3]}, ...; empty ones are left out. */
    public static ErasedRanges of(long[] bounds) {
        if (bounds.length % 2 != 0) {
            throw new IllegalArgumentException("a range needs a from and a to: " + bounds.length + " bounds");
        }
        long[] kept = new long[bounds.length];
        int n = 0;
        for (int i = 0; i < bounds.length; i += 2) {
            if (bounds[i] < bounds[i + 1]) {
                kept[n++] = bounds[i];
                kept[n++] = bounds[i + 1];
            }
        }
        return n == 0 ? NONE : new ErasedRanges(Arrays.copyOf(kept, n));
    }

    public boolean contains(long timeMillis) {
        for (int i = 0; i < bounds.length; i += 2) {
            if (timeMillis >= bounds[i] && timeMillis < bounds[i + 1]) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return bounds.length == 0;
    }
}
