package dev.telemask.codec;

import java.util.Arrays;

/**
 * The records of one AVL frame, decoded into parallel arrays (one slot per record, one per IO element) so
 * that decoding, masking and writing allocate nothing once a batch has grown to its working size.
 *
 * <p>Record {@code r}'s IO elements are the element indices {@code ioStart(r) .. ioStart(r) + ioCount(r) - 1}.
 * Fixed-width values (1, 2, 4 or 8 bytes) are unsigned and held in a {@code long}; variable-length (NX)
 * values live in a shared byte arena. The privacy engine rewrites a record in place with
 * {@link #setPosition}, {@link #clearLocation} and {@link #removeIo}.
 *
 * <p>Not thread-safe. A batch is owned by one thread at a time and handed on whole.
 */
public final class AvlBatch {
    /** Width code of a variable-length (NX) element. */
    public static final int WIDTH_VARIABLE = 0;
    /** Generation type of records whose codec has none. */
    public static final int NO_GENERATION = -1;

    private static final int INITIAL_RECORDS = 16;
    private static final int INITIAL_ELEMENTS = 64;
    private static final int INITIAL_NX_BYTES = 256;

    // Every array starts empty and is allocated at the first record: a batch held by an idle connection (and there
    // are several per connection) costs a few hundred bytes, not kilobytes.
    private static final long[] EMPTY_LONG = {};
    private static final int[] EMPTY_INT = {};
    private static final byte[] EMPTY_BYTE = {};

    private AvlCodecId codec;
    private int size;

    // A record's fields are packed by the width the protocol gives them, six array slots a record instead of
    // thirteen: the decoder stores each record's fields once, and every store into an array is a bounds check.
    private long[] timestamp = EMPTY_LONG;
    /** Longitude in the high 32 bits, latitude in the low 32 ({@link #position}). */
    private long[] position = EMPTY_LONG;
    /** Altitude (signed), angle, satellites, speed and priority ({@link #motion}). */
    private long[] motion = EMPTY_LONG;
    /** Event IO ID, generation type, the withheld-event and cleared-location marks ({@link #tag}). */
    private int[] tag = EMPTY_INT;
    private int[] ioStart = EMPTY_INT;
    private int[] ioCount = EMPTY_INT;

    // motion's layout is the wire's (altitude, angle, satellites, speed from the high bits), the priority in the low
    // byte: the decoder reads the four fields in one load.
    private static final int SPEED_SHIFT = 8;
    private static final int SATELLITES_SHIFT = 24;
    private static final int ANGLE_SHIFT = 32;
    private static final int ALTITUDE_SHIFT = 48;
    /** What {@link #clearMotion} removes: altitude, angle and speed. */
    private static final long MOTION_FIELDS = 0xFFFF_FFFF_00FF_FF00L;
    /** What {@link #clearSatellites} removes of {@link #motion}. */
    private static final long SATELLITES_FIELD = 0xFFL << SATELLITES_SHIFT;
    /** What {@link #clearLocation} removes of {@link #motion}: everything but the priority. */
    private static final long LOCATING_FIELDS = 0xFFFF_FFFF_FFFF_FF00L;
    private static final int GENERATION_SHIFT = 16;
    private static final int LOCATION_CLEARED = 1 << 31;
    private static final int EVENT_WITHHELD = 1 << 30;

    /** Where an element's width sits in {@link #ioMeta}. */
    static final int WIDTH_SHIFT = 16;
    /** The bit of {@link #ioMeta} that marks an element removed. */
    private static final int REMOVED = 1 << 31;

    // elements, ioMeta and ioValue are package-private: the decoder fills a record's elements in place (see
    // reserveElements).
    int elements;
    // An element's ID, width and removed mark share one int (ID in bits 0-15, width in 16-23, removed in bit 31):
    // the decoder stores two values per element instead of four.
    int[] ioMeta = EMPTY_INT;
    long[] ioValue = EMPTY_LONG;
    /** For NX elements: offset into {@link #nx}, and the length is in {@link #ioValue}. */
    private int[] nxOffset = EMPTY_INT;

    private int nxSize;
    private byte[] nx = EMPTY_BYTE;

    /** Empties the batch, keeping its arrays. */
    public void clear() {
        codec = null;
        size = 0;
        elements = 0;
        nxSize = 0;
    }

    public AvlCodecId codec() {
        return codec;
    }

    public void codec(AvlCodecId codec) {
        this.codec = codec;
    }

    /** Number of records. */
    public int size() {
        return size;
    }

    /** Total number of IO elements over all records, removed ones included. */
    public int elementCount() {
        return elements;
    }

    /**
     * Whether it has room for more than four times {@code used} records and more than its first size: a holder that
     * keeps a batch between frames replaces one that is that much larger than what it last held, so that a backlog
     * held once does not stay in memory for good.
     */
    public boolean oversizedFor(int used) {
        return timestamp.length > Math.max(INITIAL_RECORDS, 4 * used);
    }

    // ---- building ----------------------------------------------------------------------------------

    /**
     * Appends a record and returns its index. Its IO elements are the ones appended with
     * {@link #addIo}/{@link #addNx} until the next call. Every field must fit its width on the wire: priority and
     * satellites 0..255, angle, speed and event IO ID 0..65535, altitude a signed 16-bit value, generation
     * {@link #NO_GENERATION} or 0..255.
     */
    public int addRecord(long timestampMillis, int priority, int longitude, int latitude, int altitude,
                         int angle, int satellites, int speed, int eventIo, int generation) {
        if (((priority | satellites) & ~0xFF | (angle | speed | eventIo) & ~0xFFFF) != 0
                || altitude != (short) altitude || generation < NO_GENERATION || generation > 0xFF) {
            throw fieldOutOfRange(priority, altitude, angle, satellites, speed, eventIo, generation);
        }
        return addDecoded(timestampMillis, position(longitude, latitude),
                motion(priority, altitude, angle, satellites, speed), tag(eventIo, generation));
    }

    private static IllegalArgumentException fieldOutOfRange(int priority, int altitude, int angle, int satellites,
                                                            int speed, int eventIo, int generation) {
        return new IllegalArgumentException("a record field does not fit its width: priority " + priority
                + ", altitude " + altitude + ", angle " + angle + ", satellites " + satellites + ", speed " + speed
                + ", event IO " + eventIo + ", generation " + generation);
    }

    /** A record's {@link #position}. */
    static long position(int longitude, int latitude) {
        return (long) longitude << 32 | latitude & 0xFFFF_FFFFL;
    }

    /** A record's {@link #motion}: each value already within its width (altitude a signed 16-bit value). */
    static long motion(int priority, int altitude, int angle, int satellites, int speed) {
        return (long) altitude << ALTITUDE_SHIFT | (long) angle << ANGLE_SHIFT
                | (long) satellites << SATELLITES_SHIFT | (long) speed << SPEED_SHIFT | priority;
    }

    /** A record's {@link #tag}, location not cleared: the event IO ID within 16 bits, generation -1..255. */
    static int tag(int eventIo, int generation) {
        return eventIo | (generation + 1) << GENERATION_SHIFT;
    }

    /** Appends a record of packed fields, as the decoder reads them, and returns its index. */
    int addDecoded(long timestampMillis, long position, long motion, int tag) {
        int r = size;
        if (r == timestamp.length) {
            growRecords(Math.max(INITIAL_RECORDS, r * 2));
        }
        this.timestamp[r] = timestampMillis;
        this.position[r] = position;
        this.motion[r] = motion;
        this.tag[r] = tag;
        this.ioStart[r] = elements;
        this.ioCount[r] = 0;
        size = r + 1;
        return r;
    }

    /** Appends a fixed-width element (width 1, 2, 4 or 8) to the last record. */
    public void addIo(int id, int width, long value) {
        int e = appendElement(id, width);
        ioValue[e] = value;
    }

    /** Appends a variable-length element to the last record, copying {@code length} bytes of {@code src}. */
    public void addNx(int id, byte[] src, int from, int length) {
        checkId(id);
        appendNx(id, src, from, length);
        ioCount[size - 1]++;
    }

    /**
     * Appends a variable-length element (ID within 16 bits) to the last record without counting it there: the
     * decoder ends each record with {@link #endRecord}.
     */
    void appendNx(int id, byte[] src, int from, int length) {
        int e = elements;
        if (e == ioMeta.length) {
            growElements(Math.max(INITIAL_ELEMENTS, e * 2));
        }
        if (nxSize + length > nx.length) {
            nx = Arrays.copyOf(nx, Math.max(Math.max(INITIAL_NX_BYTES, nx.length * 2), nxSize + length));
        }
        ioMeta[e] = meta(id, WIDTH_VARIABLE);
        ioValue[e] = length;
        nxOffset[e] = nxSize;
        System.arraycopy(src, from, nx, nxSize, length);
        nxSize += length;
        elements = e + 1;
    }

    private static void checkId(int id) {
        if ((id & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("IO element ID " + id + " is not 0..65535");
        }
    }

    private int appendElement(int id, int width) {
        checkId(id);
        int e = elements;
        if (e == ioMeta.length) {
            growElements(Math.max(INITIAL_ELEMENTS, e * 2));
        }
        ioMeta[e] = meta(id, width);
        elements = e + 1;
        ioCount[size - 1]++;
        return e;
    }

    /** An element's {@link #ioMeta}: not removed. */
    static int meta(int id, int width) {
        return id | width << WIDTH_SHIFT;
    }

    /**
     * Makes room for {@code n} more elements and returns the array to store their {@link #ioMeta} in;
     * {@link #ioValue} is as long. The decoder fills elements {@code elements .. elements + n - 1} of the last record
     * itself, moves {@link #elements} on, and ends the record with {@link #endRecord}: one capacity check per IO
     * group and one count update per record instead of one of each per element.
     */
    int[] reserveElements(int n) {
        if (elements + n > ioMeta.length) {
            growElements(Math.max(elements + n, Math.max(INITIAL_ELEMENTS, ioMeta.length * 2)));
        }
        return ioMeta;
    }

    /** Sets the last record's element count to the elements appended since it was added; returns that count. */
    int endRecord() {
        int r = size - 1;
        int n = elements - ioStart[r];
        ioCount[r] = n;
        return n;
    }

    /** Makes this batch an exact copy of {@code other}, reusing this batch's arrays where they suffice. */
    public void copyFrom(AvlBatch other) {
        clear();
        codec = other.codec;
        if (timestamp.length < other.size) {
            growRecords(other.size);
        }
        if (ioMeta.length < other.elements) {
            growElements(other.elements);
        }
        if (nx.length < other.nxSize) {
            nx = new byte[other.nxSize];
        }
        int n = other.size;
        System.arraycopy(other.timestamp, 0, timestamp, 0, n);
        System.arraycopy(other.position, 0, position, 0, n);
        System.arraycopy(other.motion, 0, motion, 0, n);
        System.arraycopy(other.tag, 0, tag, 0, n);
        System.arraycopy(other.ioStart, 0, ioStart, 0, n);
        System.arraycopy(other.ioCount, 0, ioCount, 0, n);
        int m = other.elements;
        System.arraycopy(other.ioMeta, 0, ioMeta, 0, m);
        System.arraycopy(other.ioValue, 0, ioValue, 0, m);
        System.arraycopy(other.nxOffset, 0, nxOffset, 0, m);
        System.arraycopy(other.nx, 0, nx, 0, other.nxSize);
        size = n;
        elements = m;
        nxSize = other.nxSize;
    }

    /**
     * Appends a copy of record {@code r} of {@code from} (its kept IO elements only) and returns its index here. The
     * copy's location is cleared when the original's is.
     */
    public int appendRecord(AvlBatch from, int r) {
        int copy = addDecoded(from.timestamp[r], from.position[r], from.motion[r], from.tag[r]);
        // One capacity check for the record's elements, then plain stores: the privacy engine copies every record
        // it keeps or masks, a dozen elements each.
        int start = from.ioStart[r];
        int end = start + from.ioCount[r];
        if (elements + (end - start) > ioMeta.length) {
            growElements(Math.max(elements + (end - start), Math.max(INITIAL_ELEMENTS, ioMeta.length * 2)));
        }
        int e = elements;
        for (int s = start; s < end; s++) {
            int meta = from.ioMeta[s];
            if ((meta & REMOVED) != 0) {
                continue;
            }
            ioMeta[e] = meta;
            if (meta >>> WIDTH_SHIFT == WIDTH_VARIABLE) {
                int length = (int) from.ioValue[s];
                if (nxSize + length > nx.length) {
                    nx = Arrays.copyOf(nx, Math.max(Math.max(INITIAL_NX_BYTES, nx.length * 2), nxSize + length));
                }
                System.arraycopy(from.nx, from.nxOffset[s], nx, nxSize, length);
                nxOffset[e] = nxSize;
                nxSize += length;
            }
            ioValue[e] = from.ioValue[s];
            e++;
        }
        ioCount[copy] = e - elements;
        elements = e;
        return copy;
    }

    private void growRecords(int capacity) {
        timestamp = Arrays.copyOf(timestamp, capacity);
        position = Arrays.copyOf(position, capacity);
        motion = Arrays.copyOf(motion, capacity);
        tag = Arrays.copyOf(tag, capacity);
        ioStart = Arrays.copyOf(ioStart, capacity);
        ioCount = Arrays.copyOf(ioCount, capacity);
    }

    private void growElements(int capacity) {
        ioMeta = Arrays.copyOf(ioMeta, capacity);
        ioValue = Arrays.copyOf(ioValue, capacity);
        nxOffset = Arrays.copyOf(nxOffset, capacity);
    }

    // ---- record fields -----------------------------------------------------------------------------

    /** Device time of record {@code r}, milliseconds since the Unix epoch (UTC). */
    public long timestamp(int r) {
        return timestamp[r];
    }

    public int priority(int r) {
        return (int) motion[r] & 0xFF;
    }

    /** Longitude in units of 1e-7 degree, signed. */
    public int longitude(int r) {
        return (int) (position[r] >> 32);
    }

    /** Latitude in units of 1e-7 degree, signed. */
    public int latitude(int r) {
        return (int) position[r];
    }

    /** Altitude in metres above sea level, signed. */
    public int altitude(int r) {
        return (int) (motion[r] >> ALTITUDE_SHIFT);
    }

    /** Heading in degrees from north, 0..360. */
    public int angle(int r) {
        return (int) (motion[r] >>> ANGLE_SHIFT) & 0xFFFF;
    }

    public int satellites(int r) {
        return (int) (motion[r] >>> SATELLITES_SHIFT) & 0xFF;
    }

    /** Speed in km/h as the device computed it from GPS. */
    public int speed(int r) {
        return (int) (motion[r] >>> SPEED_SHIFT) & 0xFFFF;
    }

    /** The IO element ID that triggered the record, 0 when none did or when {@link #withholdEventIo} hid it. */
    public int eventIo(int r) {
        int t = tag[r];
        return (t & EVENT_WITHHELD) != 0 ? 0 : t & 0xFFFF;
    }

    /**
     * The event IO ID the device sent, even one {@link #withholdEventIo} hid: only for telling a record from the
     * others of its millisecond (a storage key derives from it), never for output.
     */
    public int keyEventIo(int r) {
        return tag[r] & 0xFFFF;
    }

    /** Codec 16's generation type, or {@link #NO_GENERATION}. */
    public int generation(int r) {
        return (tag[r] >>> GENERATION_SHIFT & 0x1FF) - 1;
    }

    /**
     * True when {@link #clearLocation} removed this record's coordinates, altitude, angle, satellites and speed:
     * their accessors then return 0, which a writer must store as "no value", never as 0.
     */
    public boolean isLocationCleared(int r) {
        return (tag[r] & LOCATION_CLEARED) != 0;
    }

    // ---- in-place rewriting ------------------------------------------------------------------------

    /** Replaces record {@code r}'s coordinates (1e-7 degree units). */
    public void setPosition(int r, int longitude, int latitude) {
        this.position[r] = position(longitude, latitude);
    }

    /** Removes everything that locates record {@code r}: coordinates, altitude, angle, satellites and speed. */
    public void clearLocation(int r) {
        tag[r] |= LOCATION_CLEARED;
        position[r] = 0;
        motion[r] &= ~LOCATING_FIELDS;
    }

    /**
     * Removes what lets a track be dead-reckoned between coarse positions: altitude, angle (heading) and speed;
     * coordinates and satellites stay.
     */
    public void clearMotion(int r) {
        motion[r] &= ~MOTION_FIELDS;
    }

    /** Sets record {@code r}'s satellites to 0; its coordinates stay. */
    public void clearSatellites(int r) {
        motion[r] &= ~SATELLITES_FIELD;
    }

    /** Replaces record {@code r}'s event IO ID; 0 means "no event". */
    public void setEventIo(int r, int id) {
        if ((id & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("event IO ID " + id + " is not 0..65535");
        }
        tag[r] = tag[r] & ~(0xFFFF | EVENT_WITHHELD) | id;
    }

    /**
     * Hides record {@code r}'s event IO ID: {@link #eventIo} reads 0 from now on, as for a record no event triggered,
     * while {@link #keyEventIo} keeps the ID, so two records of one millisecond still tell apart where they are stored.
     */
    public void withholdEventIo(int r) {
        tag[r] |= EVENT_WITHHELD;
    }

    // ---- IO elements -------------------------------------------------------------------------------

    /** Index of record {@code r}'s first IO element. */
    public int ioStart(int r) {
        return ioStart[r];
    }

    /** Number of IO elements of record {@code r}, removed ones included. */
    public int ioCount(int r) {
        return ioCount[r];
    }

    public int ioId(int e) {
        return ioMeta[e] & 0xFFFF;
    }

    /** 1, 2, 4 or 8 for fixed-width elements, {@link #WIDTH_VARIABLE} for NX elements. */
    public int ioWidth(int e) {
        return (ioMeta[e] >>> WIDTH_SHIFT) & 0xFF;
    }

    /** The unsigned value of a fixed-width element (8-byte values may read negative as a signed long). */
    public long ioValue(int e) {
        return ioValue[e];
    }

    /** Length in bytes of an NX element's value. */
    public int nxLength(int e) {
        return (int) ioValue[e];
    }

    /** Offset of an NX element's value in {@link #nxArray()}. */
    public int nxOffset(int e) {
        return nxOffset[e];
    }

    /** The arena holding NX values; read it with {@link #nxOffset} and {@link #nxLength}, never keep it. */
    public byte[] nxArray() {
        return nx;
    }

    public boolean isIoRemoved(int e) {
        return (ioMeta[e] & REMOVED) != 0;
    }

    /** Replaces the value of fixed-width element {@code e} (never an NX element, whose value is its length). */
    public void setIoValue(int e, long value) {
        if (ioWidth(e) == WIDTH_VARIABLE) {
            throw new IllegalArgumentException("element " + e + " is variable-length");
        }
        ioValue[e] = value;
    }

    /** Marks element {@code e} removed: readers and writers skip it. */
    public void removeIo(int e) {
        ioMeta[e] |= REMOVED;
    }

    /** The element index of record {@code r}'s element {@code id} that is not removed, or -1. */
    public int findIo(int r, int id) {
        for (int e = ioStart[r], end = e + ioCount[r]; e < end; e++) {
            if ((ioMeta[e] & (REMOVED | 0xFFFF)) == id) {
                return e;
            }
        }
        return -1;
    }

    /** Number of record {@code r}'s elements that are not removed. */
    public int keptIoCount(int r) {
        int kept = 0;
        for (int e = ioStart[r], end = e + ioCount[r]; e < end; e++) {
            if ((ioMeta[e] & REMOVED) == 0) {
                kept++;
            }
        }
        return kept;
    }
}
