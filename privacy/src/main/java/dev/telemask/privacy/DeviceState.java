package dev.telemask.privacy;

import java.nio.ByteBuffer;

/**
 * What the engine remembers about one device between records: ignition and movement, whether a trip is under way
 * and private, the device's private-mode switch, the manual private toggle and whether the last fix was in a
 * privacy zone. Saved with {@link #save()} as a small versioned byte array that the gateway stores, so a device
 * that reconnects to another instance continues its trip correctly.
 *
 * <p>Owned by one device's connection: not thread-safe.
 */
public final class DeviceState {
    private static final byte FORMAT_VERSION = 1;
    static final int SAVED_LENGTH = 1 + 1 + 1 + 1 + 8 + 8;
    static final byte UNKNOWN = -1;
    public static final long NEVER = Long.MIN_VALUE;

    private static final int IN_TRIP = 1;
    private static final int TRIP_PRIVATE = 1 << 1;
    private static final int PRIVATE_MODE = 1 << 2;
    private static final int LAST_FIX_IN_ZONE = 1 << 3;

    byte ignition = UNKNOWN;
    byte movement = UNKNOWN;
    boolean inTrip;
    boolean tripPrivate;
    boolean privateMode;
    boolean lastFixInZone;
    long tripStartMillis = NEVER;
    long manualPrivateUntilMillis = NEVER;

    /** Caches that make the hot path allocation-free; derived, never saved. */
    final LocalClock clock = new LocalClock();
    final GeoGrid.Cache gridCache = new GeoGrid.Cache();

    /** Makes records before {@code untilMillis} (device time) private: the driver's manual toggle. */
    public void manualPrivateUntil(long untilMillis) {
        manualPrivateUntilMillis = untilMillis;
    }

    public long manualPrivateUntilMillis() {
        return manualPrivateUntilMillis;
    }

    public boolean inTrip() {
        return inTrip;
    }

    public boolean tripPrivate() {
        return tripPrivate;
    }

    /** Device time of the current trip's first record, or {@link #NEVER} outside a trip. */
    public long tripStartMillis() {
        return tripStartMillis;
    }

    /** A stable form of this state: a version byte, flags, ignition, movement, trip start, toggle end. */
    public byte[] save() {
        int flags = (inTrip ? IN_TRIP : 0) | (tripPrivate ? TRIP_PRIVATE : 0)
                | (privateMode ? PRIVATE_MODE : 0) | (lastFixInZone ? LAST_FIX_IN_ZONE : 0);
        return ByteBuffer.allocate(SAVED_LENGTH)
                .put(FORMAT_VERSION).put((byte) flags).put(ignition).put(movement)
                .putLong(tripStartMillis).putLong(manualPrivateUntilMillis)
                .array();
    }

    /** The state {@link #save()} wrote; {@code null} or empty gives a fresh state. */
    public static DeviceState restore(byte[] saved) {
        DeviceState state = new DeviceState();
        if (saved == null || saved.length == 0) {
            return state;
        }
        if (saved.length != SAVED_LENGTH || saved[0] != FORMAT_VERSION) {
            throw new IllegalArgumentException("unknown device state format: version " + saved[0]
                    + ", " + saved.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(saved, 1, SAVED_LENGTH - 1);
        int flags = in.get();
        state.inTrip = (flags & IN_TRIP) != 0;
        state.tripPrivate = (flags & TRIP_PRIVATE) != 0;
        state.privateMode = (flags & PRIVATE_MODE) != 0;
        state.lastFixInZone = (flags & LAST_FIX_IN_ZONE) != 0;
        state.ignition = in.get();
        state.movement = in.get();
        state.tripStartMillis = in.getLong();
        state.manualPrivateUntilMillis = in.getLong();
        return state;
    }

    /**
     * Makes this state equal to {@code other} without allocating: the gateway snapshots a device's state before a
     * batch and rolls back to it when the batch is not stored, because the device will send it again.
     */
    public void copyFrom(DeviceState other) {
        ignition = other.ignition;
        movement = other.movement;
        inTrip = other.inTrip;
        tripPrivate = other.tripPrivate;
        privateMode = other.privateMode;
        lastFixInZone = other.lastFixInZone;
        tripStartMillis = other.tripStartMillis;
        manualPrivateUntilMillis = other.manualPrivateUntilMillis;
    }

    /** Driving: neither ignition nor movement is known to be off, and at least one is known to be on. */
    boolean driving() {
        return ignition != 0 && movement != 0 && (ignition == 1 || movement == 1);
    }

    @Override
    public String toString() {
        return "DeviceState[inTrip=" + inTrip + ", tripPrivate=" + tripPrivate + ", ignition=" + ignition
                + ", movement=" + movement + ", privateMode=" + privateMode + ", lastFixInZone=" + lastFixInZone
                + ", tripStart=" + tripStartMillis + ", manualPrivateUntil=" + manualPrivateUntilMillis + "]";
    }
}
