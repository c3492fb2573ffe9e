package dev.telemask.privacy;

import static dev.telemask.privacy.Treatment.EXACT;
import static dev.telemask.privacy.Treatment.PRIVATE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A device clock that jumps in the middle of a private trip (hours ahead, days back) and then recovers, and backlogs
 * that cross a daylight-saving switch right at a business-hour boundary: the private trip stays private as a whole,
 * where it ended stays private, and what is stored is the same in every arrival order (all frames of the backlog
 * arriving within {@code anchorDelay}, from a device with a decided past). A backlog sent newest first must not
 * publish the place a private trip ended before the trip itself has arrived.
 */
class ClockAndBacklogAttackTest {
    static final byte[] KEY = "clock-jump-test-key".getBytes(StandardCharsets.UTF_8);
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    /** Sparse logging (records minutes apart), no grace window; every frame arrives within the anchor delay. */
    static final TripTiming SPARSE = new TripTiming(Duration.ZERO, Duration.ofHours(1), Duration.ofHours(2),
            Duration.ofMinutes(5));
    /** The same with the default two-minute grace window, for trips leaving work just before hours end. */
    static final TripTiming GRACE = new TripTiming(Duration.ofMinutes(2), Duration.ofHours(1), Duration.ofHours(2),
            Duration.ofMinutes(5));

    /** One record as the device logged it: local time in the drive's zone, position, ignition, movement. */
    record Fix(String time, double lat, double lon, int ignition, int movement, int privateMode) {
        Fix(String time, double lat, double lon, int ignition, int movement) {
            this(time, lat, lon, ignition, movement, -1);
        }
    }

    /**
     * Feeds {@code history} and lets it be decided, then feeds {@code frames} in the given order, then lets every hold
     * expire: the final treatment of each record of the frames, by device time.
     */
    static Map<Long, Treatment> ingest(Policy policy, TripTiming timing, String zone, List<Fix> history,
                                       List<List<Fix>> frames) {
        CompiledPolicy compiled = CompiledPolicy.compile(policy.withTiming(timing), KEY);
        DeviceLedger ledger = new DeviceLedger();
        Map<Long, Treatment> stored = new TreeMap<>();
        long now = Ledgers.NOW;
        collect(ledger, compiled, drive(zone, history), now, stored);
        now += timing.anchorDelay().toMillis() + 1;
        collect(ledger, compiled, null, now, stored);
        stored.clear();
        for (List<Fix> frame : frames) {
            now += 1_000;
            collect(ledger, compiled, drive(zone, frame), now, stored);
        }
        collect(ledger, compiled, null, now + Ledgers.EXPIRY + 1, stored);
        return stored;
    }

    private static AvlBatch drive(String zone, List<Fix> fixes) {
        Drive drive = Drive.in(zone);
        for (Fix f : fixes) {
            drive.fixWithPrivateMode(f.time, f.lat, f.lon, f.ignition, f.movement, f.privateMode);
        }
        return drive.batch;
    }

    private static void collect(DeviceLedger ledger, CompiledPolicy policy, AvlBatch frame, long now,
                                Map<Long, Treatment> stored) {
        ledger.apply(policy, Consent.ALL, false, frame, now, Long.MIN_VALUE, Long.MAX_VALUE, Ledgers.EXPIRY);
        ledger.committed();
        AvlBatch out = ledger.output();
        for (int r = 0; r < out.size(); r++) {
            Treatment t = Treatment.ofCode(ledger.treatments()[r]);
            if (t != Treatment.SEALED) {
                stored.putIfAbsent(out.timestamp(r), t);
            }
        }
    }

    private static List<List<Fix>> oneEach(List<Fix> fixes) {
        List<List<Fix>> frames = new ArrayList<>();
        for (Fix f : fixes) {
            frames.add(List.of(f));
        }
        return frames;
    }

    /**
     * Asserts that the records, sent in one frame and one per frame, oldest and newest first, and shuffled, are all
     * stored as {@code expected} says (in device-time order).
     */
    static void assertEveryOrder(Policy policy, TripTiming timing, String zone, List<Fix> history, List<Fix> fixes,
                                 Treatment... expected) {
        Map<String, List<List<Fix>>> orders = new LinkedHashMap<>();
        List<Fix> newestFirst = new ArrayList<>(fixes);
        newestFirst.sort((a, b) -> b.time.compareTo(a.time));
        orders.put("as logged, one frame", List.of(fixes));
        orders.put("newest first, one frame", List.of(newestFirst));
        orders.put("as logged, one per frame", oneEach(fixes));
        orders.put("newest first, one per frame", oneEach(newestFirst));
        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            List<Fix> shuffled = new ArrayList<>(fixes);
            Collections.shuffle(shuffled, random);
            orders.put("shuffled " + shuffled.stream().map(Fix::time).toList(), oneEach(shuffled));
        }
        orders.forEach((name, frames) -> assertEquals(List.of(expected),
                new ArrayList<>(ingest(policy, timing, zone, history, frames).values()), name));
    }

    /** A business trip the week before: the device has a decided past, its backlog is not a new device's first. */
    static final List<Fix> LAST_WEEK = List.of(
            new Fix("2025-05-26T10:00", 52.40, 13.30, 1, 1),
            new Fix("2025-05-26T10:20", 52.50, 13.40, 0, 0));

    /**
     * The clock jumps five hours ahead for one record of a trip before business hours, into them, and recovers. In
     * device time that record is driving hours after the business trip that followed started, across a gap: it fails
     * closed. The private trip, and where it ended while hours opened, stay private in every arrival order.
     */
    @Test
    void aClockJumpingHoursAheadInAPrivateTripRevealsNothingInAnyArrivalOrder() {
        List<Fix> fixes = List.of(
                new Fix("2025-06-02T06:30", 52.50, 13.40, 0, 0),   // Monday, parked before hours
                new Fix("2025-06-02T06:40", 52.50, 13.40, 1, 1),   // private trip starts
                new Fix("2025-06-02T06:45", 52.51, 13.41, 1, 1),
                new Fix("2025-06-02T11:47", 52.515, 13.415, 1, 1), // logged at 06:47, clock 5 h ahead: in hours
                new Fix("2025-06-02T06:50", 52.52, 13.42, 1, 1),   // clock right again
                new Fix("2025-06-02T06:55", 52.53, 13.43, 0, 0),   // ends: a private place
                new Fix("2025-06-02T07:30", 52.53, 13.43, 0, 0),   // parked there in hours: sticky
                new Fix("2025-06-02T08:00", 52.53, 13.43, 1, 1));  // the next trip, in hours
        assertEveryOrder(PolicyEngineSpecTest.OFFICE_HOURS, SPARSE, "Europe/Berlin", LAST_WEEK, fixes,
                PRIVATE, PRIVATE, PRIVATE, PRIVATE, PRIVATE, PRIVATE, EXACT, PRIVATE);
    }

    /**
     * The clock jumps days back for one record of a private trip, into business hours after a business trip that
     * ended at the office: the record reads as a trip starting hours after the last one, across a gap, and fails
     * closed.
     */
    @Test
    void aClockJumpingDaysBackInAPrivateTripRevealsNothingInAnyArrivalOrder() {
        List<Fix> fixes = List.of(
                new Fix("2025-05-28T10:00", 52.40, 13.30, 1, 1),   // a business trip days before
                new Fix("2025-05-28T10:20", 52.41, 13.31, 0, 0),   // parked at the office
                new Fix("2025-06-02T06:30", 52.50, 13.40, 0, 0),
                new Fix("2025-06-02T06:40", 52.50, 13.40, 1, 1),   // private trip starts
                new Fix("2025-06-02T06:45", 52.51, 13.41, 1, 1),
                new Fix("2025-05-28T14:00", 52.515, 13.415, 1, 1), // logged at 06:47, clock days back, in hours
                new Fix("2025-06-02T06:50", 52.52, 13.42, 1, 1),
                new Fix("2025-06-02T06:55", 52.53, 13.43, 0, 0),
                new Fix("2025-06-02T07:30", 52.53, 13.43, 0, 0),
                new Fix("2025-06-02T08:00", 52.53, 13.43, 1, 1));
        // The business trip of 28 May follows two days without records: it fails closed too.
        assertEveryOrder(PolicyEngineSpecTest.OFFICE_HOURS, SPARSE, "Europe/Berlin", LAST_WEEK, fixes,
                PRIVATE, PRIVATE, PRIVATE, PRIVATE, PRIVATE, PRIVATE, PRIVATE, PRIVATE, PRIVATE, EXACT);
    }

    /**
     * Sunday hours 00:00-02:30 on 30 March 2025 end at 02:00 CET, when Berlin jumps to 03:00 CEST. The trip that leaves
     * work at 01:59 CET sees them end one minute later, within its grace window: it is the drive home, private as a
     * whole. Read as local minutes (01:59 plus two is 02:01, in hours) its start would be published.
     */
    @Test
    void aTripLeavingAMinuteBeforeHoursEndInTheSkippedHourIsPrivateAsAWhole() {
        Policy policy = Policy.noOp().withSchedule(new BusinessSchedule(BERLIN,
                Map.of(DayOfWeek.SUNDAY, List.of(new TimeRange(0, 2 * 60 + 30)))));
        assertEveryOrder(policy, MINUTELY, "UTC", arriveAtWork("2025-03-30T00:"), leaveWork("2025-03-30T00:",
                "2025-03-30T01:"), EXACT, EXACT, PRIVATE, PRIVATE, PRIVATE, PRIVATE, PRIVATE);
    }

    /**
     * Sunday hours 00:00-03:00 on 26 October 2025 end at 03:00 CET, an hour and a minute after 02:59 CEST: the trip
     * leaving then stays in hours (Berlin lives 02:00-03:00 twice), the one leaving at 02:59 CET is the drive home.
     */
    @Test
    void onTheFallBackDayHoursEndAtTheSecondThreeOClock() {
        Policy policy = Policy.noOp().withSchedule(new BusinessSchedule(BERLIN,
                Map.of(DayOfWeek.SUNDAY, List.of(new TimeRange(0, 3 * 60)))));
        // 00:59 UTC is 02:59 CEST, 01:00 UTC 02:00 CET: hours go on.
        assertEveryOrder(policy, MINUTELY, "UTC", arriveAtWork("2025-10-26T00:"), leaveWork("2025-10-26T00:",
                "2025-10-26T01:"), EXACT, EXACT, EXACT, EXACT, EXACT, EXACT, EXACT);
        // 01:59 UTC is 02:59 CET, 02:00 UTC 03:00 CET: hours over.
        assertEveryOrder(policy, MINUTELY, "UTC", arriveAtWork("2025-10-26T01:"), leaveWork("2025-10-26T01:",
                "2025-10-26T02:"), EXACT, EXACT, PRIVATE, PRIVATE, PRIVATE, PRIVATE, PRIVATE);
    }

    /** A device logging every minute; every frame arrives within the anchor delay. */
    static final TripTiming MINUTELY = new TripTiming(Duration.ofMinutes(2), Duration.ofMinutes(1),
            Duration.ofHours(2), Duration.ofMinutes(5));

    /** Arrives at work at {@code hour}:56, the records before the backlog. */
    private static List<Fix> arriveAtWork(String hour) {
        return List.of(new Fix(hour + "55", 52.49, 13.39, 1, 1), new Fix(hour + "56", 52.50, 13.40, 0, 0));
    }

    /** Parked at work, leaves at {@code hour}:59, drives into the next hour, parks there at :02. */
    private static List<Fix> leaveWork(String hour, String next) {
        return List.of(
                new Fix(hour + "57", 52.50, 13.40, 0, 0),
                new Fix(hour + "58", 52.50, 13.40, 0, 0),
                new Fix(hour + "59", 52.50, 13.40, 1, 1),
                new Fix(next + "00", 52.505, 13.405, 1, 1),
                new Fix(next + "01", 52.51, 13.41, 1, 1),
                new Fix(next + "02", 52.512, 13.412, 0, 0),
                new Fix(next + "03", 52.512, 13.412, 0, 0));
    }

    /**
     * A device logging every few minutes, {@code maxRecordGap} an hour as POLICY.md advises for it, parked at work;
     * a private trip (the button) ends elsewhere less than an hour later, the button released at the stop. Sent
     * newest first, the stop record came before the trip: parked less than {@code maxRecordGap} after the parked
     * frontier, it was taken to continue it and published, in hours and without a trigger, though a vehicle parked at
     * two places has driven between them, a trip whose records had not arrived. It waits for them now.
     */
    @Test
    void aParkedRecordAwayFromWhereTheVehicleWasParkedWaitsForTheTripBetween() {
        List<Fix> atWork = List.of(
                new Fix("2025-06-02T09:00", 52.40, 13.30, 1, 1, 0),   // Monday, a business trip to work
                new Fix("2025-06-02T09:30", 52.50, 13.40, 0, 0, 0));  // parked at work
        List<Fix> fixes = List.of(
                new Fix("2025-06-02T10:00", 52.50, 13.40, 1, 1, 1),   // leaves, the button pressed: private trip
                new Fix("2025-06-02T10:10", 52.51, 13.41, 1, 1, 1),
                new Fix("2025-06-02T10:20", 52.53, 13.43, 0, 0, 0),   // ends 3.7 km away, button released
                new Fix("2025-06-02T10:40", 52.53, 13.43, 0, 0, 0));  // parked there: sticky
        assertEveryOrder(PolicyEngineSpecTest.OFFICE_HOURS, SPARSE, "Europe/Berlin", atWork, fixes,
                PRIVATE, PRIVATE, PRIVATE, PRIVATE);
    }
}
