package dev.telemask.privacy;

import dev.telemask.codec.AvlBatch;
import java.util.Arrays;

/**
 * A device's records that are not decided yet, raw as the device sent them, in device-time order, each with its
 * {@link ArrivalFlags}, its receive time and whether it is already stored sealed. The engine decides a prefix of
 * them at a time ({@link TripDecider}); the rest waits.
 *
 * <p>Owned by one device's connection: not thread-safe. Grows to the largest backlog it held and keeps its arrays.
 */
public final class PendingRecords {
    // The arrays start empty and are allocated at the first record: an idle connection holds three of these.
    private static final int INITIAL = 16;
    private AvlBatch records = new AvlBatch();
    /** What {@link #keepFrom} and {@link #dropUnstored} rebuild into, then swap with; made at first use. */
    private PendingRecords spare;
    private int[] order = {};
    private byte[] flags = {};
    private long[] receivedAt = {};
    private boolean[] stored = {};
    private int[] events = {};

    /** Empties it, keeping its arrays. */
    public void clear() {
        records.clear();
    }

    public int size() {
        return records.size();
    }

    /**
     * Adds record {@code r} of {@code from} in device-time order (then event ID order) and returns true, or returns
     * false (adding nothing) when a record with the same device time and event ID is already here: a resend.
     */
    public boolean add(AvlBatch from, int r, int arrivalFlags, long receivedAtMillis, boolean alreadyStored) {
        long time = from.timestamp(r);
        int event = from.eventIo(r);
        int n = records.size();
        // Insertion point by time; devices mostly append, so search from the end.
        // Records of one millisecond go by event ID, not by arrival, so that every arrival order gives one order.
        int at = n;
        while (at > 0 && (timeAt(at - 1) > time || (timeAt(at - 1) == time && events[order[at - 1]] > event))) {
            at--;
        }
        if (at > 0 && timeAt(at - 1) == time && events[order[at - 1]] == event) {
            return false;
        }
        if (n == order.length) {
            int capacity = Math.max(INITIAL, n * 2);
            order = Arrays.copyOf(order, capacity);
            flags = Arrays.copyOf(flags, capacity);
            receivedAt = Arrays.copyOf(receivedAt, capacity);
            stored = Arrays.copyOf(stored, capacity);
            events = Arrays.copyOf(events, capacity);
        }
        int slot = records.appendRecord(from, r);
        System.arraycopy(order, at, order, at + 1, n - at);
        order[at] = slot;
        flags[slot] = (byte) arrivalFlags;
        receivedAt[slot] = receivedAtMillis;
        stored[slot] = alreadyStored;
        events[slot] = event;
        return true;
    }

    /**
     * What a committed frame leaves: drops the first {@code n} records (decided, their decided form stored) and marks
     * the rest stored (they were written sealed). Costs nothing when nothing was decided.
     */
    public void keepFrom(int n) {
        if (n == 0) {
            for (int i = 0, size = size(); i < size; i++) {
                stored[order[i]] = true;
            }
            return;
        }
        rebuild(n, false);
    }

    /** What a frame that was not stored leaves: the records it added (not stored yet) are dropped again. */
    public void dropUnstored() {
        for (int i = 0, size = size(); i < size; i++) {
            if (!stored[order[i]]) {
                rebuild(0, true);
                return;
            }
        }
    }

    /** Keeps records {@code from ..} (only the stored ones when {@code storedOnly}), all marked stored. */
    private void rebuild(int from, boolean storedOnly) {
        if (spare == null) {
            spare = new PendingRecords();
        }
        spare.clear();
        for (int i = from, size = size(); i < size; i++) {
            int slot = order[i];
            if (!storedOnly || stored[slot]) {
                spare.add(records, slot, flags[slot], receivedAt[slot], true);
            }
        }
        AvlBatch r = records;
        records = spare.records;
        spare.records = r;
        int[] o = order;
        order = spare.order;
        spare.order = o;
        byte[] f = flags;
        flags = spare.flags;
        spare.flags = f;
        long[] t = receivedAt;
        receivedAt = spare.receivedAt;
        spare.receivedAt = t;
        boolean[] st = stored;
        stored = spare.stored;
        spare.stored = st;
        int[] e = events;
        events = spare.events;
        spare.events = e;
    }

    /** Copies records {@code from ..} of {@code other} (its order) into this emptied one. */
    public void copyTail(PendingRecords other, int from, boolean markStored) {
        clear();
        for (int i = from, n = other.size(); i < n; i++) {
            int slot = other.order[i];
            add(other.records, slot, other.flags[slot], other.receivedAt[slot], markStored || other.stored[slot]);
        }
    }

    /** The batch holding the records; index it with {@link #slot}, not with the order position. */
    public AvlBatch records() {
        return records;
    }

    /** Where the {@code i}-th record in device-time order lives in {@link #records()}. */
    public int slot(int i) {
        return order[i];
    }

    public long timeAt(int i) {
        return records.timestamp(order[i]);
    }

    /** The event ID the device sent with the {@code i}-th record (masking may clear the record's own). */
    public int eventAt(int i) {
        return events[order[i]];
    }

    public int flagsAt(int i) {
        return flags[order[i]];
    }

    public long receivedAtMillis(int i) {
        return receivedAt[order[i]];
    }

    /** Whether the {@code i}-th record is stored sealed already (written by an earlier frame). */
    public boolean storedAt(int i) {
        return stored[order[i]];
    }
}
