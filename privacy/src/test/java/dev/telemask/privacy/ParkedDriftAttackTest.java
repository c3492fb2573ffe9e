package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A parked tracker's GNSS drift after a private trip that ended at home: for an hour the fixes wander a few metres
 * around home at walking speed, a door shut hard or a car wash reports movement for a record or two, and the next
 * morning a business trip starts. Until that trip starts, no record may publish a position near home, whatever
 * order the records arrive in.
 */
class ParkedDriftAttackTest {
    static final byte[] KEY = "parked-drift-attack-key".getBytes(StandardCharsets.UTF_8);
    static final double HOME_LAT = 52.52;
    static final double HOME_LON = 13.40;
    static final long T0 = 1_750_000_000_000L;
    /** When the morning's business trip starts: records from then on may show home as its start. */
    static final long MORNING = T0 + Duration.ofHours(14).toMillis();
    /** The default timing without a grace window. */
    static final TripTiming PUBLISH_AT_ONCE = new TripTiming(Duration.ZERO, Duration.ofMinutes(1), Duration.ofHours(2),
            Duration.ofSeconds(5));

    /**
     * A record with speed {@code kmh}; {@code ignition} or {@code privateMode} -1 leaves the element out (a device
     * with no ignition wired, a device that reports private mode only while it is on).
     */
    static void record(AvlBatch batch, long time, double lat, double lon, int kmh, int ignition, int movement,
                       int privateMode, long odometer) {
        batch.addRecord(time, 1, Drive.e7(lon), Drive.e7(lat), 120, 90, 9, kmh, 0, AvlBatch.NO_GENERATION);
        if (ignition >= 0) {
            batch.addIo(TeltonikaIo.IGNITION, 1, ignition);
        }
        batch.addIo(TeltonikaIo.MOVEMENT, 1, movement);
        if (privateMode >= 0) {
            batch.addIo(Policy.DEFAULT_PRIVATE_MODE_IO, 1, privateMode);
        }
        batch.addIo(Drive.EXTERNAL_VOLTAGE, 2, 12_800);
        batch.addIo(TeltonikaIo.TOTAL_ODOMETER, 4, odometer);
    }

    /**
     * The history: a business trip yesterday morning (the device has reported ignition on if {@code ignition}), a
     * private trip home (private mode on) ending parked at home, an hour of drift every {@code period} with movement
     * blips, the drift's private-mode element {@code driftPrivate}, and the morning's business trip.
     */
    static List<AvlBatch> history(boolean ignition, long period, int driftPrivate, boolean fixlessBlips, long seed) {
        Random random = new Random(seed);
        List<AvlBatch> frames = new ArrayList<>();
        long odometer = 5_000_000;
        int on = ignition ? 1 : -1;
        int off = ignition ? 0 : -1;
        // Earlier: a business trip elsewhere, ended parked there.
        AvlBatch frame = new AvlBatch();
        long t = T0 - Duration.ofMinutes(40).toMillis();
        for (int i = 0; i < 10; i++, t += 30_000) {
            record(frame, t, HOME_LAT + 0.1 + i * 0.001, HOME_LON + 0.1, 50, on, 1, 0, odometer += 400);
        }
        record(frame, t, HOME_LAT + 0.11, HOME_LON + 0.1, 0, off, 0, 0, odometer);
        frames.add(frame);
        // The private trip home: starts 10 minutes later, ends at home at T0 + 10 min.
        frame = new AvlBatch();
        t = T0;
        for (int i = 20; i > 0; i--, t += 30_000) {
            record(frame, t, HOME_LAT + i * 0.005, HOME_LON + i * 0.005, 50, on, 1, 1, odometer += 400);
        }
        record(frame, t, HOME_LAT, HOME_LON, 0, off, 0, 1, odometer);
        frames.add(frame);
        // An hour of drift: 5..40 m around home, 1..5 km/h, movement on for a record or two now and then.
        long end = t + Duration.ofHours(1).toMillis();
        t += period;
        while (t < end) {
            frame = new AvlBatch();
            for (int i = 0; i < 5 && t < end; i++, t += period) {
                double metres = 5 + random.nextDouble() * 35;
                double bearing = random.nextDouble() * 2 * Math.PI;
                double lat = HOME_LAT + metres * Math.cos(bearing) / 111_320;
                double lon = HOME_LON + metres * Math.sin(bearing) / (111_320 * Math.cos(Math.toRadians(HOME_LAT)));
                int movement = random.nextInt(6) == 0 ? 1 : 0;
                record(frame, t, lat, lon, 1 + random.nextInt(5), off, movement, driftPrivate, odometer);
                if (movement == 1 && fixlessBlips) {
                    // The blip without a fix: no satellites, zeros where the position goes.
                    frame.setPosition(frame.size() - 1, 0, 0);
                    frame.clearSatellites(frame.size() - 1);
                }
            }
            frames.add(frame);
        }
        // The morning: a business trip from home.
        frame = new AvlBatch();
        t = MORNING;
        for (int i = 0; i < 8; i++, t += 30_000) {
            record(frame, t, HOME_LAT + i * 0.004, HOME_LON, 50, on, 1, 0, odometer += 400);
        }
        frames.add(frame);
        return frames;
    }

    /**
     * No row from the private trip's start to the morning's trip is published at all: the drift is within 40 m of
     * home, so an exact position is near home and a coarsened one names the cell home is in.
     */
    static void assertHomeHidden(Map<String, String> rows, String what) {
        for (Map.Entry<String, String> row : rows.entrySet()) {
            long time = Long.parseLong(row.getKey().substring(0, row.getKey().indexOf('/')));
            if (time >= T0 && time < MORNING) {
                assertTrue(!row.getValue().contains(" at "), what + ": " + row + " published; rows " + rows);
            }
        }
    }

    static CompiledPolicy policy(int coarsening, TripTiming timing) {
        Policy policy = Policy.noOp().withTiming(timing);
        if (coarsening > 0) {
            policy = policy.withCoarseningMetres(coarsening);
        }
        return CompiledPolicy.compile(policy, KEY);
    }

    void attack(boolean ignition, long period, int driftPrivate, boolean fixlessBlips, int coarsening,
                TripTiming timing) {
        for (long seed = 1; seed <= 20; seed++) {
            CompiledPolicy policy = policy(coarsening, timing);
            List<AvlBatch> frames = history(ignition, period, driftPrivate, fixlessBlips, seed);
            String what = timing + " ignition " + ignition + " period " + period + " drift 391=" + driftPrivate
                    + " fixless blips " + fixlessBlips + " coarsening " + coarsening + " seed " + seed;
            Map<String, String> inOrder = ArrivalOrderAttackTest.ingest(policy, frames.toArray(AvlBatch[]::new));
            assertHomeHidden(inOrder, what + " in order");
            Map<String, String> newestFirst = ArrivalOrderAttackTest.ingest(policy,
                    frames.reversed().toArray(AvlBatch[]::new));
            assertHomeHidden(newestFirst, what + " newest first");
            assertEquals(inOrder, newestFirst, what);
        }
    }

    @Test
    void driftAfterAPrivateTripHome() {
        for (boolean ignition : new boolean[] {true, false}) {
            for (long period : new long[] {30_000, 120_000}) {
                for (int driftPrivate : new int[] {-1, 0, 1}) {
                    for (int coarsening : new int[] {0, 500}) {
                        for (boolean fixless : new boolean[] {false, true}) {
                            attack(ignition, period, driftPrivate, fixless, coarsening, TripTiming.DEFAULT);
                            // No grace window: a trip's start is published at once, but a door shut hard is no start.
                            attack(ignition, period, driftPrivate, fixless, coarsening, PUBLISH_AT_ONCE);
                        }
                    }
                }
            }
        }
    }

    /**
     * A device whose ignition was never on before its private trip home: that trip, the only record of ignition on
     * before the morning, arrives last and slower than the anchor delay. The frame before it holds the vehicle parked
     * at home after a gap, a door shut hard (movement on, ignition 0, at home) and the morning's trip. Read by the
     * ignition seen so far in device time, the door is a trip start from home and would be published; the morning's
     * records, in that very frame, say the ignition is wired, so the door is the parked vehicle, private like home.
     */
    @Test
    void aDoorShutAtHomeIsNoTripStartWhenTheTripHomeArrivesLast() {
        for (TripTiming timing : new TripTiming[] {TripTiming.DEFAULT, PUBLISH_AT_ONCE}) {
            CompiledPolicy policy = policy(0, timing);
            long odometer = 5_000_000;
            AvlBatch before = new AvlBatch();
            record(before, T0 - Duration.ofHours(3).toMillis(), HOME_LAT, HOME_LON, 0, 0, 0, 0, odometer);
            AvlBatch tripHome = tripHome(odometer, false);
            odometer += TRIP_HOME_METRES;
            AvlBatch morning = new AvlBatch();
            long door = T0 + Duration.ofHours(2).toMillis() + Duration.ofMinutes(30).toMillis();
            record(morning, door - 60_000, HOME_LAT, HOME_LON, 0, 0, 0, 0, odometer);
            record(morning, door - 30_000, HOME_LAT, HOME_LON, 0, 0, 0, 0, odometer);
            record(morning, door, HOME_LAT, HOME_LON, 0, 0, 1, 0, odometer);
            long start = door + 30_000;
            for (int i = 1; i <= 5; i++) {
                record(morning, start + (i - 1) * 30_000L, HOME_LAT + i * 0.004, HOME_LON, 50, 1, 1, 0,
                        odometer += 400);
            }
            assertNoneShown(policy, before, tripHome, morning, tripHome.timestamp(0), start, timing.toString());
        }
    }

    /**
     * A device that reports its private-mode element only when it changes: pressed on during the drive home, it is
     * still on the next morning, and so that trip is private too. The drive home arrives last, slower than the anchor
     * delay: the morning, decided first after a gap, must not read the element as off because its records lack it.
     */
    @Test
    void privateModeThatCameOnInAGapStillHoldsForTheNextTrip() {
        for (TripTiming timing : new TripTiming[] {TripTiming.DEFAULT, PUBLISH_AT_ONCE}) {
            CompiledPolicy policy = policy(0, timing);
            long odometer = 5_000_000;
            AvlBatch before = new AvlBatch();
            record(before, T0 - Duration.ofHours(3).toMillis(), HOME_LAT + 0.2, HOME_LON, 0, 0, 0, 0, odometer);
            AvlBatch tripHome = tripHome(odometer, true);
            odometer += TRIP_HOME_METRES;
            AvlBatch morning = new AvlBatch();
            long start = T0 + Duration.ofHours(3).toMillis();
            record(morning, start - 30_000, HOME_LAT, HOME_LON, 0, 0, 0, -1, odometer);
            for (int i = 0; i < 6; i++) {
                record(morning, start + i * 30_000L, HOME_LAT + i * 0.004, HOME_LON, 50, 1, 1, -1, odometer += 400);
            }
            assertNoneShown(policy, before, tripHome, morning, T0 - Duration.ofMinutes(10).toMillis(), Long.MAX_VALUE,
                    timing.toString());
        }
    }

    /**
     * A device that reports ignition only when it changes, last seen driving: its private trip home (ignition off at
     * the end) arrives last, slower than the anchor delay. After the gap the records at home lack ignition, so it
     * reads as before the gap, on; a door shut hard (movement on) would then start a public trip at home. Ignition
     * as last reported before a gap starts no trip where the vehicle stands parked until a record reports it again.
     */
    @Test
    void ignitionFromBeforeAGapStartsNoTripWhereAPrivateTripMayHaveEnded() {
        for (TripTiming timing : new TripTiming[] {TripTiming.DEFAULT, PUBLISH_AT_ONCE}) {
            CompiledPolicy policy = policy(0, timing);
            long odometer = 5_000_000;
            AvlBatch before = new AvlBatch();
            record(before, T0 - Duration.ofMinutes(40).toMillis(), HOME_LAT + 0.3, HOME_LON, 50, 1, 1, 0, odometer);
            AvlBatch tripHome = tripHome(odometer, false);
            odometer += TRIP_HOME_METRES;
            AvlBatch morning = new AvlBatch();
            long door = T0 + Duration.ofMinutes(90).toMillis();
            record(morning, door - 60_000, HOME_LAT, HOME_LON, 0, -1, 0, 0, odometer);
            record(morning, door - 30_000, HOME_LAT, HOME_LON, 0, -1, 0, 0, odometer);
            record(morning, door, HOME_LAT, HOME_LON, 0, -1, 1, 0, odometer);
            record(morning, door + 30_000, HOME_LAT, HOME_LON, 0, -1, 0, 0, odometer);
            long start = door + 60_000;
            for (int i = 0; i < 5; i++) {
                record(morning, start + i * 30_000L, HOME_LAT + i * 0.004, HOME_LON, 50, 1, 1, 0, odometer += 400);
            }
            assertNoneShown(policy, before, tripHome, morning, tripHome.timestamp(0), start, timing.toString());
        }
    }

    /**
     * A device first seen without ignition or movement elements (its first record, yesterday, had neither) reports
     * them later. The morning's backlog, sent before the private trip home, starts with a record that carries
     * neither, then parked records that do. Such a record used to be judged on its own (a device not known to report
     * trips), and the parked records after it continued it, so home was published. Ignition or movement in any record
     * received now tells the device reports trips, and the morning after a gap is decided fail closed.
     */
    @Test
    void aDeviceFirstSeenWithoutTripElementsIsJudgedByTripsOnceAnyRecordReceivedCarriesThem() {
        for (TripTiming timing : new TripTiming[] {TripTiming.DEFAULT, PUBLISH_AT_ONCE}) {
            CompiledPolicy policy = policy(0, timing);
            long odometer = 5_000_000;
            AvlBatch before = new AvlBatch();
            before.addRecord(T0 - Duration.ofHours(3).toMillis(), 1, Drive.e7(HOME_LON), Drive.e7(HOME_LAT + 0.3),
                    120, 90, 9, 50, 0, AvlBatch.NO_GENERATION);
            before.addIo(TeltonikaIo.TOTAL_ODOMETER, 4, odometer);
            AvlBatch tripHome = tripHome(odometer, false);
            odometer += TRIP_HOME_METRES;
            AvlBatch morning = new AvlBatch();
            long first = T0 + Duration.ofMinutes(90).toMillis();
            morning.addRecord(first, 1, Drive.e7(HOME_LON), Drive.e7(HOME_LAT), 120, 90, 9, 0, 0,
                    AvlBatch.NO_GENERATION);
            morning.addIo(TeltonikaIo.TOTAL_ODOMETER, 4, odometer);
            for (int i = 1; i <= 4; i++) {
                record(morning, first + i * 30_000L, HOME_LAT, HOME_LON, 0, 0, 0, 0, odometer);
            }
            long start = first + 5 * 30_000L;
            for (int i = 0; i < 5; i++) {
                record(morning, start + i * 30_000L, HOME_LAT + i * 0.004, HOME_LON, 50, 1, 1, 0, odometer += 400);
            }
            morning.setEventIo(5, TeltonikaIo.IGNITION); // the business trip starts by its word
            assertNoneShown(policy, before, tripHome, morning, tripHome.timestamp(0), start, timing.toString());
        }
    }

    /**
     * Without a grace window, a private-mode press the device logged in the very millisecond the trip starts (an event
     * record beside the periodic one, ordered after it by its event ID) is at the trip's start: the whole trip is
     * private, its first record included.
     */
    @Test
    void aPressInTheTripsFirstMillisecondHidesTheTripWithoutAGraceWindow() {
        CompiledPolicy policy = policy(0, PUBLISH_AT_ONCE);
        long odometer = 5_000_000;
        AvlBatch before = new AvlBatch();
        record(before, T0 - 50_000, HOME_LAT, HOME_LON, 0, 1, 0, 0, odometer);
        AvlBatch trip = new AvlBatch();
        record(trip, T0, HOME_LAT + 0.001, HOME_LON, 30, 1, 1, -1, odometer += 100);
        record(trip, T0, HOME_LAT + 0.001, HOME_LON, 30, 1, 1, 1, odometer);
        trip.setEventIo(1, Policy.DEFAULT_PRIVATE_MODE_IO);
        for (int i = 1; i <= 5; i++) {
            record(trip, T0 + i * 30_000L, HOME_LAT + 0.001 + i * 0.004, HOME_LON, 50, 1, 1, -1, odometer += 400);
        }
        Map<String, String> rows = ArrivalOrderAttackTest.ingest(policy, before, null, trip);
        rows.forEach((key, row) -> assertTrue(Long.parseLong(key.substring(0, key.indexOf('/'))) < T0
                || !row.contains(" at "), key + "=" + row + " published; rows " + rows));
    }

    static final long TRIP_HOME_METRES = 16_000;

    /**
     * A private trip home: 20 minutes with ignition on up to {@link #T0}, parked at home then with ignition off;
     * private mode on in every record, or (when {@code pressedOnlyMidway}) reported once, on, halfway home.
     */
    static AvlBatch tripHome(long odometer, boolean pressedOnlyMidway) {
        AvlBatch trip = new AvlBatch();
        long t = T0 - Duration.ofMinutes(20).toMillis();
        for (int i = 20; i > 0; i--, t += 60_000) {
            record(trip, t, HOME_LAT + i * 0.01, HOME_LON, 50, 1, 1, !pressedOnlyMidway || i == 10 ? 1 : -1,
                    odometer += TRIP_HOME_METRES / 20);
        }
        record(trip, t, HOME_LAT, HOME_LON, 0, 0, 0, pressedOnlyMidway ? -1 : 1, odometer);
        return trip;
    }

    /**
     * The three frames sent in order and with the trip home last (each after the anchor delay): no record logged from
     * {@code from} until {@code until} is stored with a position.
     */
    static void assertNoneShown(CompiledPolicy policy, AvlBatch before, AvlBatch tripHome, AvlBatch morning, long from,
                                long until, String what) {
        for (boolean tripHomeFirst : new boolean[] {true, false}) {
            Map<String, String> rows = tripHomeFirst
                    ? ArrivalOrderAttackTest.ingest(policy, before, null, tripHome, null, morning)
                    : ArrivalOrderAttackTest.ingest(policy, before, null, morning, null, tripHome);
            for (Map.Entry<String, String> row : rows.entrySet()) {
                long time = Long.parseLong(row.getKey().substring(0, row.getKey().indexOf('/')));
                assertTrue(time < from || time >= until || !row.getValue().contains(" at "),
                        what + (tripHomeFirst ? " in order: " : " trip home last: ") + row + " published");
            }
        }
    }
}
