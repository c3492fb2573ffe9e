package dev.telemask.privacy;

import java.util.Arrays;
import java.util.Collection;

/** An immutable set of IO element IDs (0..65535) with a constant-time, allocation-free {@link #contains}. */
public final class IoIdSet {
    private static final int MAX_ID = 0xFFFF;
    private final long[] bits = new long[(MAX_ID + 1) / 64];

    private IoIdSet() {}

    public static IoIdSet of(int... ids) {
        IoIdSet set = new IoIdSet();
        for (int id : ids) {
            set.add(id);
        }
        return set;
    }

    public static IoIdSet of(Collection<Integer> ids) {
        IoIdSet set = new IoIdSet();
        ids.forEach(set::add);
        return set;
    }

    /** The union of {@code sets}. */
    public static IoIdSet union(IoIdSet... sets) {
        IoIdSet set = new IoIdSet();
        for (IoIdSet other : sets) {
            for (int i = 0; i < set.bits.length; i++) {
                set.bits[i] |= other.bits[i];
            }
        }
        return set;
    }

    /**
     * The IDs a filter removes: those in {@code removed} or {@code alsoRemoved}, those not in {@code onlyKept}
     * and those not in {@code kept}; a null argument takes no part.
     */
    static IoIdSet removals(IoIdSet removed, IoIdSet alsoRemoved, IoIdSet onlyKept, IoIdSet kept) {
        IoIdSet set = new IoIdSet();
        for (int i = 0; i < set.bits.length; i++) {
            long remove = 0;
            if (removed != null) {
                remove |= removed.bits[i];
            }
            if (alsoRemoved != null) {
                remove |= alsoRemoved.bits[i];
            }
            if (onlyKept != null) {
                remove |= ~onlyKept.bits[i];
            }
            if (kept != null) {
                remove |= ~kept.bits[i];
            }
            set.bits[i] = remove;
        }
        return set;
    }

    private void add(int id) {
        if (id < 0 || id > MAX_ID) {
            throw new IllegalArgumentException("IO element ID out of range: " + id);
        }
        bits[id >>> 6] |= 1L << id;
    }

    /** True when no ID is in the set. */
    public boolean isEmpty() {
        for (long word : bits) {
            if (word != 0) {
                return false;
            }
        }
        return true;
    }

    public boolean contains(int id) {
        return id >= 0 && id <= MAX_ID && (bits[id >>> 6] & (1L << id)) != 0;
    }

    /** The IDs in ascending order. */
    public int[] toArray() {
        return java.util.stream.IntStream.rangeClosed(0, MAX_ID).filter(this::contains).toArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IoIdSet other && Arrays.equals(bits, other.bits);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bits);
    }

    @Override
    public String toString() {
        return Arrays.toString(toArray());
    }
}
