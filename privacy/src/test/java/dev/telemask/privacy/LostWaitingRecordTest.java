package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A waiting record that leaves the database without the engine deciding it (the expiry job made it private while its
 * device was away, or its sealed row no longer opens) is not forgotten: the device's records after it are decided as
 * they would have been had the engine itself expired it, fail closed, on whichever instance the device comes back to.
 */
class LostWaitingRecordTest {
    static final byte[] KEY = "lost-record-key".getBytes(StandardCharsets.UTF_8);
    static final long NOW = 1_800_000_000_000L;
    static final long EXPIRY = Duration.ofDays(1).toMillis();
    static final long T = 1_750_000_000_000L;
    static final double LAT = 52.52;
    static final double LON = 13.40;

    final CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp(), KEY); // a 2-minute grace window
    final Map<Long, String> stored = new TreeMap<>();

    @Test
    void theRestOfATripWhoseStartExpiredWhileTheDeviceWasAwayIsPrivate() {
        DeviceLedger ledger = parkedThenTripStart();
        assertEquals(1, ledger.pendingCount(), "the trip's start waits sealed for its grace window");

        // The device goes away; a day later the expiry job stores the sealed start private and deletes it. The device
        // comes back to another instance, which finds its saved state and no sealed record.
        byte[] saved = ledger.savedState();
        DeviceLedger elsewhere = new DeviceLedger();
        elsewhere.restore(saved, new PendingRecords());
        feed(elsewhere, restOfTheTrip(), NOW + 2 * EXPIRY);
        feed(elsewhere, null, NOW + 2 * EXPIRY + 6_000);

        stored.forEach((time, row) -> assertTrue(time < T + 70_000 || !row.contains(" at "),
                "the trip whose start expired undecided is private: " + time + " " + row));
    }

    @Test
    void itIsDecidedAsTheEngineWouldHaveDecidedItHadTheDeviceStayed() {
        DeviceLedger stayed = parkedThenTripStart();
        feed(stayed, null, NOW + 10_000 + EXPIRY);
        feed(stayed, restOfTheTrip(), NOW + 2 * EXPIRY);
        feed(stayed, null, NOW + 2 * EXPIRY + 6_000);
        Map<Long, String> expected = new TreeMap<>(stored);
        expected.remove(T + 70_000); // the start: the expiry job stores it in the other case, without the engine
        stored.clear();

        DeviceLedger elsewhere = new DeviceLedger();
        elsewhere.restore(parkedThenTripStart().savedState(), new PendingRecords());
        feed(elsewhere, restOfTheTrip(), NOW + 2 * EXPIRY);
        feed(elsewhere, null, NOW + 2 * EXPIRY + 6_000);
        assertEquals(expected, stored);
    }

    @Test
    void aNewDevicesFirstTripIsNotStartedAfreshWhenItsStartWasLost() {
        DeviceLedger ledger = new DeviceLedger();
        feed(ledger, tripStart(), NOW);
        feed(ledger, null, NOW + 6_000);
        assertEquals(1, ledger.pendingCount());
        DeviceLedger elsewhere = new DeviceLedger();
        elsewhere.restore(ledger.savedState(), null); // its sealed row no longer opens
        feed(elsewhere, restOfTheTrip(), NOW + 10_000);
        feed(elsewhere, null, NOW + 16_000);
        assertEquals(12, stored.size());
        stored.forEach((time, row) -> assertEquals("PRIVATE", row, "at " + time));
    }

    @Test
    void aStateSavedBeforeWaitingRecordsWereCountedIsRead() {
        DeviceState state = new DeviceState();
        state.frontierMillis = T;
        state.waitingCount = 2;
        state.waitingUntilMillis = T + 1;
        byte[] version5 = java.util.Arrays.copyOf(state.save(), DeviceState.SAVED_LENGTH_V5);
        version5[0] = 5;
        DeviceState restored = DeviceState.restore(version5);
        assertEquals(T, restored.frontierMillis());
        assertEquals(0, restored.waitingCount);
        restored.waitingLoaded(0);
        assertTrue(!restored.lostAhead(), "nothing is known to be lost");
    }

    /** Parked, decided; then a trip's start, which waits for its grace window. */
    private DeviceLedger parkedThenTripStart() {
        DeviceLedger ledger = new DeviceLedger();
        feed(ledger, parked(), NOW);
        feed(ledger, null, NOW + 6_000);
        feed(ledger, tripStart(), NOW + 10_000);
        return ledger;
    }

    private static AvlBatch parked() {
        Drive drive = Drive.in("UTC");
        drive.record(T, LAT, LON, 9, 0, 0, -1);
        drive.record(T + 40_000, LAT, LON, 9, 0, 0, -1);
        return drive.batch;
    }

    private static AvlBatch tripStart() {
        Drive drive = Drive.in("UTC");
        drive.record(T + 70_000, LAT, LON, 9, 1, 1, -1);
        drive.batch.setEventIo(0, TeltonikaIo.IGNITION);
        return drive.batch;
    }

    /** Every 30 s from 30 s after the start, 300 m further north each time, then parked. */
    private static AvlBatch restOfTheTrip() {
        Drive drive = Drive.in("UTC");
        for (int i = 1; i <= 10; i++) {
            drive.record(T + 70_000 + i * 30_000L, LAT + i * 0.0027, LON, 9, 1, 1, -1);
        }
        drive.record(T + 70_000 + 11 * 30_000L, LAT + 0.03, LON, 9, 0, 0, -1);
        drive.record(T + 70_000 + 12 * 30_000L, LAT + 0.03, LON, 9, 0, 0, -1);
        return drive.batch;
    }

    private void feed(DeviceLedger ledger, AvlBatch frame, long now) {
        ledger.apply(policy, Consent.ALL, false, frame, now, Long.MIN_VALUE, Long.MAX_VALUE, EXPIRY);
        ledger.committed();
        AvlBatch out = ledger.output();
        for (int r = 0; r < out.size(); r++) {
            Treatment t = Treatment.ofCode(ledger.treatments()[r]);
            if (t != Treatment.SEALED && t != Treatment.DROPPED) {
                stored.putIfAbsent(out.timestamp(r), t + (out.isLocationCleared(r) ? ""
                        : " at " + out.latitude(r) + "," + out.longitude(r)));
            }
        }
    }
}
