package dev.telemask.privacy;

import dev.telemask.codec.AvlBatch;
import java.util.Arrays;

/**
 * One device's privacy across frames, reconnects and instances: the decided frontier ({@link DeviceState}), the
 * records still waiting ({@link PendingRecords}), and, for each frame, what to store: the records decided now
 * (masked), the records that must wait (raw, to be stored {@link Treatment#SEALED sealed}), and the keys of sealed
 * records that are resolved now.
 *
 * <p>A frame's new records join the pending list at once, read from the ledger's copy of the frame, and the decided
 * ones are masked as copies, so a frame costs its own records, not the whole backlog; {@link #committed()} then drops
 * what was decided, copies in the frame's records that still wait, and takes up the new state once the frame's
 * transaction committed; {@link #rolledBack()} drops the frame's records again, so a resent frame is judged exactly
 * as the first send was. What a frame does:
 * <ul>
 *   <li>a record outside {@code [minTimeMillis, maxTimeMillis]} (older than retention, or too far ahead of the
 *   gateway's clock) is not stored and counted ({@link #outOfBounds()}); so is one in a range erased from the
 *   device before it arrived ({@link #erasedAgain()}): it is the erased data again;</li>
 *   <li>a record at or before the frontier (in its millisecond, at or before its event ID) arrived too late to
 *   change anything decided: a resend of a record decided lately is skipped, any other is stored private (fail
 *   closed) and counted ({@link #late()}); a private-mode press in it makes the rest of its trip private, or, once
 *   that trip ended, the place where it ended;</li>
 *   <li>every other record waits in device-time order, and {@link TripDecider} decides what it can (a record
 *   without ignition or movement too, though its device has reported neither yet: the records before it may
 *   report a private trip it belongs to).</li>
 * </ul>
 *
 * <p>Owned by one device's connection: not thread-safe. Allocation-free per record once its arrays have grown.
 */
public final class DeviceLedger {
    /**
     * How many recently decided records are remembered to recognise a resend of them: the ring starts small and grows
     * (up to the most) while one frame decides more than a quarter of it, so it covers the last few frames' records
     * whatever their size, and a device of small frames does not carry the largest ring.
     */
    private static final int RECENT_LEAST = 64;
    private static final int RECENT_MOST = 1024;

    private final DeviceState state = new DeviceState();
    private final DeviceState working = new DeviceState();
    private final PendingRecords pending = new PendingRecords();
    /** How many of the pending records the last frame decided: they leave at its commit. */
    private int decidedThisFrame;
    private final Treatments verdicts = new Treatments();
    /** The raw records of the last frame, for {@link #lastFrame()}; made at the first frame. */
    private AvlBatch lastFrame;

    // The arrays start empty and are allocated on first use: an idle connection holds a ledger too.
    private static final int INITIAL = 64;
    /**
     * {@link #trim()} gives back the output and the frame batch when they have room for more than four times this many
     * records ({@link AvlBatch#oversizedFor}): a backlog's flush does not stay in memory, a device of usual frames keeps
     * its batches.
     */
    private static final int USUAL_RECORDS = 16;
    private AvlBatch out = new AvlBatch();
    private byte[] treatments = {};
    private byte[] sealFlags = {};
    /** When the gateway received each output record (gateway time): a record decided late keeps its own arrival. */
    private long[] receivedTimes = {};
    private long[] resolvedTimes = {};
    private int[] resolvedEvents = {};
    private int resolvedCount;
    private int outOfBounds;
    private int erasedAgain;
    private ErasedRanges erasedRanges = ErasedRanges.NONE;
    private int late;
    private int resends;

    /**
     * Waiting records stored sealed whose flags a same-key twin added to since: written sealed again, with the flags,
     * by every frame until one commits (a frame rolled back does not clear them: the device resends the twin, which
     * then adds nothing).
     */
    private long[] resealTimes = {};
    private int[] resealEvents = {};
    private int resealCount;

    /**
     * Per arrival (receive time) of the output's records that are not stored, the newest of them and the newest stored
     * record before them ({@link #receivedNoLaterThanHidden}); a frame has one or two such arrivals.
     */
    private long[] hiddenArrivals = {};
    private long[] newestHidden = {};
    private long[] newestStoredBefore = {};

    private long[] recentTimes = {};
    private int[] recentEvents = {};
    private int recentNext;
    private int recentSize;
    private int recentPushedThisFrame;

    /** Starts from a saved state (null: a fresh device) with the device's sealed records loaded into {@code sealed}. */
    public void restore(byte[] savedState, PendingRecords sealed) {
        state.copyFrom(DeviceState.restore(savedState));
        pending.clear();
        if (sealed != null) {
            pending.copyTail(sealed, 0, true);
        }
        // A record the state counted as waiting that did not come back was made private without this engine (the
        // expiry job) or no longer opens: the records around it must not continue as if it had never been.
        state.waitingLoaded(pending.size());
        recentSize = 0;
        recentNext = 0;
        resealCount = 0;
    }

    /**
     * Works out what to store for {@code frame} (null: nothing new arrived, only the clock moved on) under the
     * device's policy and current switches. The result is in {@link #output()} and its accessors until the next call.
     *
     * @param manualPrivate the driver's manual private switch is on now (gateway clock)
     * @param expiryMillis  how long a record may wait undecided before it is decided fail-closed
     */
    public void apply(CompiledPolicy policy, Consent consent, boolean manualPrivate, AvlBatch frame, long nowMillis,
                      long minTimeMillis, long maxTimeMillis, long expiryMillis) {
        apply(policy, consent, manualPrivate, 0, frame, nowMillis, minTimeMillis, maxTimeMillis, expiryMillis);
    }

    /**
     * As {@link #apply(CompiledPolicy, Consent, boolean, AvlBatch, long, long, long, long)} for a device whose rules
     * (policy, its version, its fleet, own zones) last changed at {@code rulesChangedAtMillis} (epoch millis, compared
     * with the gateway's receive times; 0: never): a record that arrived before then and still waits is decided
     * private, whatever the rules now.
     */
    public void apply(CompiledPolicy policy, Consent consent, boolean manualPrivate, long rulesChangedAtMillis,
                      AvlBatch frame, long nowMillis, long minTimeMillis, long maxTimeMillis, long expiryMillis) {
        working.copyFrom(state);
        out.clear();
        resolvedCount = 0;
        outOfBounds = 0;
        erasedAgain = 0;
        late = 0;
        resends = 0;
        recentPushedThisFrame = 0;
        // Records of an earlier frame still read from lastFrame (it was neither committed nor rolled back) are
        // copied in before lastFrame takes the new one.
        pending.adoptFrameRecords();
        if (frame != null && frame != lastFrame) {
            if (lastFrame == null) {
                lastFrame = new AvlBatch();
            }
            lastFrame.copyFrom(frame);
        }
        int flags = ArrivalFlags.of(consent, manualPrivate);
        Consent narrowed = Consent.of(ArrivalFlags.location(consent, flags),
                ArrivalFlags.driverIdentity(consent, flags), ArrivalFlags.telemetry(consent, flags));
        int n = frame == null ? 0 : frame.size();
        // Every record goes through the trip decision, also one without ignition or movement of a device that has
        // reported neither yet: the records before it, which may report a private trip it belongs to, may be the
        // next to arrive.
        for (int r = 0; r < n; r++) {
            long time = frame.timestamp(r);
            if (time < minTimeMillis || time > maxTimeMillis) {
                outOfBounds++;
                continue;
            }
            if (erasedRanges.contains(time)) {
                erasedAgain++;
                continue;
            }
            if (!working.ignitionWired) {
                // Ignition on in any record, whatever its device time, says the device's ignition is wired, so its
                // ignition 0 may say the vehicle is off in records logged before it that are still to be decided.
                working.ignitionWired = ignitionOn(frame, r);
            }
            if (!working.tripAware) {
                // So does ignition or movement in any record say the device reports trips: a record after a gap that
                // carries neither then continues the trip or the stop before it (fail closed), where a device not
                // known to report them has each such record judged on its own. The first record after a gap of a
                // backlog that arrives newest first may lack both while later ones, already received, carry them.
                working.tripAware = PolicyEngine.hasTripIo(frame, r);
            }
            if (!working.privateModeReported) {
                // So does the private-mode element say the device reports it: a record after a gap that lacks it may
                // have missed it coming on, also when the first record to report it was logged after that one.
                working.privateModeReported = frame.findIo(r, policy.privateModeIoId) >= 0;
            }
            if (working.frontierMillis != DeviceState.NEVER && (time < working.frontierMillis
                    || time == working.frontierMillis && frame.eventIo(r) <= working.frontierEvent)) {
                // The frontier's own key is the frontier record again, whatever instance decided it: a ledger restored
                // on a reconnect has no memory of what was decided lately, and the frame the device resends there (its
                // acknowledgement lost with the connection) ends at that record, whose private-mode press would
                // otherwise make the place private as a late press.
                if (recentlyDecided(time, frame.eventIo(r))
                        || time == working.frontierMillis && frame.eventIo(r) == working.frontierEvent) {
                    resends++;
                } else {
                    late++;
                    // Too late for the records decided before it, not for the rest of its trip: a private-mode press
                    // in it (one in the trip's last decided millisecond, say) hides the trip from here on, and once
                    // the trip has ended, where it ended, until the next trip starts (a press while parked after it
                    // is taken the same way: the engine no longer knows which side of the trip's end it lies). So does
                    // the driver's switch on (or location consent withdrawn) while it arrives, a trigger on it as on a
                    // record of the trip that is not late.
                    if (working.tripStartMillis != DeviceState.NEVER && time >= working.tripStartMillis
                            && (privateModeOn(policy, frame, r) || (flags & ArrivalFlags.MANUAL_PRIVATE) != 0
                                    || !ArrivalFlags.location(consent, flags))) {
                        if (working.inTrip) {
                            working.tripPrivate = true;
                        } else {
                            working.sticky = true;
                        }
                    }
                    int o = append(frame, r);
                    treatments[o] = PolicyEngine.maskLate(policy, narrowed, working, out, o).code();
                    receivedTimes[o] = nowMillis;
                }
            } else if (!pending.addFrameRecord(lastFrame, r, flags, nowMillis)) {
                resends++;
                // Two records of one key that differ are one record, the first received kept; a private-mode press
                // in the other still counts (as the switch would), or whether the trip is private would depend on
                // which came first. A true resend of a record with the press on changes nothing.
                // Stored sealed already, the record is written sealed again with the press: a reconnect before the
                // decision restores it from its sealed form, and the device will not send the twin again.
                int kept = privateModeOn(policy, frame, r) ? pending.indexOf(time, frame.eventIo(r)) : -1;
                if (kept >= 0 && !privateModeOn(policy, pending.batchAt(kept), pending.rowAt(kept))
                        && pending.addFlags(kept, ArrivalFlags.MANUAL_PRIVATE)) {
                    reseal(time, frame.eventIo(r));
                }
            }
        }

        // New records wait in pending itself until the frame's commit (or leave it again at a roll-back).
        int base = out.size();
        int decided = TripDecider.decide(policy, consent, manualPrivate, working, pending, nowMillis, expiryMillis,
                rulesChangedAtMillis, out, verdicts);
        growTo(out.size());
        for (int i = 0; i < decided; i++) {
            treatments[base + i] = verdicts.code(i);
            sealFlags[base + i] = 0;
            receivedTimes[base + i] = pending.receivedAtMillis(i);
            remember(pending.timeAt(i), pending.eventAt(i));
            if (pending.storedAt(i)) {
                resolve(pending.timeAt(i), pending.eventAt(i));
            }
        }
        for (int i = decided, size = pending.size(); i < size; i++) {
            if (!pending.storedAt(i) || resealCount > 0 && resealed(pending.timeAt(i), pending.eventAt(i))) {
                int o = append(pending.batchAt(i), pending.rowAt(i));
                treatments[o] = Treatment.SEALED.code();
                sealFlags[o] = (byte) pending.flagsAt(i);
                receivedTimes[o] = pending.receivedAtMillis(i);
            }
        }
        receivedNoLaterThanHidden();
        decidedThisFrame = decided;
        working.waitingCount = pending.size() - decided;
        working.waitingUntilMillis = working.waitingCount > 0 ? pending.timeAt(pending.size() - 1) : DeviceState.NEVER;
    }

    /**
     * A stored record that arrived in the same frame as records logged after it that are not stored (hidden by a zone,
     * or dropped) does not get that frame's arrival as its receive time: a tracker sends what it logged at its send
     * period and at once on ignition off, so the frame that carries the last records before home carries the way into
     * the zone and the stop there too, and its arrival is when the vehicle was home by; less the last published
     * record's time, at the speed the track shows, it is the way left to home (what an offline event the zone withholds
     * would tell). Such a record is taken as received when the newest stored record before them was logged (the frame
     * as if it had been sent then), or at the arrival if that is earlier (a device clock running ahead). A record
     * stored after them in the frame keeps the arrival: its own time is later than theirs anyway.
     */
    private void receivedNoLaterThanHidden() {
        int groups = 0;
        for (int o = 0, n = out.size(); o < n; o++) {
            if (treatments[o] == Treatment.ZONE.code() || treatments[o] == Treatment.DROPPED.code()) {
                int g = arrivalGroup(receivedTimes[o], groups);
                if (g == groups) {
                    if (groups == hiddenArrivals.length) {
                        hiddenArrivals = Arrays.copyOf(hiddenArrivals, Math.max(4, groups * 2));
                        newestHidden = Arrays.copyOf(newestHidden, hiddenArrivals.length);
                        newestStoredBefore = Arrays.copyOf(newestStoredBefore, hiddenArrivals.length);
                    }
                    hiddenArrivals[g] = receivedTimes[o];
                    newestHidden[g] = Long.MIN_VALUE;
                    newestStoredBefore[g] = Long.MIN_VALUE;
                    groups++;
                }
                newestHidden[g] = Math.max(newestHidden[g], out.timestamp(o));
            }
        }
        if (groups == 0) {
            return;
        }
        for (int o = 0, n = out.size(); o < n; o++) {
            int g = arrivalGroup(receivedTimes[o], groups);
            if (g < groups && stored(treatments[o]) && out.timestamp(o) < newestHidden[g]) {
                newestStoredBefore[g] = Math.max(newestStoredBefore[g], out.timestamp(o));
            }
        }
        for (int o = 0, n = out.size(); o < n; o++) {
            int g = arrivalGroup(receivedTimes[o], groups);
            if (g < groups && stored(treatments[o]) && out.timestamp(o) < newestHidden[g]) {
                receivedTimes[o] = Math.min(receivedTimes[o], newestStoredBefore[g]);
            }
        }
    }

    /** The group of {@code receivedAt} among the first {@code groups} of {@link #hiddenArrivals}, or {@code groups}. */
    private int arrivalGroup(long receivedAt, int groups) {
        int g = 0;
        while (g < groups && hiddenArrivals[g] != receivedAt) {
            g++;
        }
        return g;
    }

    private static boolean stored(byte treatment) {
        return treatment != Treatment.ZONE.code() && treatment != Treatment.DROPPED.code()
                && treatment != Treatment.SEALED.code();
    }

    private void growTo(int size) {
        if (treatments.length < size) {
            int capacity = Math.max(size, treatments.length * 2);
            treatments = Arrays.copyOf(treatments, capacity);
            sealFlags = Arrays.copyOf(sealFlags, capacity);
            receivedTimes = Arrays.copyOf(receivedTimes, capacity);
        }
    }

    private static boolean ignitionOn(AvlBatch batch, int r) {
        int e = batch.findIo(r, TeltonikaIo.IGNITION);
        return e >= 0 && batch.ioValue(e) != 0;
    }

    private static boolean privateModeOn(CompiledPolicy policy, AvlBatch batch, int r) {
        int e = batch.findIo(r, policy.privateModeIoId);
        return e >= 0 && batch.ioValue(e) == policy.privateModeValue;
    }

    private int append(AvlBatch from, int r) {
        int o = out.appendRecord(from, r);
        if (o == treatments.length) {
            treatments = Arrays.copyOf(treatments, Math.max(INITIAL, o * 2));
            sealFlags = Arrays.copyOf(sealFlags, Math.max(INITIAL, o * 2));
            receivedTimes = Arrays.copyOf(receivedTimes, Math.max(INITIAL, o * 2));
        }
        sealFlags[o] = 0;
        return o;
    }

    private void resolve(long time, int event) {
        if (resolvedCount == resolvedTimes.length) {
            resolvedTimes = Arrays.copyOf(resolvedTimes, Math.max(INITIAL, resolvedCount * 2));
            resolvedEvents = Arrays.copyOf(resolvedEvents, Math.max(INITIAL, resolvedCount * 2));
        }
        resolvedTimes[resolvedCount] = time;
        // The sealed row is keyed by the event ID the device sent; masking may have cleared it since.
        resolvedEvents[resolvedCount] = event;
        resolvedCount++;
    }

    private void reseal(long time, int event) {
        if (resealed(time, event)) {
            return;
        }
        if (resealCount == resealTimes.length) {
            resealTimes = Arrays.copyOf(resealTimes, Math.max(4, resealCount * 2));
            resealEvents = Arrays.copyOf(resealEvents, Math.max(4, resealCount * 2));
        }
        resealTimes[resealCount] = time;
        resealEvents[resealCount] = event;
        resealCount++;
    }

    private boolean resealed(long time, int event) {
        for (int i = 0; i < resealCount; i++) {
            if (resealTimes[i] == time && resealEvents[i] == event) {
                return true;
            }
        }
        return false;
    }

    private void remember(long time, int event) {
        if (recentTimes.length == 0) {
            recentTimes = new long[RECENT_LEAST];
            recentEvents = new int[RECENT_LEAST];
        } else if (4 * recentPushedThisFrame >= recentTimes.length && recentTimes.length < RECENT_MOST) {
            growRecent();
        }
        int slot = (recentNext + recentPushedThisFrame) % recentTimes.length;
        recentTimes[slot] = time;
        recentEvents[slot] = event;
        recentPushedThisFrame++;
    }

    /** Doubles the ring, its entries moved to the front oldest first (the committed ones, then this frame's). */
    private void growRecent() {
        int capacity = recentTimes.length;
        int kept = Math.min(recentSize + recentPushedThisFrame, capacity);
        long[] times = new long[capacity * 2];
        int[] events = new int[capacity * 2];
        for (int j = 0; j < kept; j++) {
            int from = Math.floorMod(recentNext + recentPushedThisFrame - kept + j, capacity);
            times[j] = recentTimes[from];
            events[j] = recentEvents[from];
        }
        recentTimes = times;
        recentEvents = events;
        recentNext = kept - recentPushedThisFrame;
        recentSize = recentNext;
    }

    private boolean recentlyDecided(long time, int event) {
        for (int i = 0, n = Math.min(recentSize + recentPushedThisFrame, recentTimes.length); i < n; i++) {
            if (recentTimes[i] == time && recentEvents[i] == event) {
                return true;
            }
        }
        return false;
    }

    /** The frame's records are stored: what {@link #apply} worked out is now the device's state. */
    public void committed() {
        state.copyFrom(working);
        resealCount = 0;
        pending.keepFrom(decidedThisFrame);
        decidedThisFrame = 0;
        if (recentPushedThisFrame > 0) {
            recentNext = (recentNext + recentPushedThisFrame) % recentTimes.length;
            recentSize = Math.min(recentTimes.length, recentSize + recentPushedThisFrame);
        }
        recentPushedThisFrame = 0;
    }

    /**
     * Gives back the output and frame batches when a backlog grew them (see {@link #USUAL_RECORDS}), for a caller done
     * reading the committed frame's output: {@link #output()} and {@link #lastFrame()} may be empty afterwards. Returns
     * whether it gave anything back (the caller then lets go of the output too).
     */
    public boolean trim() {
        boolean trimmed = false;
        if (out.oversizedFor(USUAL_RECORDS)) {
            out = new AvlBatch();
            trimmed = true;
        }
        if (lastFrame != null && lastFrame.oversizedFor(USUAL_RECORDS)) {
            lastFrame = null;
            trimmed = true;
        }
        return trimmed;
    }

    /** The frame was not stored: forget what {@link #apply} worked out. */
    public void rolledBack() {
        pending.dropUnstored();
        decidedThisFrame = 0;
        recentPushedThisFrame = 0;
    }

    /**
     * The batch to decode the device's next frame into, to pass to {@link #apply}, which then copies nothing: this
     * ledger's own copy of the last frame, made at first use. Records of the last frame still read from it (neither
     * committed nor rolled back) are copied in first, so the caller may overwrite it.
     */
    public AvlBatch frameBatch() {
        pending.adoptFrameRecords();
        if (lastFrame == null) {
            lastFrame = new AvlBatch();
        }
        return lastFrame;
    }

    /**
     * The last frame's records as they arrived, owned by this ledger: a frame the writer refused because the device's
     * switches changed meanwhile is worked out again from them ({@code apply(..., lastFrame(), ...)} after
     * {@link #rolledBack()}), whatever became of the caller's batch since.
     */
    public AvlBatch lastFrame() {
        return lastFrame;
    }

    /** The records to store for the last frame: decided ones masked, waiting ones raw (treatment SEALED). */
    public AvlBatch output() {
        return out;
    }

    /** One {@link Treatment} code per {@link #output()} record. */
    public byte[] treatments() {
        return treatments;
    }

    /**
     * When the gateway received each {@link #output()} record, epoch millis: a record that waited sealed keeps the time
     * it arrived, not that of the frame that decided it, which would tell when its trip began (its grace window ended
     * then), also where a zone hid that start.
     */
    public long[] receivedTimes() {
        return receivedTimes;
    }

    /** The {@link ArrivalFlags} to seal with each SEALED output record (0 for the others). */
    public byte[] sealFlags() {
        return sealFlags;
    }

    /** Device times of the sealed records resolved by the last frame (their decided form is in the output). */
    public long[] resolvedTimes() {
        return resolvedTimes;
    }

    /** Event IDs of the resolved sealed records, as sealed. */
    public int[] resolvedEvents() {
        return resolvedEvents;
    }

    /**
     * The ranges erased from the device, as the database read with the device's switches says: records in them
     * that arrive from the next frame on are not stored.
     */
    public void erased(ErasedRanges ranges) {
        erasedRanges = ranges;
    }

    public int resolvedCount() {
        return resolvedCount;
    }

    /** Records of the last frame outside the time bounds: acknowledged, not stored. */
    public int outOfBounds() {
        return outOfBounds;
    }

    /** Records of the last frame in a range erased from the device: acknowledged, not stored. */
    public int erasedAgain() {
        return erasedAgain;
    }

    /** Records of the last frame that arrived behind the frontier and were stored private. */
    public int late() {
        return late;
    }

    /** Records of the last frame that were already stored or waiting: not stored again. */
    public int resends() {
        return resends;
    }

    /** The state after the last frame, to save with its records. */
    public byte[] savedState() {
        return working.save();
    }

    /**
     * Masks a position the device states outside its records, at gateway time {@code nowMillis} (its answer to a
     * command such as {@code getgps}, put as record {@code r} of {@code position}), and returns what was done. Such a
     * position is of now, and now is decided only when the committed records reach it: it is private (its location
     * cleared) when the driver's switch or missing consent says so, when records wait undecided (the start of a trip
     * that may yet be private), when the newest decided record is more than a record gap old by its device time or by
     * when it was received (the records since have not arrived; a device clock ahead makes its time look recent),
     * when that record was private (a private trip, the place one ended, private mode) or outside business hours.
     * Otherwise it is masked as a record of the current trip would be (zones, grid), on a copy of the state: the
     * answer changes nothing the records decide. An answer without a position (IO values, the serving cell) is
     * private too once zones hid some of the device's driving: it may hold the raw odometer
     * ({@code readio 16}), which beside the published one would measure what the zones hid.
     */
    public Treatment maskStatedPosition(CompiledPolicy policy, Consent consent, boolean manualPrivate,
                                        AvlBatch position, int r, long nowMillis) {
        // The newest decided record must be recent by both clocks: by the device's (a backlog's record arrives long
        // after it was logged) and by the gateway's (a device clock ahead stamps an old record with a time to come).
        boolean undecided = pending.size() > 0 || behindNow(policy, nowMillis);
        boolean statedPrivate = manualPrivate || !consent.location() || undecided || state.tripPrivate || state.sticky
                || state.privateMode || PolicyEngine.outsideBusinessHours(policy, state, nowMillis)
                || (!PolicyEngine.hasFix(position, r) && state.mileage.shifted());
        DeviceState scratch = new DeviceState();
        scratch.copyFrom(state);
        return PolicyEngine.mask(policy, consent, scratch, position, r, statedPrivate);
    }

    /**
     * Whether the decided records do not reach {@code nowMillis} (gateway time): none yet, records lost after them, or
     * the newest more than a record gap old by its device time or by when it was received (a backlog's record arrives
     * long after it was logged; a device clock ahead stamps an old record with a time to come). Where the vehicle is
     * now is then not known.
     */
    private boolean behindNow(CompiledPolicy policy, long nowMillis) {
        return state.frontierMillis == DeviceState.NEVER || state.lostAhead()
                || nowMillis - state.frontierMillis > policy.maxRecordGapMillis
                || state.frontierReceivedAtMillis == DeviceState.NEVER
                || nowMillis - state.frontierReceivedAtMillis > policy.maxRecordGapMillis;
    }

    /**
     * Whether the vehicle may have driven into a zone's hidden disc since its newest decided fix: the fix lies nearer
     * one than a vehicle drives (252 km/h) from the fix's device time to now, or no fix time is known. A tracker
     * that sends live on the way home and whose connection ends as it parks there (a garage without coverage, a link
     * closed at ignition off) ends it before it sends the records the zone hides: told, that moment less the last
     * visible record's time, at the speed the track shows, would be the way left to home, a disc around each
     * evening's last visible point that evenings home from several directions narrow in on home. A tracker that lost
     * its connection on the way home and connects as the vehicle leaves again after a stop shorter than the record
     * gap (an errand) would time the way from home to the next first visible point likewise.
     */
    private boolean mayBeInZone(CompiledPolicy policy, long nowMillis) {
        if (state.zoneTrailMillis == DeviceState.NEVER) {
            return true;
        }
        double reach = Math.max(0, nowMillis - state.zoneTrailMillis) * PolicyEngine.MAX_METRES_PER_MILLI;
        return policy.nearZone(state.zoneTrailLatitude, state.zoneTrailLongitude, reach);
    }

    /**
     * Whether the device's coming online or going offline at gateway time {@code nowMillis} must not be told: the
     * moment a tracker that sleeps while parked wakes is the moment its vehicle leaves, so it is hidden wherever the
     * vehicle's place is hidden: by the driver's switch or missing location consent, when the newest decided record
     * was private (a private trip, parked where one ended, private mode) or in a privacy zone, when the newest waiting
     * record lies in a zone's hidden disc, when waiting records may yet be dropped as private or arrived before the
     * device's rules last changed (they will be decided private), when waiting records left the database undecided
     * (the next ones will be decided private), and outside business hours; under privacy zones also when the decided
     * records do not reach now: a tracker that lost its connection on the way home and wakes there as the vehicle
     * leaves connects before it sends the records that put it in the zone; and while the vehicle may have driven
     * into a hidden disc since its newest decided fix, which a connection ending as it parks at home would time.
     * (Otherwise it tells no
     * more than the times of private records, which are stored.)
     */
    public boolean presenceHidden(CompiledPolicy policy, Consent consent, boolean manualPrivate, long nowMillis) {
        return presenceHidden(policy, consent, manualPrivate, 0, nowMillis);
    }

    /** As {@link #presenceHidden(CompiledPolicy, Consent, boolean, long)} for rules last changed at that time. */
    public boolean presenceHidden(CompiledPolicy policy, Consent consent, boolean manualPrivate,
                                  long rulesChangedAtMillis, long nowMillis) {
        for (int i = 0, n = pending.size(); i < n; i++) {
            if (pending.receivedAtMillis(i) < rulesChangedAtMillis) {
                return true;
            }
        }
        if (manualPrivate || !consent.location() || state.tripPrivate || state.sticky || state.privateMode
                || state.lostAhead() || state.lastFixInZone
                || (policy.zones.length > 0 && (behindNow(policy, nowMillis) || mayBeInZone(policy, nowMillis)))
                || PolicyEngine.outsideBusinessHours(policy, state, nowMillis)) {
            return true;
        }
        int newest = pending.size() - 1;
        if (newest < 0) {
            return false;
        }
        AvlBatch waiting = pending.batchAt(newest);
        int row = pending.rowAt(newest);
        return policy.dropPrivate || policy.inZone(waiting.latitude(row), waiting.longitude(row));
    }

    /** The committed state (for tests and diagnostics). */
    public DeviceState state() {
        return state;
    }

    /** Records waiting, as of the last commit. */
    public int pendingCount() {
        return pending.size();
    }

    /**
     * When the clock alone could decide something (an anchor delay or an expiry running out), gateway time, or
     * {@link Long#MAX_VALUE} when nothing waits.
     */
    public long nextDeadlineMillis(CompiledPolicy policy, long expiryMillis) {
        if (pending.size() == 0) {
            return Long.MAX_VALUE;
        }
        long earliestArrival = Long.MAX_VALUE;
        for (int i = 0, n = pending.size(); i < n; i++) {
            earliestArrival = Math.min(earliestArrival, pending.receivedAtMillis(i));
        }
        // Only waits the clock can end: the anchor delay the engine last stopped at, and the expiry.
        return Math.min(verdicts.clockDeadlineMillis(), earliestArrival + expiryMillis);
    }
}
