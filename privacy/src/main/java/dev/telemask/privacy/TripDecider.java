package dev.telemask.privacy;

import dev.telemask.codec.AvlBatch;

/**
 * Decides a device's waiting records over trips in device time, never in arrival order. It walks the
 * {@link PendingRecords} from the device's frontier ({@link DeviceState}) in device-time order and decides each
 * record whose verdict can no longer change, then stops at the first that could:
 *
 * <ol>
 *   <li><b>Continuity.</b> A record continues the frontier when nothing can be missing in between: at most
 *   {@code maxRecordGap} after it (a parked record away from a parked frontier once it has waited {@code anchorDelay}
 *   for the trip between them), or, after a parked record, at most {@code maxParkedGap} after it at the same
 *   place (within {@value #SAME_PLACE_METRES} m) once it has waited {@code anchorDelay} for records that might
 *   fill the gap; or, whatever the gap, a record the device logged because ignition or movement came on (a trip
 *   start by its word), once it waited {@code anchorDelay} too. Otherwise it waits for the records before it.
 *   When the earliest waiting record has waited {@code anchorDelay} (gateway time) and still does not continue
 *   the frontier, the engine anchors there: a device's very first records are decided from the earliest one received; after a gap,
 *   fail closed: the records are private (a trip under way is private, a parked vehicle is at a place a private trip
 *   may have ended) until a trip is seen to start.</li>
 *   <li><b>Trips</b> follow {@link TripRule}: a trip starts at a driving record after a parked one and ends at the
 *   first record where ignition or movement is off; that end point belongs to the trip.</li>
 *   <li><b>Private trips.</b> A private trigger (the device's private-mode element, the manual switch, no location
 *   consent) at the trip's first record or within its grace window, or a start outside business hours or business
 *   hours ending within that window, makes the whole trip private, its start included. A trigger later in the trip,
 *   or its first record outside business hours, makes it private from there to its end. A trip's first records are
 *   not decided before its grace window has passed in device time (a later record, or the trip's end, has
 *   arrived).</li>
 *   <li><b>Sticky places.</b> After a private trip, the parked vehicle's records stay private until the next trip
 *   starts; a business trip from there is public from its first record. A device known to be wired (ignition on in
 *   any record received, whatever its device time) starts no trip there on movement alone when a gap may hide the
 *   record that first switched ignition on, nor while ignition is as reported before a gap.</li>
 *   <li><b>Parked records</b> are otherwise private outside business hours or under a private trigger.</li>
 *   <li><b>Expiry.</b> A record that waited longer than the expiry is decided fail-closed: anchored as above, or,
 *   at a trip start whose grace window never completed, in a private trip. Waiting records that left the database
 *   without being decided here (expired there while the device was away, or no longer opening) are not forgotten:
 *   up to the newest of them, each record is anchored fail-closed after a gap, the lost ones may lie before it.</li>
 * </ol>
 *
 * <p>Stateless and allocation-free per record: all state lives in the arguments.
 */
public final class TripDecider {
    /** How near a parked vehicle's next record must be to count as "did not move". */
    static final int SAME_PLACE_METRES = 300;
    private static final int NOT_KNOWN = -1;
    private static final int CONTINUES = 0;
    private static final int SAME_PLACE = 1;
    private static final int GAP = 2;
    private static final int TRIP_START = 3;
    private static final int ON_ITS_OWN = 4;
    private static final int PARKED_ELSEWHERE = 5;
    /** The most records a device may have waiting; beyond it the oldest are decided fail-closed. */
    public static final int MAX_PENDING = 20_000;

    private TripDecider() {}

    /**
     * Decides a prefix of {@code pending} (device-time order) from {@code state}, advancing {@code state} past each
     * decided record and appending a masked copy of it to {@code decided} ({@code pending} itself is left as it was);
     * {@code out} holds the treatment of each decided record by its order position. Returns how many were decided.
     *
     * @param consent       the device's consent now: a record is judged by the stricter of it and its arrival flags
     * @param manualPrivate the driver's manual switch is on now: like consent, the stricter of now and arrival holds
     * @param nowMillis     the gateway's clock, for the anchor delay and the expiry
     * @param expiryMillis  how long a record may wait undecided
     * @param rulesChangedAtMillis when the device's rules (policy, its version, own zones) last changed: a record that
     *                      arrived before it is judged private (as under the manual switch), whatever the rules now
     */
    public static int decide(CompiledPolicy policy, Consent consent, boolean manualPrivate, DeviceState state,
                             PendingRecords pending, long nowMillis, long expiryMillis, long rulesChangedAtMillis,
                             AvlBatch decided, Treatments out) {
        int nowFlags = manualPrivate ? ArrivalFlags.MANUAL_PRIVATE : 0;
        int n = pending.size();
        out.reset(n);
        int i = 0;
        for (; i < n; i++) {
            AvlBatch batch = pending.batchAt(i);
            int r = pending.rowAt(i);
            long time = pending.timeAt(i);
            int flags = flagsOf(pending, i, nowFlags, rulesChangedAtMillis);
            // Beyond the cap, the oldest waiting records are decided as if expired: a device cannot make the
            // gateway hold an unbounded backlog by never letting a grace window close.
            boolean expired = nowMillis - pending.receivedAtMillis(i) >= expiryMillis || n - i > MAX_PENDING;
            // A record stamped ahead of the gateway's clock (a clock that jumped, a GNSS glitch) waits for it: the
            // records the device logs until then are still to come, and decided now it would make them all late.
            if (time > nowMillis && !expired) {
                out.clockDeadline(time);
                break;
            }
            boolean anchorFresh = false;
            boolean anchorClosed = false;
            // Records that left the database undecided may lie between the frontier and this one: nothing continues.
            boolean afterLost = state.lostAhead();
            int continuity = afterLost ? GAP : continuity(policy, state, batch, r, time);
            if (continuity != CONTINUES) {
                // A trip-start event waits too: the records before it, which it does not need to start a trip, may
                // still say that trip is private (private mode on, the element not repeated in the event record).
                if (nowMillis - pending.receivedAtMillis(i) < policy.anchorDelayMillis && !expired) {
                    out.clockDeadline(pending.receivedAtMillis(i) + policy.anchorDelayMillis);
                    break;
                }
                anchorFresh = continuity == GAP && state.frontierMillis == DeviceState.NEVER && !afterLost;
                anchorClosed = continuity == GAP && !anchorFresh;
            }
            // A device that told us its trip starts here (an ignition or movement event) starts afresh whatever
            // the gap before; a vehicle that stood at the same place through a gap may have made a round trip
            // meanwhile, so it stands where a private trip may have ended.
            boolean tripStartEvent = continuity == TRIP_START;
            boolean samePlace = continuity == SAME_PLACE;

            // Across a gap too, ignition and movement are as the device last reported them until it reports them
            // again: read as unknown, a record without them would pass for parked after a gap, and the next one with
            // movement on for a trip seen to start, publishing where a private trip ended (or still goes), and a
            // parked vehicle's movement (a door shut hard) would start a trip while ignition is off.
            // The private-mode element a record after a gap lacks may have come on in the gap (in the trip that ended
            // where the vehicle now stands, say): a device that reports the element is taken to have it on until a
            // record says otherwise (records that arrive later than the anchor delay would be too late to say so), so
            // the trip it starts next is private, as it would be were the gap's records there.
            boolean afterGap = continuity != CONTINUES && continuity != PARKED_ELSEWHERE && !anchorFresh;
            boolean privateModeBefore = state.privateMode || (state.privateModeReported && afterGap);
            int inputs = readInputs(policy, batch, r, state.ignition, state.movement, privateModeBefore,
                    state.ignitionSeenOn);
            byte ignition = ignition(inputs);
            byte movement = movement(inputs);
            boolean privateMode = privateMode(inputs);
            boolean driving = DeviceState.driving(ignition, movement);
            boolean privateNow = privateNow(consent, flags, privateMode);

            // After a gap (or a stop through one) ignition and movement are as last reported, not seen: until a record
            // itself says the vehicle is parked, one that reads as driving may belong to a trip that started in the
            // gap (whose first records, a private-mode press among them, arrive later), so it starts no public trip.
            boolean inputsStale = (anchorClosed || samePlace || (!anchorFresh && !tripStartEvent && state.inputsStale))
                    && !saysParked(state, batch, r);
            boolean inTrip = anchorFresh || tripStartEvent ? false : anchorClosed ? driving : state.inTrip;
            boolean tripPrivate = anchorClosed || (!anchorFresh && !tripStartEvent && state.tripPrivate);
            boolean sticky = anchorClosed || samePlace || (!anchorFresh && state.sticky);
            long tripStart = anchorFresh || anchorClosed ? (driving ? time : DeviceState.NEVER) : state.tripStartMillis;
            // Ignition 0 before the device is seen (in device time) to switch it on reads as unknown, so movement
            // alone makes such a record drive; but where a private trip ended, a device whose ignition is wired (a
            // record received already, logged later, says so) may be parked with a door shut hard, and every order
            // that brings the earlier records first reads it so. The place stays private until ignition says a trip
            // starts: taking it as a trip start would publish where the private trip ended. Read as the start it may
            // be, a trigger on it would make the trip private: the trip that ignition then starts is private too.
            // So is ignition as last reported before a gap: the gap's records (the end of the private trip) may have
            // turned it off, and until a record reports it again, movement alone is all that says the vehicle drives.
            // Only a gap can hide a record that switched ignition on before this one: with none since the device was
            // first seen, its ignition 0 is unknown in every order, and the rules read movement alone.
            boolean ignitionStale = !ignitionReported(inputs) && (state.ignitionStale || afterGap);
            boolean ignitionOnMayBeMissing = state.ignitionOnMayBeMissing || afterGap && !ignitionSeenOn(inputs);
            boolean deferredStartPrivate = false;
            if (driving && !inTrip && sticky && state.ignitionWired
                    && (ignition == TripRule.UNKNOWN && ignitionOnMayBeMissing || ignitionStale)) {
                driving = false;
                deferredStartPrivate = state.deferredStartPrivate || privateNow
                        || PolicyEngine.outsideBusinessHours(policy, state, time);
            }
            boolean recordPrivate;
            if (inTrip) {
                // A record outside business hours is private, in a trip too: the end of the working day turns the
                // trip under way private from there to its end, like a trigger, so the drive home that began in
                // hours does not publish where it ends. The start of the working day never publishes the rest of a
                // trip that started private.
                tripPrivate |= privateNow || PolicyEngine.outsideBusinessHours(policy, state, time);
                recordPrivate = tripPrivate;
                if (!driving) {
                    inTrip = false;
                    sticky = tripPrivate;
                    tripPrivate = false;
                    // tripStart stays: a private-mode press of this trip that arrives late still hides where it ended.
                }
            } else if (driving) {
                // A trip that starts private is private whatever its window holds; only a public start waits.
                boolean startsPrivate = privateNow || inputsStale || state.deferredStartPrivate
                        || PolicyEngine.outsideBusinessHours(policy, state, time);
                int window = startsPrivate ? 1 : graceWindowVerdict(policy, state, consent, nowFlags,
                        rulesChangedAtMillis, pending, i, privateMode, ignitionSeenOn(inputs),
                        sticky && !ignitionSeenOn(inputs), expired, nowMillis, out);
                if (window == NOT_KNOWN) {
                    break;
                }
                inTrip = true;
                tripStart = time;
                sticky = false;
                // A trip that would start in the very millisecond a private trip ended (a device logging ignition off
                // and on at once) does not get to publish where that trip ended.
                tripPrivate = window == 1 || (time == state.frontierMillis && state.sticky);
                recordPrivate = tripPrivate;
            } else {
                recordPrivate = privateNow || sticky || PolicyEngine.outsideBusinessHours(policy, state, time);
            }

            if (continuity != CONTINUES && !anchorFresh) {
                // A record without a fix repeats the device's last fix, which after a gap may be one still to arrive
                // (of a private stretch): until the next fix, such records follow no fix from before the gap.
                state.lastFixPrivate = true;
                if (policy.zones.length > 0) {
                    // The records of the gap may have been hidden by a zone (a night at home, uploaded newest first,
                    // arrives behind this one, too late to be seen): taken as driven, the mileage published from here
                    // on, less the one before the gap, would measure the way home and back.
                    state.mileage.hidden();
                    // So may the way out of a hidden disc: the first fix after the gap, within a trail's length of
                    // one, may lie on its trail, which the records of the gap would have begun. Published, the first
                    // fixes past the disc's edge (a tracker without ignition or movement judges each record on its
                    // own) would point home. Records without a fix may come first: the check waits for the fix.
                    if (state.frontierMillis == DeviceState.NEVER
                            || time - state.frontierMillis > policy.maxRecordGapMillis) {
                        state.fixAfterGapAwaited = true;
                    }
                }
            }
            if (state.fixAfterGapAwaited && PolicyEngine.hasFix(batch, r)) {
                state.fixAfterGapAwaited = false;
                PolicyEngine.mayBeOnTrail(policy, state, batch.latitude(r), batch.longitude(r), time);
            }
            state.ignition = ignition;
            state.movement = movement;
            state.privateMode = privateMode;
            state.ignitionSeenOn = ignitionSeenOn(inputs);
            state.privateModeReported |= privateModeReported(inputs);
            state.inputsStale = inputsStale;
            state.deferredStartPrivate = deferredStartPrivate;
            state.ignitionStale = ignitionStale;
            state.ignitionOnMayBeMissing = ignitionOnMayBeMissing;
            state.inTrip = inTrip;
            state.tripPrivate = tripPrivate;
            state.sticky = sticky;
            state.tripStartMillis = tripStart;
            state.tripAware |= PolicyEngine.hasTripIo(batch, r);
            state.frontierMillis = time;
            state.frontierEvent = pending.eventAt(i);
            state.frontierReceivedAtMillis = pending.receivedAtMillis(i);
            state.frontierFix = PolicyEngine.hasFix(batch, r);
            state.frontierLatitude = batch.latitude(r);
            state.frontierLongitude = batch.longitude(r);

            Consent narrowed = Consent.of(ArrivalFlags.location(consent, flags),
                    ArrivalFlags.driverIdentity(consent, flags), ArrivalFlags.telemetry(consent, flags));
            int copy = decided.appendRecord(batch, r);
            out.set(i, PolicyEngine.mask(policy, narrowed, state, decided, copy, recordPrivate));
        }
        return i;
    }

    /**
     * Whether a record at {@code time} follows the frontier with nothing missing in between: {@link #CONTINUES};
     * {@link #SAME_PLACE} after a parked record, when it continues once the records that might fill the gap had
     * the anchor delay to arrive; {@link #PARKED_ELSEWHERE} for a parked record away from a parked frontier within
     * {@code maxRecordGap}, when it continues once a trip between the two places had the anchor delay to arrive;
     * {@link #ON_ITS_OWN} for a record without ignition or movement of a device that has reported neither, which has
     * no trips to fail closed on but waits the anchor delay all the same (the records before it that might report
     * them, and a private trip it belongs to, may still be on their way); or {@link #GAP}.
     */
    private static int continuity(CompiledPolicy policy, DeviceState state, AvlBatch batch, int r, long time) {
        if (state.frontierMillis == DeviceState.NEVER) {
            return GAP;
        }
        long gap = time - state.frontierMillis;
        if (gap <= policy.maxRecordGapMillis) {
            // Parked at two places: a trip between them may still be on its way (newest first), and decided now this
            // record would publish where a private trip ended. It waits the anchor delay for it, then continues: a
            // GNSS jump of a parked vehicle, nothing missing, is no private place.
            return parkedElsewhere(state, batch, r) ? PARKED_ELSEWHERE : CONTINUES;
        }
        if (!state.tripAware && !PolicyEngine.hasTripIo(batch, r)) {
            return ON_ITS_OWN;
        }
        if (startsTrip(state, batch, r)) {
            return TRIP_START;
        }
        if (state.driving() || gap > policy.maxParkedGapMillis || drivingRecord(state, batch, r)) {
            return GAP;
        }
        double metres = metresFromFrontier(state, batch, r);
        return metres >= 0 && metres <= SAME_PLACE_METRES ? SAME_PLACE : GAP;
    }

    /** A parked record with a fix, more than {@value #SAME_PLACE_METRES} m from the parked frontier's fix. */
    private static boolean parkedElsewhere(DeviceState state, AvlBatch batch, int r) {
        return !state.driving() && !drivingRecord(state, batch, r)
                && metresFromFrontier(state, batch, r) > SAME_PLACE_METRES;
    }

    /** Metres from the frontier's fix to record {@code r}'s, or -1 when either has none. */
    private static double metresFromFrontier(DeviceState state, AvlBatch batch, int r) {
        return state.frontierFix && PolicyEngine.hasFix(batch, r)
                ? Distance.metres(state.frontierLatitude, state.frontierLongitude, batch.latitude(r),
                batch.longitude(r))
                : -1;
    }

    /**
     * A record the device logged because ignition or movement came on, driving: a trip starts here by its word.
     * Driving as the decision will read it, an element the record lacks taken from the frontier: a movement event
     * without ignition after ignition went off is a vehicle rolling while parked, no trip start, so it must not be
     * decided ahead of the records before it.
     */
    private static boolean startsTrip(DeviceState state, AvlBatch batch, int r) {
        int event = batch.eventIo(r);
        if (event != TeltonikaIo.IGNITION && event != TeltonikaIo.MOVEMENT) {
            return false;
        }
        int e = batch.findIo(r, event);
        if (e < 0 || batch.ioValue(e) == 0) {
            return false;
        }
        int inputs = readInputs(null, batch, r, state.ignition, state.movement, false, state.ignitionSeenOn);
        return TripRule.driving(ignition(inputs), movement(inputs));
    }

    /** Whether the record's own elements say the vehicle is parked: ignition (once seen on) or movement off. */
    private static boolean saysParked(DeviceState state, AvlBatch batch, int r) {
        int inputs = readInputs(null, batch, r, DeviceState.UNKNOWN, DeviceState.UNKNOWN, false,
                state.ignitionSeenOn);
        return ignition(inputs) == 0 || movement(inputs) == 0;
    }

    /** Whether the record's own elements say the vehicle drives (a record without them does not). */
    private static boolean drivingRecord(DeviceState state, AvlBatch batch, int r) {
        int inputs = readInputs(null, batch, r, DeviceState.UNKNOWN, DeviceState.UNKNOWN, false,
                state.ignitionSeenOn);
        return TripRule.driving(ignition(inputs), movement(inputs));
    }

    /**
     * Record {@code i}'s flags as judged now: its arrival flags, the driver's switch now, and the manual switch's when
     * it arrived before the device's rules last changed, so that a change of rules (a zone removed, a policy swapped)
     * never publishes what arrived under the rules before it.
     */
    private static int flagsOf(PendingRecords pending, int i, int nowFlags, long rulesChangedAtMillis) {
        int flags = pending.flagsAt(i) | nowFlags;
        return pending.receivedAtMillis(i) < rulesChangedAtMillis ? flags | ArrivalFlags.MANUAL_PRIVATE : flags;
    }

    /**
     * Whether a private trigger (or the end of business hours) falls within the grace window of the trip starting at
     * order position {@code start}: 1 yes, 0 no, {@link #NOT_KNOWN} when the records up to the window's end (or the
     * trip's end) have not all arrived. An expired start is decided fail-closed.
     *
     * <p>A trip that starts in a privacy zone's hidden disc (home) is held longer: until its grace window has passed
     * since its first fix outside every hidden disc. The trip's records are published when it is decided, and the
     * live map, webhooks and Kafka see that moment: were it the end of the window from the start, it would tell when
     * the trip began at home, and the time from there to the first visible record, at its speed, is the way's
     * length. Triggers still count within the window from the start only; the longer hold changes no verdict.
     */
    private static int graceWindowVerdict(CompiledPolicy policy, DeviceState state, Consent consent, int nowFlags,
                                          long rulesChangedAtMillis, PendingRecords pending, int start,
                                          boolean privateModeAtStart, boolean ignitionSeenOn,
                                          boolean fromPrivatePlace, boolean expired, long nowMillis, Treatments out) {
        long windowEnd = pending.timeAt(start) + policy.graceMillis;
        if (policy.graceMillis <= 0 && !fromPrivatePlace) {
            return triggerInStartMillisecond(policy, consent, nowFlags, rulesChangedAtMillis, pending, start,
                    privateModeAtStart, ignitionSeenOn) ? 1 : 0;
        }
        boolean hidden = startsHidden(policy, pending, start);
        long holdEnd = hidden ? NOT_LEFT : windowEnd;
        // The newest record here once the verdict is known (no trigger in the window) but the hold not yet passed.
        int held = -1;
        boolean privateMode = privateModeAtStart;
        boolean seenOn = ignitionSeenOn;
        // Movement alone, with no ignition to say the engine ran, starts a trip where a private trip ended when a door
        // is shut hard or the car washed: such a trip is held until it leaves the place, and one that ends there was
        // the parked vehicle, private like the place (else it and the drift after it would publish where it stands).
        boolean left = !fromPrivatePlace;
        // Measured from the trip's first fix: a start without one (zeros, or a stale position) says nothing of where.
        int origin = PolicyEngine.hasFix(pending.batchAt(start), pending.rowAt(start)) ? start : -1;
        long previous = pending.timeAt(start);
        for (int j = start + 1, n = pending.size(); j < n; j++) {
            long time = pending.timeAt(j);
            if (time - previous > policy.maxRecordGapMillis) {
                break;
            }
            if (holdEnd == NOT_LEFT && leftHiddenDiscs(policy, pending, j)) {
                holdEnd = Math.max(windowEnd, time + policy.graceMillis);
            }
            if (!left && origin < 0 && PolicyEngine.hasFix(pending.batchAt(j), pending.rowAt(j))) {
                origin = j;
            } else if (!left && origin >= 0) {
                left = leftPlace(pending, origin, j);
            }
            boolean pastWindow = time > windowEnd;
            if (pastWindow && time >= holdEnd && left) {
                return 0;
            }
            int inputs = readInputs(policy, pending.batchAt(j), pending.rowAt(j), DeviceState.UNKNOWN,
                    DeviceState.UNKNOWN, privateMode, seenOn);
            seenOn = ignitionSeenOn(inputs);
            byte ignition = ignition(inputs);
            byte movement = movement(inputs);
            privateMode = privateMode(inputs);
            // The end of business hours within the window is a trigger like the button: the trip that leaves work
            // at 18:59 is private as a whole, as one pressed private in its first minutes is.
            if (!pastWindow && (privateNow(consent, flagsOf(pending, j, nowFlags, rulesChangedAtMillis), privateMode)
                    || PolicyEngine.outsideBusinessHours(policy, state, time))) {
                return 1;
            }
            if (ignition == 0 || movement == 0) {
                if (!left) {
                    return 1;
                }
                // The trip ended inside its window (or hold): all of it is here.
                if (!hidden || holdEnd == NOT_LEFT) {
                    return 0;
                }
                held = j;
                break;
            }
            if (time >= windowEnd && time >= holdEnd && left) {
                return 0;
            }
            if (time >= windowEnd && holdEnd != NOT_LEFT && left) {
                held = j;
            }
            previous = time;
        }
        if (held >= 0) {
            // Decided but held: released when the device's clock would have passed the hold, by the gateway's clock
            // from the newest record here, for a device that stops sending (a trip's end: its parked records may not
            // come for an hour, and a gap) must not turn the hold into an expiry.
            long release = pending.receivedAtMillis(held) + (holdEnd - pending.timeAt(held));
            if (nowMillis >= release || expired) {
                return 0;
            }
            out.clockDeadline(release);
            return NOT_KNOWN;
        }
        return expired ? 1 : NOT_KNOWN;
    }

    /**
     * Whether a record logged in the same millisecond as the trip's first (an event the device logged at that instant,
     * ordered after it by its event ID) carries a private trigger: without a grace window it is the trip's start too,
     * and a press there makes the whole trip private, the first record included.
     */
    private static boolean triggerInStartMillisecond(CompiledPolicy policy, Consent consent, int nowFlags,
                                                     long rulesChangedAtMillis, PendingRecords pending, int start,
                                                     boolean privateMode, boolean seenOn) {
        long startTime = pending.timeAt(start);
        for (int j = start + 1, n = pending.size(); j < n && pending.timeAt(j) == startTime; j++) {
            int inputs = readInputs(policy, pending.batchAt(j), pending.rowAt(j), DeviceState.UNKNOWN,
                    DeviceState.UNKNOWN, privateMode, seenOn);
            privateMode = privateMode(inputs);
            if (privateNow(consent, flagsOf(pending, j, nowFlags, rulesChangedAtMillis), privateMode)) {
                return true;
            }
        }
        return false;
    }

    /** A trip start held until it leaves the hidden discs has not left them yet. */
    private static final long NOT_LEFT = Long.MAX_VALUE;

    /** Whether the trip start at {@code i} lies in a hidden disc; one without a fix may (it follows the last fix). */
    private static boolean startsHidden(CompiledPolicy policy, PendingRecords pending, int i) {
        if (!policy.hasZones()) {
            return false;
        }
        AvlBatch batch = pending.batchAt(i);
        int r = pending.rowAt(i);
        return !PolicyEngine.hasFix(batch, r) || policy.inZone(batch.latitude(r), batch.longitude(r));
    }

    /**
     * Whether record {@code j} has a fix more than {@value #SAME_PLACE_METRES} m from the fix of record {@code start}.
     */
    private static boolean leftPlace(PendingRecords pending, int start, int j) {
        AvlBatch from = pending.batchAt(start);
        AvlBatch batch = pending.batchAt(j);
        int s = pending.rowAt(start);
        int r = pending.rowAt(j);
        return PolicyEngine.hasFix(batch, r) && Distance.metres(from.latitude(s), from.longitude(s), batch.latitude(r),
                batch.longitude(r)) > SAME_PLACE_METRES;
    }

    /** Whether record {@code j} has a fix outside every hidden disc. */
    private static boolean leftHiddenDiscs(CompiledPolicy policy, PendingRecords pending, int j) {
        AvlBatch batch = pending.batchAt(j);
        int r = pending.rowAt(j);
        return PolicyEngine.hasFix(batch, r) && !policy.inZone(batch.latitude(r), batch.longitude(r));
    }

    /**
     * One pass over record {@code r}'s elements for ignition, movement and the private-mode element, each keeping the
     * given value when the record lacks it, whether it reports the private-mode element, and whether the device has
     * reported ignition on by then (an ignition
     * never on reads as unknown, {@link TripRule#ignitionState}); packed into an int (see {@link #ignition}) so that
     * it allocates nothing.
     */
    private static int readInputs(CompiledPolicy policy, AvlBatch batch, int r, byte ignition, byte movement,
                                  boolean privateMode, boolean ignitionSeenOn) {
        boolean reported = false;
        boolean ignitionReported = false;
        for (int e = batch.ioStart(r), end = e + batch.ioCount(r); e < end; e++) {
            int id = batch.ioId(e);
            if (id == TeltonikaIo.IGNITION) {
                ignitionReported = true;
                ignition = TripRule.ignitionState(batch.ioValue(e), ignitionSeenOn);
                ignitionSeenOn |= ignition == 1;
            } else if (id == TeltonikaIo.MOVEMENT) {
                movement = TripRule.state(batch.ioValue(e));
            }
            if (policy != null && id == policy.privateModeIoId) {
                privateMode = batch.ioValue(e) == policy.privateModeValue;
                reported = true;
            }
        }
        return (ignition + 1) | (movement + 1) << 2 | (privateMode ? 1 << 4 : 0) | (ignitionSeenOn ? 1 << 5 : 0)
                | (reported ? 1 << 6 : 0) | (ignitionReported ? 1 << 7 : 0);
    }

    private static byte ignition(int inputs) {
        return (byte) ((inputs & 3) - 1);
    }

    private static byte movement(int inputs) {
        return (byte) (((inputs >> 2) & 3) - 1);
    }

    private static boolean privateMode(int inputs) {
        return (inputs & 1 << 4) != 0;
    }

    private static boolean ignitionSeenOn(int inputs) {
        return (inputs & 1 << 5) != 0;
    }

    /** Whether the record reported the private-mode element itself. */
    private static boolean privateModeReported(int inputs) {
        return (inputs & 1 << 6) != 0;
    }

    /** Whether the record reported ignition itself. */
    private static boolean ignitionReported(int inputs) {
        return (inputs & 1 << 7) != 0;
    }

    private static boolean privateNow(Consent consent, int flags, boolean privateMode) {
        return privateMode || (flags & ArrivalFlags.MANUAL_PRIVATE) != 0 || !ArrivalFlags.location(consent, flags);
    }
}
