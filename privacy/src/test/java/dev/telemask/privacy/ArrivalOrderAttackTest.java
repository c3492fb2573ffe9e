package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the trip-level decision by arrival order: one drive, sent in two orders, must leave the same rows; each
 * test is a drive and an order that once published where a private trip went.
 */
class ArrivalOrderAttackTest {
    static final byte[] KEY = "arrival-attack-key".getBytes(StandardCharsets.UTF_8);
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final long NOW = 1_800_000_000_000L;
    static final long EXPIRY = Duration.ofDays(1).toMillis();
    static final double LAT = 52.52;
    static final double LON = 13.40;

    /** Feeds the frames in turn (10 ms apart), then lets the anchor delay pass twice; returns the rows by time/event. */
    static Map<String, String> ingest(CompiledPolicy policy, AvlBatch... frames) {
        Map<String, String> rows = new TreeMap<>();
        DeviceLedger ledger = new DeviceLedger();
        long now = NOW;
        for (AvlBatch frame : frames) {
            // null: the anchor delay passes, as between a device's history and what follows
            now += frame == null ? policy.anchorDelayMillis + 1 : 10;
            feed(ledger, policy, frame, now, rows);
        }
        feed(ledger, policy, null, now + policy.anchorDelayMillis + 1, rows);
        feed(ledger, policy, null, now + 2 * policy.anchorDelayMillis + 2, rows);
        return rows;
    }

    private static void feed(DeviceLedger ledger, CompiledPolicy policy, AvlBatch frame, long now,
                             Map<String, String> rows) {
        feed(ledger, policy, Consent.ALL, false, frame, now, rows);
    }

    private static void feed(DeviceLedger ledger, CompiledPolicy policy, Consent consent, boolean manualPrivate,
                             AvlBatch frame, long now, Map<String, String> rows) {
        AvlBatch copy = null;
        if (frame != null) {
            copy = new AvlBatch();
            copy.copyFrom(frame);
        }
        ledger.apply(policy, consent, manualPrivate, copy, now, Long.MIN_VALUE, Long.MAX_VALUE, EXPIRY);
        ledger.committed();
        AvlBatch out = ledger.output();
        for (int r = 0; r < out.size(); r++) {
            Treatment t = Treatment.ofCode(ledger.treatments()[r]);
            if (t != Treatment.SEALED) {
                rows.put(out.timestamp(r) + "/" + out.keyEventIo(r), t + (out.isLocationCleared(r) ? "" : " at " + out.latitude(r) + ","
                        + out.longitude(r)));
            }
        }
    }

    /** A policy that publishes a trip's start at once (grace window 0), with a 5 s anchor delay. */
    private static CompiledPolicy withoutGraceWindow() {
        return CompiledPolicy.compile(Policy.noOp().withTiming(new TripTiming(Duration.ZERO, Duration.ofMinutes(1),
                Duration.ofHours(2), Duration.ofSeconds(5))), KEY);
    }

    static AvlBatch records(AvlBatch all, int from, int to) {
        AvlBatch frame = new AvlBatch();
        for (int r = from; r < to; r++) {
            frame.appendRecord(all, r);
        }
        return frame;
    }

    /** A record without ignition or movement (an FMB device with them set to "event only" logs such). */
    static void withoutTripIo(AvlBatch batch, long time, double lat, double lon) {
        batch.addRecord(time, 1, Drive.e7(lon), Drive.e7(lat), 120, 90, 9, 50, 0, AvlBatch.NO_GENERATION);
        batch.addIo(Drive.EXTERNAL_VOLTAGE, 2, 12_800);
    }

    @Test
    void aNewDevicesRecordsWithoutIgnitionWaitForTheTripTheyContinue() {
        // A private trip (private mode on): its records with ignition, then records that lack it, mid-trip.
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp(), KEY);
        Drive drive = Drive.in("UTC");
        long t = 1_750_000_000_000L;
        drive.record(t, LAT, LON, 9, 0, 0, 0);
        for (int i = 1; i <= 6; i++) {
            drive.record(t + i * 30_000L, LAT + i * 0.002, LON, 9, 1, 1, 1);
        }
        for (int i = 7; i <= 9; i++) {
            withoutTripIo(drive.batch, t + i * 30_000L, LAT + i * 0.002, LON);
        }
        Map<String, String> inOrder = ingest(policy, records(drive.batch, 0, 7), records(drive.batch, 7, 10));
        Map<String, String> newestFirst = ingest(policy, records(drive.batch, 7, 10), records(drive.batch, 0, 7));
        assertTrue(inOrder.entrySet().stream().allMatch(e -> e.getKey().equals(t + "/0") || !e.getValue().contains(" at ")),
                "a private trip: " + inOrder);
        assertEquals(inOrder, newestFirst);
    }

    @Test
    void aPrivateModePressThatArrivesLateStillHidesTheRestOfItsTrip() {
        // Grace window 0: the trip's start is published at once, a press later hides the rest of the trip.
        CompiledPolicy policy = withoutGraceWindow();
        Drive drive = Drive.in("UTC");
        long t = 1_750_000_000_000L;
        drive.record(t, LAT, LON, 9, 0, 0, 0);
        drive.record(t + 30_000, LAT, LON, 9, 1, 1, 0);                 // the trip starts, published
        drive.record(t + 30_000, LAT, LON, 9, 1, 1, 1);                 // the button, in the same millisecond
        drive.batch.setEventIo(2, 250);
        for (int i = 2; i <= 5; i++) {
            drive.record(t + i * 30_000L, LAT + i * 0.003, LON, 9, 1, 1, 0);
        }
        AvlBatch history = records(drive.batch, 0, 1);
        // The press comes in after the trip's first record was decided (another transport, UDP order): too late for
        // that record, not for the rest of the trip.
        Map<String, String> rows = ingest(policy, history, null, records(drive.batch, 1, 2),
                records(drive.batch, 2, 3), records(drive.batch, 3, 7));
        rows.forEach((key, row) -> assertTrue(key.compareTo((t + 30_000) + "/250") <= 0 || !row.contains(" at "),
                "after the press: " + key + " " + row));
    }

    @Test
    void aPrivateModePressThatArrivesLateAfterItsTripEndedHidesWhereTheTripEnded() {
        CompiledPolicy policy = withoutGraceWindow();
        Drive drive = Drive.in("UTC");
        // Parked, a trip (records 1 to 6, the button pressed at record 3), its end at record 7, parked there after it.
        for (int i = 0; i < 12; i++) {
            int driving = i >= 1 && i <= 6 ? 1 : 0;
            drive.record(1_750_000_000_000L + i * 30_000L, LAT + Math.min(i, 7) * 0.003, LON, 9, driving, driving,
                    i == 3 ? 1 : 0);
        }
        // The record with the press (90 s into the trip) is lost on the way and resent after the trip ended: too late
        // for the trip's records, not for where it ended, which the parked tracker's later reports must not show.
        Map<String, String> rows = ingest(policy, records(drive.batch, 0, 3), null, records(drive.batch, 4, 10),
                records(drive.batch, 3, 4), records(drive.batch, 10, 12));
        for (int r = 10; r < 12; r++) {
            String key = drive.batch.timestamp(r) + "/0";
            assertTrue(!rows.get(key).contains(" at "), "parked where the private trip ended: " + key + " "
                    + rows.get(key));
        }
    }

    @Test
    void aManualPressInsideTheGraceWindowHidesTheWholeTripThoughNoRecordOfTheWindowArrivedAfterIt() {
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp(), KEY); // a 2-minute grace window
        Drive drive = Drive.in("UTC");
        long t = 1_750_000_000_000L;
        drive.record(t, LAT, LON, 9, 0, 0, 0);
        for (int i = 1; i <= 5; i++) {                                  // the trip: 0, 35, 70, 105, 140 s
            drive.record(t + 60_000 + (i - 1) * 35_000L, LAT + i * 0.003, LON, 9, 1, 1, 0);
        }
        Map<String, String> rows = new TreeMap<>();
        DeviceLedger ledger = new DeviceLedger();
        feed(ledger, policy, Consent.ALL, false, records(drive.batch, 0, 1), NOW, rows);
        feed(ledger, policy, Consent.ALL, false, null, NOW + 6_000, rows);
        feed(ledger, policy, Consent.ALL, false, records(drive.batch, 1, 5), NOW + 7_000, rows);
        // The driver switches private mode on 110 s into the trip; the next record, past the window, comes after.
        feed(ledger, policy, Consent.ALL, true, records(drive.batch, 5, 6), NOW + 8_000, rows);
        rows.forEach((key, row) -> assertTrue(key.equals(t + "/0") || !row.contains(" at "), key + " " + row));
    }

    @Test
    void aMovementEventWithIgnitionOffIsNoTripStartToDecideAheadOfTheRecordsBeforeIt() {
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp(), KEY);
        Drive drive = Drive.in("UTC");
        long t = 1_750_000_000_000L;
        drive.record(t, LAT, LON, 9, 0, 0, 0);                                  // parked, decided
        for (int i = 1; i <= 4; i++) {
            drive.record(t + i * 40_000L, LAT + i * 0.003, LON, 9, 1, 1, 1);    // a private trip
        }
        drive.record(t + 200_000, LAT + 0.012, LON, 9, 0, 0, 1);               // it ends: sticky
        // The vehicle rolls (or is towed) with ignition off: a movement event that does not report ignition.
        drive.batch.addRecord(t + 240_000, 1, Drive.e7(LON), Drive.e7(LAT + 0.0125), 120, 90, 9, 5,
                TeltonikaIo.MOVEMENT, AvlBatch.NO_GENERATION);
        drive.batch.addIo(TeltonikaIo.MOVEMENT, 1, 1);
        drive.record(t + 280_000, LAT + 0.0125, LON, 9, 0, 0, 0);
        AvlBatch history = records(drive.batch, 0, 1);
        Map<String, String> inOrder = ingest(policy, history, null, records(drive.batch, 1, 6),
                records(drive.batch, 6, 8));
        Map<String, String> newestFirst = ingest(policy, history, null, records(drive.batch, 6, 8),
                records(drive.batch, 1, 6));
        inOrder.forEach((key, row) -> assertTrue(key.equals(t + "/0") || !row.contains(" at "), key + " " + row));
        newestFirst.forEach((key, row) -> assertTrue(key.equals(t + "/0") || !row.contains(" at "),
                "newest first: " + key + " " + row));
    }

    @Test
    void aTripStartEventWaitsForTheRecordsBeforeItThatMayHoldPrivateModeOn() {
        CompiledPolicy policy = withoutGraceWindow();
        Drive drive = Drive.in("UTC");
        long t = 1_750_000_000_000L;
        drive.record(t, LAT, LON, 9, 0, 0, 0);                                     // parked, decided
        long back = t + 3 * 86_400_000L;                                            // three days later
        drive.record(back, LAT, LON, 9, 0, 0, 1);                                   // private mode pressed
        // Ignition comes on: an event record that does not repeat the private-mode element, then the trip.
        drive.batch.addRecord(back + 40_000, 1, Drive.e7(LON), Drive.e7(LAT), 120, 90, 9, 5, TeltonikaIo.IGNITION,
                AvlBatch.NO_GENERATION);
        drive.batch.addIo(TeltonikaIo.IGNITION, 1, 1);
        drive.batch.addIo(TeltonikaIo.MOVEMENT, 1, 1);
        for (int i = 2; i <= 4; i++) {
            drive.batch.addRecord(back + i * 40_000L, 1, Drive.e7(LON), Drive.e7(LAT + i * 0.003), 120, 90, 9, 50, 0,
                    AvlBatch.NO_GENERATION);
            drive.batch.addIo(TeltonikaIo.IGNITION, 1, 1);
            drive.batch.addIo(TeltonikaIo.MOVEMENT, 1, 1);
        }
        AvlBatch history = records(drive.batch, 0, 1);
        Map<String, String> inOrder = ingest(policy, history, null, records(drive.batch, 1, 2),
                records(drive.batch, 2, 6));
        Map<String, String> newestFirst = ingest(policy, history, null, records(drive.batch, 2, 6),
                records(drive.batch, 1, 2));
        inOrder.forEach((key, row) -> assertTrue(key.equals(t + "/0") || !row.contains(" at "), key + " " + row));
        assertEquals(inOrder, newestFirst);
    }

    @Test
    void aRecordInTheMillisecondOfTheNewestDecidedOneButAfterItInEventOrderIsNotLate() {
        // Two records of one millisecond (a periodic record and an event record) sent in two frames, in order.
        CompiledPolicy policy = withoutGraceWindow();
        Drive drive = Drive.in("UTC");
        long t = 1_750_000_000_000L;
        drive.record(t, LAT, LON, 9, 1, 1, 0);
        drive.record(t + 30_000, LAT + 0.003, LON, 9, 1, 1, 0);
        drive.record(t + 30_000, LAT + 0.003, LON, 9, 1, 1, 0);
        drive.batch.setEventIo(2, 250);
        drive.record(t + 60_000, LAT + 0.006, LON, 9, 1, 1, 0);
        AvlBatch history = records(drive.batch, 0, 1);
        Map<String, String> together = ingest(policy, history, null, records(drive.batch, 1, 4));
        Map<String, String> split = ingest(policy, history, null, records(drive.batch, 1, 2),
                records(drive.batch, 2, 4));
        assertEquals(together, split);
    }
}
