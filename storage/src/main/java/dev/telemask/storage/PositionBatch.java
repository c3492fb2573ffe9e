package dev.telemask.storage;

import dev.telemask.codec.AvlBatch;
import dev.telemask.privacy.Treatment;

import java.util.Objects;

/**
 * One device's masked records on their way to the {@code positions} table: the device, when the frame arrived,
 * the records and, per record, the {@link Treatment} code the privacy engine chose. Records coded
 * {@link Treatment#SEALED} go to {@code sealed_positions} instead, encrypted (see {@link #sealed}), and
 * {@link #resolved} names earlier sealed rows of the device to delete; all of it in the records' one transaction.
 *
 * <p>Reusable: the gateway may keep one per connection and {@link #set} it for every frame. Once offered to a
 * {@link PositionWriter}, the writer owns it (and its {@link AvlBatch}) until the completion callback has run; the
 * writer reads the records straight out of it instead of copying them.
 */
public final class PositionBatch {
    private long imei;
    private long receivedAtMillis;
    private AvlBatch records;
    private byte[] treatments;
    private byte[] deviceState;
    private boolean recordsLastSeen;
    private long[] receivedTimes;
    private long switchVersion = UNCHECKED;
    private byte[] sealFlags;
    private long sealedUntilMillis;
    private long[] resolvedTimes;
    private int[] resolvedEventIos;
    private int resolvedCount;
    private java.util.List<dev.telemask.privacy.DeviceEvent> events = java.util.List.of();
    private byte[] eventState;

    // Set by the writer while the batch is queued, so that queuing allocates nothing per batch.
    BatchCallback callback;
    long queuedBytes;
    int queuedWeight;

    public PositionBatch() {
    }

    public PositionBatch(long imei, long receivedAtMillis, AvlBatch records, byte[] treatments) {
        set(imei, receivedAtMillis, records, treatments);
    }

    /**
     * Points this batch at one frame's records.
     *
     * @param treatments one {@link Treatment#code()} per record, same index as {@code records}; records coded
     *                   {@link Treatment#DROPPED} are not stored
     */
    public PositionBatch set(long imei, long receivedAtMillis, AvlBatch records, byte[] treatments) {
        Objects.requireNonNull(records, "records");
        Objects.requireNonNull(treatments, "treatments");
        if (treatments.length < records.size()) {
            throw new IllegalArgumentException("need one treatment per record: " + treatments.length
                    + " treatments for " + records.size() + " records");
        }
        release();
        this.imei = imei;
        this.receivedAtMillis = receivedAtMillis;
        this.records = records;
        this.treatments = treatments;
        return this;
    }

    /**
     * Forgets the frame: lets go of the records and arrays it points at, once written, so that a batch kept between
     * frames does not hold them alive; {@link #set} points it at records again.
     */
    public void release() {
        this.records = null;
        this.treatments = null;
        this.receivedTimes = null;
        this.deviceState = null;
        this.recordsLastSeen = false;
        this.switchVersion = UNCHECKED;
        this.sealFlags = null;
        this.sealedUntilMillis = 0;
        this.resolvedTimes = null;
        this.resolvedEventIos = null;
        this.resolvedCount = 0;
        this.events = java.util.List.of();
        this.eventState = null;
    }

    /**
     * The events computed from this batch's decided records and the event detector's state after them, written in
     * the records' transaction (null state: leave the saved one). The list is read when the batch is written.
     */
    public PositionBatch events(java.util.List<dev.telemask.privacy.DeviceEvent> computed, byte[] state) {
        this.events = Objects.requireNonNull(computed, "computed");
        this.eventState = state;
        return this;
    }

    /** The events to store with this batch. */
    public java.util.List<dev.telemask.privacy.DeviceEvent> events() {
        return events;
    }

    /** The event detector's state to save with this batch, or null to leave it. */
    public byte[] eventState() {
        return eventState;
    }

    /**
     * How this batch's {@link Treatment#SEALED} records are sealed: until when they may stay undecided (the expiry
     * job makes them private after that) and one byte per record (same index as the records) that is sealed with
     * the record and returned when it is opened. Reset by {@link #set}; {@code flags} may be null (all zero).
     */
    public PositionBatch sealed(long untilMillis, byte[] flags) {
        if (flags != null && flags.length < records.size()) {
            throw new IllegalArgumentException("need one seal flag per record: " + flags.length + " flags for "
                    + records.size() + " records");
        }
        this.sealedUntilMillis = untilMillis;
        this.sealFlags = flags;
        return this;
    }

    /**
     * Keys of this device's sealed rows to delete in this batch's transaction: decided (their decided form is among
     * this batch's records) or destroyed. The arrays are the caller's and are read when the batch is written, so
     * keep them untouched until the callback, like the records; {@link #set} resets the count to none.
     *
     * <p>Within one transaction the batches' order decides (a row sealed by one batch and resolved by a later one is
     * gone); across transactions the writer's threads keep no order, so a device has one batch in flight at a time
     * (as a gateway session has), or its seal and its resolution could commit the wrong way round.
     *
     * @param deviceTimes device times of the rows, milliseconds since the Unix epoch
     * @param eventIos    their event IO ids, same index
     */
    public PositionBatch resolved(long[] deviceTimes, int[] eventIos, int count) {
        if (count < 0 || count > deviceTimes.length || count > eventIos.length) {
            throw new IllegalArgumentException("resolved count " + count + " exceeds its arrays");
        }
        this.resolvedTimes = deviceTimes;
        this.resolvedEventIos = eventIos;
        this.resolvedCount = count;
        return this;
    }

    /** Number of sealed rows this batch resolves. */
    public int resolvedCount() {
        return resolvedCount;
    }

    /** Device time of the {@code i}-th resolved sealed row. */
    public long resolvedTime(int i) {
        return resolvedTimes[i];
    }

    /** Event IO of the {@code i}-th resolved sealed row. */
    public int resolvedEventIo(int i) {
        return resolvedEventIos[i];
    }

    /** Until when this batch's sealed records may stay undecided, milliseconds since the Unix epoch. */
    public long sealedUntilMillis() {
        return sealedUntilMillis;
    }

    /** The caller's flag byte of record {@code r}, sealed with it. */
    public int sealFlags(int r) {
        return sealFlags == null ? 0 : sealFlags[r];
    }

    /** True when record {@code r} goes to {@code sealed_positions}, encrypted. */
    public boolean isSealed(int r) {
        return treatments[r] == Treatment.SEALED.code();
    }

    /** True when the given row key is among this batch's resolved keys. */
    boolean resolves(long deviceTimeMillis, int eventIo) {
        for (int i = 0; i < resolvedCount; i++) {
            if (resolvedTimes[i] == deviceTimeMillis && resolvedEventIos[i] == eventIo) {
                return true;
            }
        }
        return false;
    }

    /** True when the batch has sealed records or resolved keys: the writer then touches sealed_positions. */
    boolean touchesSealed() {
        if (resolvedCount > 0) {
            return true;
        }
        for (int r = 0, size = records.size(); r < size; r++) {
            if (isSealed(r)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Also sets the device's {@code last_seen_at} to this batch's receive time, in the same transaction. The
     * default after {@link #set} is not to: a gateway asks for it about once a minute per device.
     */
    /** A batch whose switches are not checked (tests, benchmarks). */
    public static final long UNCHECKED = -1;

    /**
     * Stores this batch only if the device's {@code switch_version} is still {@code version} when the writer's
     * transaction locks the device's row; otherwise the batch fails with {@link StaleSwitchesException} and the
     * gateway masks it again under the new switches. {@link #UNCHECKED} (the default after {@link #set}) skips it.
     */
    public PositionBatch switchVersion(long version) {
        this.switchVersion = version;
        return this;
    }

    /**
     * Points this batch at no records, only at the check that device {@code imei}'s switch version is still
     * {@code version}: committed, it confirms the switches the caller acted on (a restricted device's frame dropped);
     * failed with {@link StaleSwitchesException}, they changed.
     */
    public PositionBatch switchCheck(long imei, long receivedAtMillis, long version) {
        return set(imei, receivedAtMillis, NO_RECORDS, NO_TREATMENTS).switchVersion(version);
    }

    private static final AvlBatch NO_RECORDS = new AvlBatch();
    private static final byte[] NO_TREATMENTS = {};

    public long switchVersion() {
        return switchVersion;
    }

    public PositionBatch recordLastSeen() {
        this.recordsLastSeen = true;
        return this;
    }

    /** Whether this batch updates the device's last-seen time. */
    public boolean recordsLastSeen() {
        return recordsLastSeen;
    }

    /**
     * The last-seen time this batch writes: when the newest of its stored records was received (records decided by
     * the clock alone arrived with earlier frames), or, storing none, this batch's receive time.
     */
    public long lastSeenMillis() {
        long newest = Long.MIN_VALUE;
        for (int r = 0, size = records.size(); r < size; r++) {
            if (isStored(r)) {
                newest = Math.max(newest, receivedAtMillis(r));
            }
        }
        return newest == Long.MIN_VALUE ? receivedAtMillis : newest;
    }

    /**
     * Saves the privacy engine's state for this device in the same transaction as the records, so that a device
     * reconnecting anywhere continues from exactly what was committed. Null (the default after {@link #set}) leaves
     * the saved state as it is: pass it only when it changed.
     */
    public PositionBatch deviceState(byte[] state) {
        this.deviceState = state;
        return this;
    }

    /** The state to save with this batch, or null to leave it. */
    public byte[] deviceState() {
        return deviceState;
    }

    /** The device's IMEI, its key in the database. */
    public long imei() {
        return imei;
    }

    /** When the gateway received the frame, milliseconds since the Unix epoch. */
    public long receivedAtMillis() {
        return receivedAtMillis;
    }

    /**
     * Gives each record the time the gateway received it (same index as the records), for a frame whose records
     * arrived with earlier frames (waiting sealed until this one decided them). Null: every record arrived with this
     * batch. Cleared by {@link #set}.
     */
    public PositionBatch receivedTimes(long[] times) {
        this.receivedTimes = times;
        return this;
    }

    /**
     * When the gateway received record {@code r}: a record that waited sealed is stored with the time it arrived, not
     * that of the frame that decided it, which would tell when its trip's grace window ended, so when the trip began.
     */
    public long receivedAtMillis(int r) {
        return receivedTimes == null ? receivedAtMillis : receivedTimes[r];
    }

    /** When the gateway received the stored record of device time {@code deviceTimeMillis} (an event's record). */
    public long receivedAtMillisOf(long deviceTimeMillis) {
        for (int r = 0, size = records.size(); receivedTimes != null && r < size; r++) {
            if (records.timestamp(r) == deviceTimeMillis && !isSealed(r)) {
                return receivedTimes[r];
            }
        }
        return receivedAtMillis;
    }

    public AvlBatch records() {
        return records;
    }

    /** Treatment code of record {@code r}. */
    public byte treatment(int r) {
        return treatments[r];
    }

    /**
     * True when record {@code r} is to be written to {@code positions}: neither dropped, nor sealed, nor hidden by
     * a privacy zone (whose time entries would time the way home).
     */
    public boolean isStored(int r) {
        byte t = treatments[r];
        return t != Treatment.DROPPED.code() && t != Treatment.SEALED.code() && t != Treatment.ZONE.code();
    }

    /** Records that will be written to positions, i.e. all but the dropped and sealed ones. */
    public int storedCount() {
        int n = 0;
        for (int r = 0, size = records.size(); r < size; r++) {
            if (isStored(r)) {
                n++;
            }
        }
        return n;
    }

    /**
     * A rough upper bound of the memory this batch pins and the COPY bytes it produces, for the writer's byte
     * limit: a fixed cost per record and element plus the variable-length values.
     */
    long estimateBytes() {
        long bytes = 96L * records.size();
        for (int e = 0, n = records.elementCount(); e < n; e++) {
            bytes += 16;
            if (records.ioWidth(e) == AvlBatch.WIDTH_VARIABLE) {
                bytes += records.nxLength(e);
            }
        }
        return bytes;
    }
}
