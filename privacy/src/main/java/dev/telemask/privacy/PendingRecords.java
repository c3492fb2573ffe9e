package dev.telemask.privacy;

import dev.telemask.codec.AvlBatch;
import java.util.Arrays;

/**
 * A device's records that are not decided yet, raw as the device sent them, in device-time order, each with its
 * {@link ArrivalFlags}, its receive time and whether it is already stored sealed. The engine decides a prefix of
 * them at a time ({@link TripDecider}); the rest waits.
 *
 * <p>The records of the frame being worked out are not copied in: they are read where the ledger keeps the frame
 * ({@link #addFrameRecord}) until the frame's commit, which copies in only those still waiting. Records that leave
 * keep their place in the own batch until the dead ones outnumber the live ones, so a frame costs its own records,
 * not the backlog again. Read a record with {@link #batchAt} and {@link #rowAt}.
 *
 * <p>Owned by one device's connection: not thread-safe. Grows with its backlog; once the backlog is gone or has
 * shrunk to a quarter of the room, its arrays are given back, so a backlog flushed once does not stay in memory.
 */
public final class PendingRecords {
    // The arrays start empty and are allocated at the first record: an idle connection holds a few of these.
    private static final int INITIAL = 16;
    /** The records copied in; rows of records that left stay until {@link #compact}. */
    private AvlBatch records = new AvlBatch();
    /** What {@link #compact} copies the live records into, then swaps with; made at first use. */
    private AvlBatch spare;
    /** The frame the borrowed records are read from, while any are. */
    private AvlBatch frame;
    private int borrowed;
    private int unstored;
    /** Records here that live in {@link #records}. */
    private int ownLive;

    // Per record in device-time order, at positions head .. head + size - 1.
    private int head;
    private int size;
    /** Row in {@link #records}, or {@code ~row} in {@link #frame} for a borrowed record. */
    private int[] rows = {};
    private long[] times = {};
    private int[] events = {};
    private byte[] flags = {};
    private long[] receivedAt = {};
    private boolean[] stored = {};

    /** Empties it, keeping its arrays. */
    public void clear() {
        records.clear();
        frame = null;
        borrowed = 0;
        unstored = 0;
        ownLive = 0;
        head = 0;
        size = 0;
    }

    public int size() {
        return size;
    }

    /**
     * Adds a copy of record {@code r} of {@code from} in device-time order (then event ID order) and returns true, or
     * returns false (adding nothing) when a record with the same device time and event ID is already here: a resend.
     */
    public boolean add(AvlBatch from, int r, int arrivalFlags, long receivedAtMillis, boolean alreadyStored) {
        int at = insertionPoint(from.timestamp(r), from.eventIo(r));
        if (at < 0) {
            return false;
        }
        insert(at, records.appendRecord(from, r), from.timestamp(r), from.eventIo(r), arrivalFlags, receivedAtMillis,
                alreadyStored);
        ownLive++;
        return true;
    }

    /**
     * As {@link #add}, not stored yet, without copying: the record is read from {@code frame} (which must stay as it
     * is) until {@link #keepFrom}, {@link #dropUnstored} or {@link #adoptFrameRecords}. All borrowed records come
     * from one frame.
     */
    boolean addFrameRecord(AvlBatch frame, int r, int arrivalFlags, long receivedAtMillis) {
        if (borrowed > 0 && frame != this.frame) {
            throw new IllegalStateException("records of two frames borrowed at once");
        }
        int at = insertionPoint(frame.timestamp(r), frame.eventIo(r));
        if (at < 0) {
            return false;
        }
        this.frame = frame;
        borrowed++;
        insert(at, ~r, frame.timestamp(r), frame.eventIo(r), arrivalFlags, receivedAtMillis, false);
        return true;
    }

    /**
     * Where a record of {@code time} and {@code event} goes, or -1 when one of that time and event is here. Devices
     * mostly append, so it searches from the end; records of one millisecond go by event ID, not by arrival, so that
     * every arrival order gives one order.
     */
    private int insertionPoint(long time, int event) {
        int at = size;
        while (at > 0 && (times[head + at - 1] > time
                || (times[head + at - 1] == time && events[head + at - 1] > event))) {
            at--;
        }
        if (at > 0 && times[head + at - 1] == time && events[head + at - 1] == event) {
            return -1;
        }
        return at;
    }

    /** The device-time index of the waiting record of {@code time} and {@code event}, or -1 when none waits. */
    int indexOf(long time, int event) {
        for (int i = size - 1; i >= 0 && times[head + i] >= time; i--) {
            if (times[head + i] == time && events[head + i] == event) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Adds {@code arrivalFlags} to the {@code i}-th waiting record: a record of its key that arrived after it and was
     * taken for its resend said more. Returns true when that record is stored sealed already and its flags changed:
     * its sealed form says less than it now does, and must be written again.
     */
    boolean addFlags(int i, int arrivalFlags) {
        int p = head + i;
        byte before = flags[p];
        flags[p] |= (byte) arrivalFlags;
        return stored[p] && flags[p] != before;
    }

    private void insert(int at, int row, long time, int event, int arrivalFlags, long receivedAtMillis,
                        boolean alreadyStored) {
        if (head + size == rows.length) {
            makeRoom();
        }
        int p = head + at;
        int tail = size - at;
        if (tail > 0) {
            System.arraycopy(rows, p, rows, p + 1, tail);
            System.arraycopy(times, p, times, p + 1, tail);
            System.arraycopy(events, p, events, p + 1, tail);
            System.arraycopy(flags, p, flags, p + 1, tail);
            System.arraycopy(receivedAt, p, receivedAt, p + 1, tail);
            System.arraycopy(stored, p, stored, p + 1, tail);
        }
        rows[p] = row;
        times[p] = time;
        events[p] = event;
        flags[p] = (byte) arrivalFlags;
        receivedAt[p] = receivedAtMillis;
        stored[p] = alreadyStored;
        if (!alreadyStored) {
            unstored++;
        }
        size++;
    }

    /** Moves the records to the front when the arrays' start is free, else doubles the arrays. */
    private void makeRoom() {
        if (head > 0 && size <= rows.length / 2) {
            move(head, 0, size);
            head = 0;
            return;
        }
        int capacity = Math.max(INITIAL, rows.length * 2);
        rows = Arrays.copyOf(rows, capacity);
        times = Arrays.copyOf(times, capacity);
        events = Arrays.copyOf(events, capacity);
        flags = Arrays.copyOf(flags, capacity);
        receivedAt = Arrays.copyOf(receivedAt, capacity);
        stored = Arrays.copyOf(stored, capacity);
    }

    private void move(int from, int to, int n) {
        System.arraycopy(rows, from, rows, to, n);
        System.arraycopy(times, from, times, to, n);
        System.arraycopy(events, from, events, to, n);
        System.arraycopy(flags, from, flags, to, n);
        System.arraycopy(receivedAt, from, receivedAt, to, n);
        System.arraycopy(stored, from, stored, to, n);
    }

    /**
     * What a committed frame leaves: drops the first {@code n} records (decided, their decided form stored) and marks
     * the rest stored (they were written sealed); the frame's records among them are copied in now.
     */
    public void keepFrom(int n) {
        for (int p = head, end = head + n; p < end; p++) {
            if (rows[p] >= 0) {
                ownLive--;
            } else {
                borrowed--;
            }
            if (!stored[p]) {
                unstored--;
            }
        }
        head += n;
        size -= n;
        // Only the frame's records are unstored or borrowed, and devices append, so they are found from the end:
        // a parked vehicle's backlog waiting for its anchor delay is not walked again at every frame.
        for (int p = head + size - 1; (unstored > 0 || borrowed > 0) && p >= head; p--) {
            if (!stored[p]) {
                stored[p] = true;
                unstored--;
            }
            if (rows[p] < 0) {
                rows[p] = records.appendRecord(frame, ~rows[p]);
                ownLive++;
                borrowed--;
            }
        }
        frame = null;
        if (size == 0) {
            emptied();
        } else if (records.size() - ownLive > Math.max(INITIAL, ownLive)) {
            compact();
        }
    }

    /**
     * Nothing waits: the own batch is emptied, and its arrays and the list's are given back when they grew past their
     * first size. A device's backlog empties now and then (a trip's start decided, say), not every frame: a device
     * whose frames' few records wait fits in the first size, and one with more waiting gives back memory it would
     * otherwise hold while it drives on.
     */
    private void emptied() {
        head = 0;
        if (records.oversizedFor(0)) {
            records = new AvlBatch();
            spare = null;
        } else {
            records.clear();
        }
        if (rows.length > INITIAL) {
            rows = new int[0];
            times = new long[0];
            events = new int[0];
            flags = new byte[0];
            receivedAt = new long[0];
            stored = new boolean[0];
        }
    }

    /** What a frame that was not stored leaves: the records it added (not stored yet) are dropped again. */
    public void dropUnstored() {
        if (unstored == 0) {
            return;
        }
        int w = head;
        for (int p = head, end = head + size; p < end; p++) {
            if (stored[p]) {
                if (w != p) {
                    move(p, w, 1);
                }
                w++;
            } else if (rows[p] >= 0) {
                ownLive--;
            }
        }
        size = w - head;
        unstored = 0;
        borrowed = 0;
        frame = null;
        if (size == 0) {
            emptied();
        }
    }

    /** Copies in the records read from the frame, so that the frame may change; costs nothing when there are none. */
    void adoptFrameRecords() {
        // From the end, as in keepFrom: the frame's records are the last few.
        for (int p = head + size - 1; borrowed > 0 && p >= head; p--) {
            if (rows[p] < 0) {
                rows[p] = records.appendRecord(frame, ~rows[p]);
                ownLive++;
                borrowed--;
            }
        }
        frame = null;
    }

    /** Copies the live records into a fresh batch, dropping the rows of records that left. */
    private void compact() {
        if (spare == null || spare.oversizedFor(ownLive)) {
            spare = new AvlBatch();
        }
        spare.clear();
        for (int p = head, end = head + size; p < end; p++) {
            if (rows[p] >= 0) {
                rows[p] = spare.appendRecord(records, rows[p]);
            }
        }
        AvlBatch r = records;
        records = spare;
        spare = r;
    }

    /** Copies records {@code from ..} of {@code other} (its order) into this emptied one. */
    public void copyTail(PendingRecords other, int from, boolean markStored) {
        clear();
        for (int i = from, n = other.size(); i < n; i++) {
            add(other.batchAt(i), other.rowAt(i), other.flagsAt(i), other.receivedAtMillis(i),
                    markStored || other.storedAt(i));
        }
    }

    /** The batch holding the records copied in; index it with {@link #slot}. */
    public AvlBatch records() {
        return records;
    }

    /**
     * Where the {@code i}-th record in device-time order lives in {@link #records()}.
     *
     * @throws IllegalStateException when that record is read from the frame being worked out ({@link #rowAt})
     */
    public int slot(int i) {
        int row = rows[head + i];
        if (row < 0) {
            throw new IllegalStateException("record " + i + " is read from the frame, not copied in");
        }
        return row;
    }

    /** The batch holding the {@code i}-th record in device-time order; index it with {@link #rowAt}. */
    public AvlBatch batchAt(int i) {
        return rows[head + i] >= 0 ? records : frame;
    }

    /** Where the {@code i}-th record in device-time order lives in {@link #batchAt}. */
    public int rowAt(int i) {
        int row = rows[head + i];
        return row >= 0 ? row : ~row;
    }

    public long timeAt(int i) {
        return times[head + i];
    }

    /** The event ID the device sent with the {@code i}-th record (masking may clear the record's own). */
    public int eventAt(int i) {
        return events[head + i];
    }

    public int flagsAt(int i) {
        return flags[head + i];
    }

    public long receivedAtMillis(int i) {
        return receivedAt[head + i];
    }

    /** Whether the {@code i}-th record is stored sealed already (written by an earlier frame). */
    public boolean storedAt(int i) {
        return stored[head + i];
    }
}
