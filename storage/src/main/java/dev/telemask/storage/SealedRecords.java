package dev.telemask.storage;

import dev.telemask.codec.AvlBatch;

import java.util.Arrays;

/**
 * One device's sealed rows as {@link SealedStore#load} opened them, in device-time order: the records, and per
 * record the caller's flags, when it arrived and until when it may stay undecided. Reusable: load clears it.
 */
public final class SealedRecords {
    private final AvlBatch records = new AvlBatch();
    private byte[] flags = new byte[16];
    private long[] receivedAt = new long[16];
    private long[] expiresAt = new long[16];

    void clear() {
        records.clear();
    }

    void add(int flag, long receivedAtMillis, long expiresAtMillis) {
        int r = records.size() - 1; // open() already appended the record
        if (r >= flags.length) {
            int capacity = Math.max(flags.length * 2, r + 1);
            flags = Arrays.copyOf(flags, capacity);
            receivedAt = Arrays.copyOf(receivedAt, capacity);
            expiresAt = Arrays.copyOf(expiresAt, capacity);
        }
        flags[r] = (byte) flag;
        receivedAt[r] = receivedAtMillis;
        expiresAt[r] = expiresAtMillis;
    }

    AvlBatch target() {
        return records;
    }

    /** Number of records. */
    public int size() {
        return records.size();
    }

    /** The opened records, unmasked, in device-time order. */
    public AvlBatch records() {
        return records;
    }

    /** The flags byte sealed with record {@code r}. */
    public int flags(int r) {
        return flags[r] & 0xFF;
    }

    /** When the gateway received record {@code r}, milliseconds since the Unix epoch. */
    public long receivedAtMillis(int r) {
        return receivedAt[r];
    }

    /** Until when record {@code r} may stay undecided, milliseconds since the Unix epoch. */
    public long expiresAtMillis(int r) {
        return expiresAt[r];
    }
}
