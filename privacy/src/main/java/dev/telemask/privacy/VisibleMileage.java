package dev.telemask.privacy;

import dev.telemask.codec.AvlBatch;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Keeps a device's published mileage to the visible part of its driving: the metres driven while a privacy zone hid
 * the vehicle are taken out of every mileage element published after them. Otherwise the odometer of the last
 * visible record before home and of the first one after it would measure the way in and out, and place home on
 * the road seen on either side.
 *
 * <p>Per distance element: the raw value last published and the offset subtracted from it. A published value
 * after a hidden stretch continues from the one before it, as if the vehicle had not moved meanwhile. A counter
 * that restarted (a trip odometer at a new trip, a replaced device) starts again from its raw value, or from 0 when
 * it restarted while hidden; one that may restart at any trip's start counts from 0 after every hidden stretch. Part
 * of {@link DeviceState}: decided in device-time order, saved and rolled back with it, allocation-free on the hot
 * path.
 */
final class VisibleMileage {
    /** The distance elements, in the order of the saved form. */
    static final int[] IDS = {TeltonikaIo.TOTAL_ODOMETER, TeltonikaIo.TRIP_ODOMETER, 10151, 10152, 87, 105};
    static final int SAVED_LENGTH = 1 + IDS.length * 16;
    private static final long NONE = Long.MIN_VALUE;
    private static final int ALL = (1 << IDS.length) - 1;
    /**
     * The counters that restart (the trip odometer at a trip's start, the tachograph's current distance): after a
     * hidden stretch they count from 0 whether or not they restarted meanwhile. Telling a restart by the raw value
     * falling below the last published one compared the way out from home with the trip before it: evening trips
     * of many lengths bracketed the way out to the metre.
     */
    private static final int RESTARTING = 1 << 1 | 1 << 3;

    private final long[] lastRaw = new long[IDS.length];
    private final long[] offset = new long[IDS.length];
    /** Bit k: a zone hid records since element {@code IDS[k]} was last published. */
    private int hiddenSince;

    VisibleMileage() {
        Arrays.fill(lastRaw, NONE);
    }

    /** A zone hid a record: every element's next published value must not count the way driven meanwhile. */
    void hidden() {
        hiddenSince = ALL;
    }

    /** Publishes record {@code r}'s distance elements as continuations of the ones published before them. */
    void publish(AvlBatch batch, int r) {
        for (int e = batch.ioStart(r), end = e + batch.ioCount(r); e < end; e++) {
            int k = indexOf(batch.ioId(e));
            if (k < 0 || batch.isIoRemoved(e) || batch.ioWidth(e) == AvlBatch.WIDTH_VARIABLE) {
                continue;
            }
            long raw = batch.ioValue(e);
            boolean restarted = lastRaw[k] == NONE || raw < lastRaw[k];
            if ((hiddenSince & (1 << k)) != 0) {
                offset[k] = restarted || (RESTARTING & (1 << k)) != 0 ? raw : offset[k] + raw - lastRaw[k];
            } else if (restarted) {
                offset[k] = 0;
            }
            hiddenSince &= ~(1 << k);
            lastRaw[k] = raw;
            batch.setIoValue(e, raw - offset[k]);
        }
    }

    /**
     * Whether a zone has hidden any of the device's driving: then a record that cannot be placed in the sequence (a
     * late one) must not show its raw mileage beside the shifted one.
     */
    boolean shifted() {
        if (hiddenSince != 0) {
            return true;
        }
        for (long o : offset) {
            if (o != 0) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(int id) {
        for (int k = 0; k < IDS.length; k++) {
            if (IDS[k] == id) {
                return k;
            }
        }
        return -1;
    }

    void copyFrom(VisibleMileage other) {
        System.arraycopy(other.lastRaw, 0, lastRaw, 0, IDS.length);
        System.arraycopy(other.offset, 0, offset, 0, IDS.length);
        hiddenSince = other.hiddenSince;
    }

    void save(ByteBuffer out) {
        out.put((byte) hiddenSince);
        for (int k = 0; k < IDS.length; k++) {
            out.putLong(lastRaw[k]).putLong(offset[k]);
        }
    }

    void restore(ByteBuffer in) {
        hiddenSince = in.get() & ALL;
        for (int k = 0; k < IDS.length; k++) {
            lastRaw[k] = in.getLong();
            offset[k] = in.getLong();
        }
    }
}
