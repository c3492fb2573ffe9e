package dev.telemask.storage;

import dev.telemask.codec.AvlBatch;
import dev.telemask.privacy.Treatment;

import java.util.Objects;

/**
 * One device's masked records on their way to the {@code positions} table: the device, when the frame arrived,
 * the records and, per record, the {@link Treatment} code the privacy engine chose.
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
        this.imei = imei;
        this.receivedAtMillis = receivedAtMillis;
        this.records = records;
        this.treatments = treatments;
        this.deviceState = null;
        this.recordsLastSeen = false;
        return this;
    }

    /**
     * Also sets the device's {@code last_seen_at} to this batch's receive time, in the same transaction. The
     * default after {@link #set} is not to: a gateway asks for it about once a minute per device.
     */
    public PositionBatch recordLastSeen() {
        this.recordsLastSeen = true;
        return this;
    }

    /** Whether this batch updates the device's last-seen time. */
    public boolean recordsLastSeen() {
        return recordsLastSeen;
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

    public AvlBatch records() {
        return records;
    }

    /** Treatment code of record {@code r}. */
    public byte treatment(int r) {
        return treatments[r];
    }

    /** True when record {@code r} is to be stored at all. */
    public boolean isStored(int r) {
        return treatments[r] != Treatment.DROPPED.code();
    }

    /** Records that will be written, i.e. all but the dropped ones. */
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
