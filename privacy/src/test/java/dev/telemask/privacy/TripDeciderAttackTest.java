package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the engine found by reviewing it as an adversary would, each a drive and an arrival order that once
 * published something a private trip should hide, or held the gateway busy; now each must not.
 */
class TripDeciderAttackTest {
    static final byte[] KEY = "attack-test-key".getBytes(StandardCharsets.UTF_8);
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final long NOW = 1_800_000_000_000L;
    static final long EXPIRY = Duration.ofDays(1).toMillis();
    static final double HOME_LAT = 52.52;
    static final double HOME_LON = 13.40;

    /** Stored rows by device time (and event ID, in the key's low digits): treatment and what position survived. */
    private final Map<Long, String> stored = new TreeMap<>();

    private static long key(long time, int event) {
        return time * 1_000 + event;
    }

    private void feed(DeviceLedger ledger, CompiledPolicy policy, AvlBatch frame, long now) {
        ledger.apply(policy, Consent.ALL, false, frame, now, Long.MIN_VALUE, Long.MAX_VALUE, EXPIRY);
        ledger.committed();
        AvlBatch out = ledger.output();
        for (int r = 0; r < out.size(); r++) {
            Treatment t = Treatment.ofCode(ledger.treatments()[r]);
            if (t != Treatment.SEALED && t != Treatment.DROPPED && t != Treatment.ZONE) {
                stored.putIfAbsent(key(out.timestamp(r), out.keyEventIo(r)), t + (out.isLocationCleared(r) ? "" : " at "
                        + out.latitude(r) + "," + out.longitude(r)));
            }
        }
    }

    private static AvlBatch range(AvlBatch all, int from, int to) {
        AvlBatch frame = new AvlBatch();
        for (int r = to - 1; r >= from; r--) {
            frame.appendRecord(all, r); // newest first
        }
        return frame;
    }

    @Test
    void aPrivateTripWhoseStartArrivesLateIsNotPublishedWhereItPassesTheOldParkingPlace() {
        // Office hours from 07:00: a trip at 06:30 is private. It loops back past home at 07:10, ends 5 km north.
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp().withSchedule(
                BusinessSchedule.weekdays(BERLIN, new TimeRange(7 * 60, 19 * 60))), KEY);
        Drive drive = Drive.in("Europe/Berlin");
        long t0 = Drive.millis("2025-06-02T06:00", BERLIN);
        drive.record(t0, HOME_LAT, HOME_LON, 9, 0, 0, -1);
        long t = Drive.millis("2025-06-02T06:30", BERLIN);
        for (int i = 1; i <= 101; i++, t += 30_000) {
            double out = i <= 80 ? Math.sin(Math.PI * i / 80) * 0.03 : (i - 80) * 0.0025;
            drive.record(t, HOME_LAT + out, HOME_LON, 9, 1, 1, -1);
        }
        drive.record(t, HOME_LAT + 0.0525, HOME_LON, 9, 0, 0, -1);
        drive.record(t + 30_000, HOME_LAT + 0.0525, HOME_LON, 9, 0, 0, -1);
        DeviceLedger ledger = new DeviceLedger();
        feed(ledger, policy, range(drive.batch, 0, 1), NOW);
        feed(ledger, policy, null, NOW + 6_000);
        feed(ledger, policy, range(drive.batch, 81, 104), NOW + 10_000); // the newest part first
        feed(ledger, policy, null, NOW + 16_000); // its anchor delay passes
        feed(ledger, policy, range(drive.batch, 1, 81), NOW + 20_000); // the start, late
        feed(ledger, policy, null, NOW + 30_000);
        stored.forEach((key, row) -> assertTrue(key / 1_000 == t0 || !row.contains(" at "), key + ": " + row));
    }

    @Test
    void aParkedVehiclesMovementAfterAGapIsNoTripStartWhereAPrivateTripEnded() {
        // Ignition and movement set to "event only": a record carries one only when it changed.
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp(), KEY);
        long t = 1_750_000_000_000L;
        AvlBatch drive = new AvlBatch();
        event(drive, t, HOME_LAT, HOME_LON, TeltonikaIo.IGNITION, 0);                  // parked
        event(drive, t + 30_000, HOME_LAT, HOME_LON, TeltonikaIo.IGNITION, 1);         // a private trip
        drive.addIo(Policy.DEFAULT_PRIVATE_MODE_IO, 1, 1);
        for (int i = 2; i <= 5; i++) {
            periodic(drive, t + i * 30_000L, HOME_LAT + i * 0.003, HOME_LON);
        }
        event(drive, t + 180_000, HOME_LAT + 0.015, HOME_LON, TeltonikaIo.IGNITION, 0); // ends: sticky
        drive.addIo(Policy.DEFAULT_PRIVATE_MODE_IO, 1, 0);
        // The tracker sleeps three hours, wakes and logs where the vehicle stands; then a door shut hard moves it.
        long back = t + 180_000 + 3 * 3_600_000L;
        periodic(drive, back, HOME_LAT + 0.015, HOME_LON);
        event(drive, back + 30_000, HOME_LAT + 0.015, HOME_LON, TeltonikaIo.MOVEMENT, 1);
        event(drive, back + 60_000, HOME_LAT + 0.015, HOME_LON, TeltonikaIo.MOVEMENT, 0);
        periodic(drive, back + 90_000, HOME_LAT + 0.015, HOME_LON);
        DeviceLedger ledger = new DeviceLedger();
        feed(ledger, policy, range(drive, 0, 1), NOW);
        feed(ledger, policy, null, NOW + 6_000);
        feed(ledger, policy, range(drive, 1, drive.size()), NOW + 7_000);
        feed(ledger, policy, null, NOW + 13_000);
        feed(ledger, policy, null, NOW + 19_000);
        assertEquals(drive.size(), stored.size(), "all decided: " + stored);
        assertNothingPublishedAfter(t, "where the private trip ended");
    }

    @Test
    void aRecordOfADeviceWithoutTripsAfterAGapDoesNotTakeThePrivateModeFromBeforeIt() {
        // No ignition or movement; the private-mode element only in the record logged when it changes.
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp(), KEY);
        long t = 1_750_000_000_000L;
        AvlBatch drive = privateModeOffAtHome(t);
        event(drive, t + 60_000, HOME_LAT + 0.003, HOME_LON, Policy.DEFAULT_PRIVATE_MODE_IO, 1); // pressed
        for (int i = 3; i <= 6; i++) {
            periodic(drive, t + i * 40_000L, HOME_LAT + i * 0.003, HOME_LON);
        }
        // The newest records come first, the press more than the anchor delay later.
        inTwoParts(policy, drive, 4);
        assertNothingPublishedAfter(t, "while private mode is on");
    }

    @Test
    void aRecordWithoutAFixAfterAGapDoesNotRepeatAFixStillToCome() {
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp(), KEY);
        long t = 1_750_000_000_000L;
        AvlBatch drive = privateModeOffAtHome(t);
        for (int i = 1; i <= 4; i++) {                                  // private mode on, driving
            event(drive, t + i * 40_000L, HOME_LAT + i * 0.003, HOME_LON, Policy.DEFAULT_PRIVATE_MODE_IO, 1);
        }
        // Private mode off, no fix: the device repeats its last fix, the private one of four records before.
        drive.addRecord(t + 200_000, 1, Drive.e7(HOME_LON), Drive.e7(HOME_LAT + 0.012), 120, 90, 0, 0,
                Policy.DEFAULT_PRIVATE_MODE_IO, AvlBatch.NO_GENERATION);
        drive.addIo(Policy.DEFAULT_PRIVATE_MODE_IO, 1, 0);
        inTwoParts(policy, drive, 5);
        assertNothingPublishedAfter(t, "where private mode was on");
    }

    /** A drive starting with the record a device logs when its private-mode element goes off, at home. */
    private static AvlBatch privateModeOffAtHome(long time) {
        AvlBatch drive = new AvlBatch();
        event(drive, time, HOME_LAT, HOME_LON, Policy.DEFAULT_PRIVATE_MODE_IO, 0);
        return drive;
    }

    /**
     * The drive's first record decided, then its records from {@code from} on, then, more than the anchor delay
     * later, the ones between: they are late.
     */
    private void inTwoParts(CompiledPolicy policy, AvlBatch drive, int from) {
        DeviceLedger ledger = new DeviceLedger();
        feed(ledger, policy, range(drive, 0, 1), NOW);
        feed(ledger, policy, null, NOW + 6_000);
        feed(ledger, policy, range(drive, from, drive.size()), NOW + 7_000);
        feed(ledger, policy, null, NOW + 13_000);
        feed(ledger, policy, range(drive, 1, from), NOW + 14_000);
        feed(ledger, policy, null, NOW + 20_000);
    }

    /** No stored record after the one at device time {@code first} keeps a position. */
    private void assertNothingPublishedAfter(long first, String what) {
        stored.forEach((key, row) -> assertTrue(key / 1_000 == first || !row.contains(" at "),
                what + ": " + key + " " + row));
    }

    /** A record logged because {@code element} changed to {@code value}, carrying only that element. */
    private static void event(AvlBatch batch, long time, double lat, double lon, int element, int value) {
        batch.addRecord(time, 1, Drive.e7(lon), Drive.e7(lat), 120, 90, 9, 0, element, AvlBatch.NO_GENERATION);
        batch.addIo(element, 1, value);
    }

    /** A periodic record, without ignition or movement. */
    private static void periodic(AvlBatch batch, long time, double lat, double lon) {
        batch.addRecord(time, 1, Drive.e7(lon), Drive.e7(lat), 120, 90, 9, 0, 0, AvlBatch.NO_GENERATION);
        batch.addIo(Drive.EXTERNAL_VOLTAGE, 2, 12_800);
    }

    @Test
    void recordsOfOneMillisecondAreOrderedTheSameWhateverTheirArrival() {
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp().withTiming(Ledgers.CONTINUOUS), KEY);
        long t = Drive.millis("2025-06-02T10:00", BERLIN);
        for (boolean offFirst : new boolean[] {true, false}) {
            stored.clear();
            Drive drive = Drive.in("Europe/Berlin");
            drive.fix("2025-06-02T09:59", HOME_LAT, HOME_LON, 0, 0);
            drive.fixWithPrivateMode("2025-06-02T10:00", HOME_LAT, HOME_LON, 1, 1, 1);
            drive.record(t + 60_000, HOME_LAT + 0.01, HOME_LON, 9, 1, 1, 1);
            AvlBatch off = new AvlBatch();
            AvlBatch on = new AvlBatch();
            Drive end = Drive.in("Europe/Berlin");
            end.record(t + 120_000, 52.55, 13.43, 9, 0, 0, 0);
            end.record(t + 120_000, 52.55, 13.43, 9, 1, 1, 0);
            end.batch.setEventIo(1, 250);
            end.record(t + 150_000, 52.55, 13.43, 9, 0, 0, 0);
            off.appendRecord(end.batch, 0);
            on.appendRecord(end.batch, 1);
            DeviceLedger ledger = new DeviceLedger();
            feed(ledger, policy, drive.batch, NOW);
            feed(ledger, policy, offFirst ? off : on, NOW + 10);
            feed(ledger, policy, offFirst ? on : off, NOW + 20);
            AvlBatch last = new AvlBatch();
            last.appendRecord(end.batch, 2);
            if (offFirst) { // and both in one frame
                AvlBatch both = new AvlBatch();
                both.appendRecord(end.batch, 1);
                both.appendRecord(end.batch, 0);
                stored.clear();
                DeviceLedger together = new DeviceLedger();
                feed(together, policy, drive.batch, NOW);
                feed(together, policy, both, NOW + 10);
                feed(together, policy, last, NOW + 20);
            }
            feed(ledger, policy, last, NOW + 30);
            stored.forEach((key, row) -> assertTrue(key / 1_000 < t || !row.contains(" at "),
                    "where the private trip ended, off first " + offFirst + ": " + row));
        }
    }

    @Test
    void aLateRecordInAZoneIsNotStoredAndLeavesTheZonesTrailAlone() {
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp().withTiming(Ledgers.CONTINUOUS)
                .withZones(List.of(new PrivacyZone("home", HOME_LAT, HOME_LON, 300))), KEY);
        Drive drive = Drive.in("UTC");
        long t = 1_750_000_000_000L;
        for (int i = 0; i < 150; i++) {
            drive.record(t + i * 10_000L, HOME_LAT, HOME_LON + i * 0.0015, 9, 1, 1, -1);
        }
        Map<Long, String> inOrder = new TreeMap<>();
        DeviceLedger ledger = new DeviceLedger();
        feed(ledger, policy, drive.batch, NOW);
        inOrder.putAll(stored);
        stored.clear();
        // The same drive with one record held back until later records went: it arrives late.
        int held = firstVisible(inOrder, t) - 3;
        DeviceLedger attacked = new DeviceLedger();
        AvlBatch first = new AvlBatch();
        AvlBatch rest = new AvlBatch();
        for (int i = 0; i < 150; i++) {
            if (i != held) {
                (i < held + 10 ? first : rest).appendRecord(drive.batch, i);
            }
        }
        feed(attacked, policy, first, NOW);
        AvlBatch late = new AvlBatch();
        late.appendRecord(drive.batch, held);
        feed(attacked, policy, late, NOW + 10);
        feed(attacked, policy, rest, NOW + 20);
        assertTrue(!stored.containsKey(key(t + held * 10_000L, 0)), "a late record in the zone is not stored at all");
        inOrder.forEach((time, row) -> {
            if (row.contains(" at ")) {
                assertEquals(row, stored.get(time), "published the same");
            } else {
                assertTrue(!String.valueOf(stored.get(time)).contains(" at "), "hidden the same at " + time);
            }
        });
        stored.forEach((time, row) -> assertTrue(!row.contains(" at ") || row.equals(inOrder.get(time)),
                time + " published only when it is in order: " + row));
    }

    private static int firstVisible(Map<Long, String> rows, long t) {
        for (Map.Entry<Long, String> row : rows.entrySet()) {
            if (row.getValue().contains(" at ")) {
                return (int) ((row.getKey() / 1_000 - t) / 10_000L);
            }
        }
        throw new AssertionError("the drive never left the zone");
    }

    @Test
    void aTripStartWaitingForItsGraceWindowSetsNoClockDeadline() {
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp(), KEY); // default timing: a 2-minute window
        Drive drive = Drive.in("UTC");
        long t = 1_750_000_000_000L;
        drive.record(t, HOME_LAT, HOME_LON, 9, 0, 0, -1);
        drive.record(t + 10_000, HOME_LAT, HOME_LON, 9, 1, 1, -1);
        drive.record(t + 20_000, HOME_LAT + 0.001, HOME_LON, 9, 1, 1, -1);
        DeviceLedger ledger = new DeviceLedger();
        feed(ledger, policy, drive.batch, NOW);
        feed(ledger, policy, null, NOW + 6_000); // the new device's anchor delay has passed
        assertEquals(2, ledger.pendingCount(), "the trip's start waits for its window, in device time");
        assertEquals(NOW + EXPIRY, ledger.nextDeadlineMillis(policy, EXPIRY),
                "only the expiry can end that wait by the clock: nothing to look at before");
    }

    @Test
    void aDeviceCannotMakeTheGatewayHoldAnUnboundedBacklog() {
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp(), KEY);
        DeviceLedger ledger = new DeviceLedger();
        long t = 1_750_000_000_000L;
        Drive start = Drive.in("UTC");
        start.record(t, HOME_LAT, HOME_LON, 9, 0, 0, -1);
        feed(ledger, policy, start.batch, NOW);
        feed(ledger, policy, null, NOW + 6_000);
        // A trip start, then records every millisecond that never reach the end of its grace window.
        for (int frame = 0; frame < 100; frame++) {
            Drive burst = Drive.in("UTC");
            for (int i = 0; i < 255; i++) {
                burst.record(t + 1_000 + frame * 255L + i, HOME_LAT, HOME_LON, 9, 1, 1, -1);
            }
            feed(ledger, policy, burst.batch, NOW + 7_000 + frame);
        }
        assertTrue(ledger.pendingCount() <= TripDecider.MAX_PENDING, "pending " + ledger.pendingCount());
    }
}
