package dev.telemask.privacy;

import java.nio.ByteBuffer;

/**
 * What the engine knows about one device at its <em>frontier</em>, the newest record it has decided: ignition and
 * movement, whether a trip is under way and private, whether the vehicle is parked where a private trip ended
 * (sticky), the device's private-mode element, whether the last fix was hidden by a privacy zone and how much of
 * a zone's trail is left to drive, the published mileage's offsets, where the coarsened vehicle parks, where and
 * when the frontier record was, and how many records wait undecided after it. Records after the frontier are decided from this state in device-time order
 * ({@link TripDecider}); records at or before it arrive too late to change anything.
 *
 * <p>Saved with {@link #save()} as a small versioned byte array that the gateway stores with the records it
 * decided, so a device that reconnects to another instance continues exactly there. Owned by one device's
 * connection: not thread-safe.
 */
public final class DeviceState {
    private static final byte FORMAT_VERSION = 10;
    static final int SAVED_LENGTH_V2 = 1 + 1 + 1 + 1 + 8 + 8 + 4 + 4;
    static final int SAVED_LENGTH_V3 = SAVED_LENGTH_V2 + 8 + 4 + 4;
    static final int SAVED_LENGTH_V4 = SAVED_LENGTH_V3 + 8 + 4;
    static final int SAVED_LENGTH_V5 = SAVED_LENGTH_V4 + VisibleMileage.SAVED_LENGTH;
    static final int SAVED_LENGTH_V6 = SAVED_LENGTH_V5 + 4 + 8 + 8;
    static final int SAVED_LENGTH_V7 = SAVED_LENGTH_V6 + 8;
    static final int SAVED_LENGTH_V8 = SAVED_LENGTH_V7 + 8;
    static final int SAVED_LENGTH_V9 = SAVED_LENGTH_V8 + 1;
    static final int SAVED_LENGTH = SAVED_LENGTH_V9 + ParkingPlaces.SAVED_LENGTH;
    static final byte UNKNOWN = TripRule.UNKNOWN;
    public static final long NEVER = Long.MIN_VALUE;

    private static final int IN_TRIP = 1;
    private static final int TRIP_PRIVATE = 1 << 1;
    private static final int PRIVATE_MODE = 1 << 2;
    private static final int LAST_FIX_IN_ZONE = 1 << 3;
    private static final int STICKY = 1 << 4;
    private static final int TRIP_AWARE = 1 << 5;
    private static final int FRONTIER_FIX = 1 << 6;
    private static final int LAST_FIX_PRIVATE = 1 << 7;
    /** In the flags byte at the end (the first is full). */
    private static final int IGNITION_SEEN_ON = 1;
    private static final int PRIVATE_MODE_REPORTED = 1 << 1;
    private static final int INPUTS_STALE = 1 << 2;
    private static final int IGNITION_WIRED = 1 << 3;
    private static final int DEFERRED_START_PRIVATE = 1 << 4;
    private static final int IGNITION_STALE = 1 << 5;
    private static final int IGNITION_ON_MAY_BE_MISSING = 1 << 6;
    private static final int FIX_AFTER_GAP_AWAITED = 1 << 7;

    byte ignition = UNKNOWN;
    byte movement = UNKNOWN;
    boolean inTrip;
    boolean tripPrivate;
    boolean privateMode;
    boolean lastFixInZone;
    /** The last record with a fix was private: a record without a fix repeats that position. */
    boolean lastFixPrivate;
    /** Parked where a private trip ended: private until the next trip starts. */
    boolean sticky;
    /** The device has reported ignition or movement: its records are read as trips. */
    boolean tripAware;
    /**
     * The device has reported ignition on: only then does its ignition 0 say the vehicle is off
     * ({@link TripRule#ignitionState}). Kept across gaps: it is how the device is wired.
     */
    boolean ignitionSeenOn;
    /**
     * Some record received, whatever its device time, reported ignition on: the device's ignition is wired. Records
     * logged before the first of them still read by {@link #ignitionSeenOn} (in device time, as every order would read
     * them once all has arrived); this only tells that such a record's ignition 0 may be off.
     */
    boolean ignitionWired;
    /**
     * The parked records since the last decided trip include one read as parked only because the device is known to
     * be wired ({@link #ignitionWired}), which, read as a trip start, was private: the trip ignition starts next is.
     */
    boolean deferredStartPrivate;
    /** No record since the last gap has reported ignition: {@link #ignition} is as reported before it. */
    boolean ignitionStale;
    /** A gap came before ignition was seen on: a record in it may have reported ignition on. */
    boolean ignitionOnMayBeMissing;
    /**
     * Under zones, the records since the last gap have had no fix: the first fix to come is the first after the gap,
     * which may lie on a trail the gap's records began ({@link PolicyEngine#mayBeOnTrail}).
     */
    boolean fixAfterGapAwaited;
    /**
     * The device has reported the policy's private-mode element: a record after a gap that lacks it may have missed
     * it coming on.
     */
    boolean privateModeReported;
    /**
     * Ignition and movement are as reported before a gap, no record since has said the vehicle is parked: a record
     * that reads as driving may continue a trip that started in the gap, and starts no public one.
     */
    boolean inputsStale;
    /**
     * Device time of the first record of the trip under way or, parked, of the last trip ({@link #NEVER}: none known
     * since a gap): a late record is placed in that trip by it.
     */
    long tripStartMillis = NEVER;
    /** Device time of the newest decided record, {@link #NEVER} before the first. */
    long frontierMillis = NEVER;
    /**
     * Event ID of the newest decided record: a record of the same millisecond with a higher one comes after it (records
     * of one millisecond are taken in event-ID order), so it is not late.
     */
    int frontierEvent;
    /**
     * Gateway time at which the newest decided record was received ({@link #NEVER}: not known, a state saved before
     * version 8). Its device time alone does not date it: a device clock running ahead makes an old record look
     * recent.
     */
    long frontierReceivedAtMillis = NEVER;
    boolean frontierFix;
    int frontierLatitude;
    int frontierLongitude;
    /**
     * Path still to drive, after leaving a zone's hidden disc, before records are visible again (0: none), and
     * the last fix it was measured from (the device's last fix, with or without zones: coarsening tells GNSS jumps
     * by it). Decided in device-time order like everything here.
     */
    double zoneTrailMetres;
    int zoneTrailLatitude;
    int zoneTrailLongitude;
    /** Device time of that fix ({@link #NEVER}: not known, a state saved before version 7). */
    long zoneTrailMillis = NEVER;
    /** The grid cell the last coarsened record was published in ({@link GeoGrid#NO_CELL}: none). */
    long lastCell = GeoGrid.NO_CELL;
    /** The published mileage, without what zones hid. */
    final VisibleMileage mileage = new VisibleMileage();
    /** Where the coarsened vehicle was published parked or leaving from, and in which cells. */
    final ParkingPlaces parkingPlaces = new ParkingPlaces();
    /**
     * How many records waited undecided (stored sealed) after the frontier, and the device time of the newest: a
     * ledger restored with fewer knows that some left the database undecided (expired private, or no longer opening).
     */
    int waitingCount;
    long waitingUntilMillis = NEVER;
    /**
     * Records up to this device time left the database undecided ({@link #NEVER}: none): until the frontier passes
     * it, no record continues the frontier, since the lost ones may lie in between; each is decided fail closed.
     */
    long lostUntilMillis = NEVER;

    /**
     * A state that knows the device had a past but nothing of it (its saved state was lost, or erased): every next
     * record follows a gap, so the engine fails closed until a trip is seen to start.
     */
    public static DeviceState unknownPast() {
        DeviceState state = new DeviceState();
        state.frontierMillis = 0;
        state.tripAware = true;
        // Its mileage offsets are lost too: the next published mileage counts from 0, so that set beside what was
        // published before it does not tell how much a privacy zone hid.
        state.mileage.hidden();
        return state;
    }

    /** Whether records that left the database undecided may lie after the frontier ({@link #lostUntilMillis}). */
    boolean lostAhead() {
        return lostUntilMillis != NEVER && frontierMillis <= lostUntilMillis;
    }

    /**
     * Takes up that only {@code loaded} of the records this state says were waiting came back from the database: the
     * others left it undecided, and the records up to the newest that waited are decided fail closed.
     */
    void waitingLoaded(int loaded) {
        if (loaded < waitingCount) {
            lostUntilMillis = Math.max(lostUntilMillis, waitingUntilMillis);
        }
    }

    /** Caches that make the hot path allocation-free; derived, never saved. */
    final LocalClock clock = new LocalClock();
    final GeoGrid.Cache gridCache = new GeoGrid.Cache();

    public boolean inTrip() {
        return inTrip;
    }

    public boolean tripPrivate() {
        return tripPrivate;
    }

    /** Whether the vehicle is parked where a private trip ended. */
    public boolean sticky() {
        return sticky;
    }

    /** Device time of the current trip's first record, or {@link #NEVER} outside a trip. */
    public long tripStartMillis() {
        return inTrip ? tripStartMillis : NEVER;
    }

    /** Device time of the newest decided record, or {@link #NEVER}. */
    public long frontierMillis() {
        return frontierMillis;
    }

    /** Whether the device has reported ignition or movement, so that its records are read as trips. */
    public boolean tripAware() {
        return tripAware;
    }

    /**
     * A stable form of this state: a version byte, flags, ignition, movement, trip start, frontier and its place,
     * the zone trail left and where it was measured, the last published grid cell, the frontier's event ID, the
     * published mileage's offsets, the records waiting and the time of the newest, until when records were lost, and
     * the time of the fix the zone trail was measured from, when the frontier record was received, and whether the
     * device has reported ignition on and the private-mode element, and whether ignition and movement are stale,
     * and the places the coarsened vehicle was published parked at or leaving from.
     */
    public byte[] save() {
        int flags = (inTrip ? IN_TRIP : 0) | (tripPrivate ? TRIP_PRIVATE : 0)
                | (privateMode ? PRIVATE_MODE : 0) | (lastFixInZone ? LAST_FIX_IN_ZONE : 0)
                | (sticky ? STICKY : 0) | (tripAware ? TRIP_AWARE : 0) | (frontierFix ? FRONTIER_FIX : 0)
                | (lastFixPrivate ? LAST_FIX_PRIVATE : 0);
        ByteBuffer out = ByteBuffer.allocate(SAVED_LENGTH)
                .put(FORMAT_VERSION).put((byte) flags).put(ignition).put(movement)
                .putLong(tripStartMillis).putLong(frontierMillis)
                .putInt(frontierLatitude).putInt(frontierLongitude)
                .putDouble(zoneTrailMetres).putInt(zoneTrailLatitude).putInt(zoneTrailLongitude)
                .putLong(lastCell).putInt(frontierEvent);
        mileage.save(out);
        out.putInt(waitingCount).putLong(waitingUntilMillis).putLong(lostUntilMillis).putLong(zoneTrailMillis)
                .putLong(frontierReceivedAtMillis).put((byte) ((ignitionSeenOn ? IGNITION_SEEN_ON : 0)
                        | (ignitionWired || ignitionSeenOn ? IGNITION_WIRED : 0)
                        | (deferredStartPrivate ? DEFERRED_START_PRIVATE : 0) | (ignitionStale ? IGNITION_STALE : 0)
                        | (ignitionOnMayBeMissing ? IGNITION_ON_MAY_BE_MISSING : 0)
                        | (fixAfterGapAwaited ? FIX_AFTER_GAP_AWAITED : 0)
                        | (privateModeReported ? PRIVATE_MODE_REPORTED : 0) | (inputsStale ? INPUTS_STALE : 0)));
        parkingPlaces.save(out);
        return out.array();
    }

    /**
     * The state {@link #save()} wrote; {@code null} or empty gives a fresh state, and so does a state of the first
     * format (which had no frontier): its records are then decided afresh from what arrives.
     */
    public static DeviceState restore(byte[] saved) {
        DeviceState state = new DeviceState();
        if (saved == null || saved.length == 0 || (saved[0] == 1 && saved.length == 20)) {
            return state;
        }
        boolean current = saved.length == SAVED_LENGTH && saved[0] == FORMAT_VERSION;
        boolean beforeParkingPlaces = saved.length == SAVED_LENGTH_V9 && saved[0] == 9;
        boolean beforeIgnitionSeen = saved.length == SAVED_LENGTH_V8 && saved[0] == 8;
        boolean beforeReceiveTimes = saved.length == SAVED_LENGTH_V7 && saved[0] == 7;
        boolean beforeTrailTimes = saved.length == SAVED_LENGTH_V6 && saved[0] == 6;
        boolean beforeWaiting = saved.length == SAVED_LENGTH_V5 && saved[0] == 5;
        boolean beforeMileage = saved.length == SAVED_LENGTH_V4 && saved[0] == 4;
        boolean beforeCells = saved.length == SAVED_LENGTH_V3 && saved[0] == 3;
        boolean beforeTrails = saved.length == SAVED_LENGTH_V2 && saved[0] == 2;
        if (!current && !beforeParkingPlaces && !beforeIgnitionSeen && !beforeReceiveTimes && !beforeTrailTimes
                && !beforeWaiting && !beforeMileage && !beforeCells && !beforeTrails) {
            throw new IllegalArgumentException("unknown device state format: version " + saved[0]
                    + ", " + saved.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(saved, 1, saved.length - 1);
        int flags = in.get();
        state.inTrip = (flags & IN_TRIP) != 0;
        state.tripPrivate = (flags & TRIP_PRIVATE) != 0;
        state.privateMode = (flags & PRIVATE_MODE) != 0;
        state.lastFixInZone = (flags & LAST_FIX_IN_ZONE) != 0;
        state.lastFixPrivate = (flags & LAST_FIX_PRIVATE) != 0;
        state.sticky = (flags & STICKY) != 0;
        state.tripAware = (flags & TRIP_AWARE) != 0;
        state.frontierFix = (flags & FRONTIER_FIX) != 0;
        state.ignition = in.get();
        state.movement = in.get();
        state.tripStartMillis = in.getLong();
        state.frontierMillis = in.getLong();
        state.frontierLatitude = in.getInt();
        state.frontierLongitude = in.getInt();
        if (!beforeTrails) {
            // Version 2 had no trails: a vehicle leaving a zone then stays hidden only inside its disc.
            state.zoneTrailMetres = in.getDouble();
            state.zoneTrailLatitude = in.getInt();
            state.zoneTrailLongitude = in.getInt();
        }
        if (current || beforeParkingPlaces || beforeIgnitionSeen || beforeReceiveTimes || beforeTrailTimes
                || beforeWaiting || beforeMileage) {
            // Version 3 had no last cell: the next coarsened record takes the cell it lies in. Nor the frontier's
            // event ID: a record in the frontier's millisecond is then late, as it was.
            state.lastCell = in.getLong();
            state.frontierEvent = in.getInt();
        }
        if (current || beforeParkingPlaces || beforeIgnitionSeen || beforeReceiveTimes || beforeTrailTimes
                || beforeWaiting) {
            state.mileage.restore(in);
        } else if (state.lastFixInZone || state.zoneTrailMetres > 0) {
            // Earlier versions kept no mileage offsets: a vehicle hidden by a zone now counts its mileage afresh
            // from its next visible record, so that the way from there is not measured.
            state.mileage.hidden();
        }
        if (current || beforeParkingPlaces || beforeIgnitionSeen || beforeReceiveTimes || beforeTrailTimes) {
            // Version 5 did not count the waiting records: a record that left the database undecided goes unnoticed.
            state.waitingCount = in.getInt();
            state.waitingUntilMillis = in.getLong();
            state.lostUntilMillis = in.getLong();
        }
        if (current || beforeParkingPlaces || beforeIgnitionSeen || beforeReceiveTimes) {
            // Version 6 kept no time for the trail's last fix: the next step on it counts however far it jumps.
            state.zoneTrailMillis = in.getLong();
        }
        if (current || beforeParkingPlaces || beforeIgnitionSeen) {
            // Version 7 kept no receive time: a position of now is withheld until the next record is decided.
            state.frontierReceivedAtMillis = in.getLong();
        }
        if (current || beforeParkingPlaces) {
            int more = in.get();
            state.ignitionSeenOn = (more & IGNITION_SEEN_ON) != 0;
            // A state saved before the device's wiring was kept apart: seen on in device time, it is wired.
            state.ignitionWired = (more & (IGNITION_WIRED | IGNITION_SEEN_ON)) != 0;
            state.deferredStartPrivate = (more & DEFERRED_START_PRIVATE) != 0;
            state.ignitionStale = (more & IGNITION_STALE) != 0;
            state.ignitionOnMayBeMissing = (more & IGNITION_ON_MAY_BE_MISSING) != 0;
            state.fixAfterGapAwaited = (more & FIX_AFTER_GAP_AWAITED) != 0;
            state.privateModeReported = (more & PRIVATE_MODE_REPORTED) != 0;
            state.inputsStale = (more & INPUTS_STALE) != 0;
        } else {
            // Earlier versions read every ignition 0 as off: a device known then is read so still (taking its
            // ignition for never on would make a parked vehicle's movement, a door shut hard, a trip start at the
            // place a private trip ended); one that has reported no trips yet is read by the rule from here on.
            state.ignitionSeenOn = state.tripAware;
            state.ignitionWired = state.tripAware;
        }
        if (current) {
            // Version 9 kept no parking places: each is remembered afresh the next time the vehicle parks there.
            state.parkingPlaces.restore(in);
        }
        return state;
    }

    /**
     * Makes this state equal to {@code other} without allocating: the gateway snapshots a device's state before a
     * frame and rolls back to it when the frame is not stored, because the device will send it again.
     */
    public void copyFrom(DeviceState other) {
        ignition = other.ignition;
        movement = other.movement;
        inTrip = other.inTrip;
        tripPrivate = other.tripPrivate;
        privateMode = other.privateMode;
        lastFixInZone = other.lastFixInZone;
        lastFixPrivate = other.lastFixPrivate;
        sticky = other.sticky;
        tripAware = other.tripAware;
        ignitionSeenOn = other.ignitionSeenOn;
        ignitionWired = other.ignitionWired;
        deferredStartPrivate = other.deferredStartPrivate;
        ignitionStale = other.ignitionStale;
        ignitionOnMayBeMissing = other.ignitionOnMayBeMissing;
        fixAfterGapAwaited = other.fixAfterGapAwaited;
        privateModeReported = other.privateModeReported;
        inputsStale = other.inputsStale;
        tripStartMillis = other.tripStartMillis;
        frontierMillis = other.frontierMillis;
        frontierFix = other.frontierFix;
        frontierLatitude = other.frontierLatitude;
        frontierLongitude = other.frontierLongitude;
        zoneTrailMetres = other.zoneTrailMetres;
        zoneTrailLatitude = other.zoneTrailLatitude;
        zoneTrailLongitude = other.zoneTrailLongitude;
        zoneTrailMillis = other.zoneTrailMillis;
        lastCell = other.lastCell;
        frontierEvent = other.frontierEvent;
        frontierReceivedAtMillis = other.frontierReceivedAtMillis;
        mileage.copyFrom(other.mileage);
        parkingPlaces.copyFrom(other.parkingPlaces);
        waitingCount = other.waitingCount;
        waitingUntilMillis = other.waitingUntilMillis;
        lostUntilMillis = other.lostUntilMillis;
    }

    /** Driving: neither ignition nor movement is known to be off, and at least one is known to be on. */
    boolean driving() {
        return driving(ignition, movement);
    }

    static boolean driving(byte ignition, byte movement) {
        return TripRule.driving(ignition, movement);
    }

    @Override
    public String toString() {
        return "DeviceState[frontier=" + frontierMillis + ", inTrip=" + inTrip + ", tripPrivate=" + tripPrivate
                + ", sticky=" + sticky + ", ignition=" + ignition + ", movement=" + movement + ", privateMode="
                + privateMode + ", lastFixInZone=" + lastFixInZone + ", lastFixPrivate=" + lastFixPrivate
                + ", ignitionSeenOn=" + ignitionSeenOn + ", tripStart=" + tripStartMillis + ", waiting=" + waitingCount
                + ", lostUntil=" + lostUntilMillis + "]";
    }
}
