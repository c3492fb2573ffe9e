package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A fleet manager who removes a privacy zone (a clinic the driver visits) while the start of a trip through it still
 * waits in its grace window must not get the records inside the zone published by the removal: records that arrived
 * under the rules before a change are decided private, on the same connection and after a reconnect alike. Records
 * that arrive after the change are judged under the new rules.
 */
class RulesChangeTest {
    private static final byte[] KEY = "k".getBytes(StandardCharsets.UTF_8);
    private static final double START_LATITUDE = 52.52;
    private static final double LONGITUDE = 13.40;
    /** 1 km north of where the trip starts, 50 m across: the trip's first minute runs through it. */
    private static final PrivacyZone CLINIC = new PrivacyZone("clinic", START_LATITUDE + 0.009, LONGITUDE, 50);
    /** Farther than the zone's hidden disc reaches (6.5 radii across, its centre up to 4 radii off). */
    private static final double NEAR_METRES = 600;
    /** 200 m a record, every 10 s. */
    private static final double STEP = 0.0018;
    private static final TripTiming TIMING = new TripTiming(Duration.ofMinutes(2), Duration.ofMinutes(1),
            Duration.ofHours(2), Duration.ZERO);
    private static final CompiledPolicy WITH_ZONE = CompiledPolicy.compile(
            Policy.noOp().withZones(List.of(CLINIC)).withTiming(TIMING), KEY);
    private static final CompiledPolicy WITHOUT_ZONE = CompiledPolicy.compile(Policy.noOp().withTiming(TIMING), KEY);
    private static final long T0 = Ledgers.NOW;
    private static final long EXPIRY = Duration.ofDays(7).toMillis();
    private static final long FIRST_FRAME_AT = T0 + 61_000;
    private static final long CHANGED_AT = T0 + 70_000;
    private static final long SECOND_FRAME_AT = T0 + 301_000;

    /** Parked for ten minutes, then the trip's first minute northwards through the zone. */
    private static AvlBatch parkedThenThroughTheZone() {
        Drive drive = Drive.in("UTC");
        for (int m = 10; m > 0; m--) {
            drive.record(T0 - m * 60_000L, START_LATITUDE, LONGITUDE, 9, 0, 0, -1);
        }
        for (int k = 0; k <= 6; k++) {
            drive.record(T0 + k * 10_000L, START_LATITUDE + k * STEP, LONGITUDE, 9, 1, 1, -1);
        }
        return drive.batch;
    }

    /** The rest of the trip, past its grace window and the zone. */
    private static AvlBatch drivingOn() {
        Drive drive = Drive.in("UTC");
        for (int k = 7; k <= 30; k++) {
            drive.record(T0 + k * 10_000L, START_LATITUDE + k * STEP, LONGITUDE, 9, 1, 1, -1);
        }
        return drive.batch;
    }

    /** How many records the last frame stored with a location near the zone. */
    private static int locatedNearTheZone(DeviceLedger ledger) {
        AvlBatch out = ledger.output();
        int located = 0;
        for (int r = 0; r < out.size(); r++) {
            if (ledger.treatments()[r] != Treatment.SEALED.code() && (out.latitude(r) != 0 || out.longitude(r) != 0)
                    && Haversine.metres(out.latitude(r) / 1e7, out.longitude(r) / 1e7, CLINIC.latitude(),
                    CLINIC.longitude()) <= NEAR_METRES) {
                located++;
            }
        }
        return located;
    }

    private static int feed(DeviceLedger ledger, CompiledPolicy policy, long rulesChangedAt, AvlBatch frame, long now) {
        ledger.apply(policy, Consent.ALL, false, rulesChangedAt, frame, now, Long.MIN_VALUE, Long.MAX_VALUE, EXPIRY);
        ledger.committed();
        return locatedNearTheZone(ledger);
    }

    @Test
    void aZoneRemovedWhileATripThroughItWaitsDoesNotPublishTheRecordsInIt() {
        DeviceLedger ledger = new DeviceLedger();
        assertEquals(0, feed(ledger, WITH_ZONE, 0, parkedThenThroughTheZone(), FIRST_FRAME_AT));
        assertTrue(ledger.pendingCount() > 0, "the trip's start waits for its grace window");
        assertEquals(0, feed(ledger, WITHOUT_ZONE, CHANGED_AT, drivingOn(), SECOND_FRAME_AT));
        assertEquals(0, ledger.pendingCount(), "the trip is decided");
    }

    @Test
    void norAfterAReconnectThatRestoresTheWaitingRecordsSealed() {
        DeviceLedger first = new DeviceLedger();
        feed(first, WITH_ZONE, 0, parkedThenThroughTheZone(), FIRST_FRAME_AT);
        // What the next connection, on any instance, reads back: the saved state and the waiting records, sealed,
        // with their receive times.
        PendingRecords sealed = new PendingRecords();
        AvlBatch waiting = parkedThenThroughTheZone();
        for (int r = 0; r < waiting.size(); r++) {
            if (waiting.timestamp(r) >= T0) {
                sealed.add(waiting, r, 0, FIRST_FRAME_AT, true);
            }
        }
        DeviceLedger next = new DeviceLedger();
        next.restore(first.savedState(), sealed);
        assertEquals(0, feed(next, WITHOUT_ZONE, CHANGED_AT, drivingOn(), SECOND_FRAME_AT));
        assertEquals(0, next.pendingCount());
    }

    @Test
    void theDeviceGoingOfflineIsNotToldWhileRecordsFromBeforeTheChangeWait() {
        DeviceLedger ledger = new DeviceLedger();
        feed(ledger, WITHOUT_ZONE, 0, parkedThenThroughTheZone(), FIRST_FRAME_AT);
        assertTrue(ledger.pendingCount() > 0);
        assertFalse(ledger.presenceHidden(WITHOUT_ZONE, Consent.ALL, false, 0, CHANGED_AT + 1), "the control");
        assertTrue(ledger.presenceHidden(WITHOUT_ZONE, Consent.ALL, false, CHANGED_AT, CHANGED_AT + 1),
                "its waiting records will be private");
    }

    @Test
    void recordsThatArriveAfterTheChangeAreJudgedUnderTheNewRules() {
        DeviceLedger ledger = new DeviceLedger();
        long changedBefore = T0 - 30_000;
        int located = feed(ledger, WITHOUT_ZONE, changedBefore, parkedThenThroughTheZone(), FIRST_FRAME_AT)
                + feed(ledger, WITHOUT_ZONE, changedBefore, drivingOn(), SECOND_FRAME_AT);
        assertEquals(5, located, "received after the zone was removed, the trip through it is public");
    }
}
