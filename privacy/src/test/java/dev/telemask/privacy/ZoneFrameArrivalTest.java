package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tracker sends what it logged at its send period, and at once on ignition off: the frame that carries the last
 * records before home carries the way into the zone and the stop there too. Its arrival, as the receive time of the
 * records it stored, is when the vehicle was home by: less the last published record's time, at the speed the track
 * shows, the way left to home.
 */
class ZoneFrameArrivalTest {
    private static final byte[] KEY = "zone-frame-arrival-key".getBytes(StandardCharsets.UTF_8);
    private static final double HOME_LAT = 53.55;
    private static final double HOME_LON = 9.99;
    private static final PrivacyZone HOME = new PrivacyZone("home", HOME_LAT, HOME_LON, 300);
    private static final CompiledPolicy POLICY = CompiledPolicy.compile(
            Policy.noOp().withZones(List.of(HOME)).withTiming(Ledgers.CONTINUOUS), KEY);

    private final DeviceLedger ledger = new DeviceLedger();
    private final SpokeDrive vehicle = new SpokeDrive(HOME_LAT, HOME_LON, Ledgers.NOW - 30L * 24 * 3_600_000,
            40_000_000);

    @Test
    void theFrameThatCarriesTheWayIntoTheZoneDoesNotLendItsArrivalToTheRecordsItStores() {
        AvlBatch morning = new AvlBatch();
        vehicle.park(morning, 0, 2);
        vehicle.drive(morning, 1.0, 7_000, false);
        vehicle.park(morning, 1.0, 3);
        send(morning, morning.timestamp(morning.size() - 1) + 1_000);
        // The evening home, sent in one frame as the vehicle parks there.
        AvlBatch evening = new AvlBatch();
        vehicle.drive(evening, 1.0, 0, false);
        vehicle.park(evening, 1.0, 2);
        long arrival = evening.timestamp(evening.size() - 1) + 1_000;
        send(evening, arrival);
        AvlBatch out = ledger.output();
        long firstHidden = Long.MAX_VALUE;
        int stored = 0;
        for (int o = 0; o < out.size(); o++) {
            if (ledger.treatments()[o] == Treatment.ZONE.code()) {
                firstHidden = Math.min(firstHidden, out.timestamp(o));
            }
        }
        for (int o = 0; o < out.size(); o++) {
            if (ledger.treatments()[o] == Treatment.EXACT.code()) {
                stored++;
                assertTrue(ledger.receivedTimes()[o] < firstHidden, "the record of " + out.timestamp(o)
                        + " is received at " + ledger.receivedTimes()[o] + ", after the zone hid the way in from "
                        + firstHidden);
            }
        }
        assertTrue(stored > 3 && firstHidden < arrival, stored + " stored, the first hidden at " + firstHidden);
    }

    /**
     * A tracker that logs sparsely while driving: the last record before home lies outside every hidden disc, the next
     * is the stop at home. Sent together, the record outside is not taken as received when the stop at home came.
     */
    @Test
    void aSparseTrackersLastRecordBeforeHomeIsNotReceivedWhenTheStopThereCame() {
        AvlBatch morning = new AvlBatch();
        vehicle.park(morning, 0, 2);
        vehicle.drive(morning, 2.0, 7_000, false);
        vehicle.park(morning, 2.0, 3);
        send(morning, morning.timestamp(morning.size() - 1) + 1_000);
        AvlBatch drive = new AvlBatch();
        vehicle.drive(drive, 2.0, 0, false);
        vehicle.park(drive, 2.0, 1);
        AvlBatch evening = new AvlBatch();
        for (int r = 0; r < drive.size(); r++) {
            // 7 km out, past any hidden disc of a 300 m zone, then the stop at home.
            if (r == 0 || r >= drive.size() - 2) {
                evening.appendRecord(drive, r);
            }
        }
        long arrival = evening.timestamp(evening.size() - 1) + 1_000;
        send(evening, arrival);
        AvlBatch out = ledger.output();
        StringBuilder seen = new StringBuilder();
        long firstUnpublished = Long.MAX_VALUE;
        for (int o = 0; o < out.size(); o++) {
            byte t = ledger.treatments()[o];
            seen.append(out.timestamp(o)).append(' ').append(Treatment.ofCode(t)).append(' ')
                    .append(ledger.receivedTimes()[o]).append('\n');
            if (t == Treatment.ZONE.code() || t == Treatment.SEALED.code()) {
                firstUnpublished = Math.min(firstUnpublished, out.timestamp(o));
            }
        }
        assertTrue(firstUnpublished < arrival, "the stop at home is not published:\n" + seen);
        for (int o = 0; o < out.size(); o++) {
            if (ledger.treatments()[o] == Treatment.EXACT.code()) {
                assertTrue(ledger.receivedTimes()[o] < firstUnpublished, "received after the stop at home:\n" + seen);
            }
        }
    }

    /**
     * Under {@code "privateRecords": "drop"} a private trip is not stored at all: the frame that carries the last
     * parked records before it and its first minutes does not give them its arrival, which would say that the trip
     * had begun by then.
     */
    @Test
    void theParkedRecordsSentWithADroppedPrivateTripAreNotReceivedWhenItCame() {
        CompiledPolicy drop = CompiledPolicy.compile(Policy.noOp().withPrivateRecords(PrivateRecordHandling.DROP)
                .withTiming(Ledgers.CONTINUOUS), KEY);
        AvlBatch before = new AvlBatch();
        vehicle.park(before, 0, 2);
        ledger.apply(drop, Consent.ALL, false, before, before.timestamp(1) + 1_000, Long.MIN_VALUE, Long.MAX_VALUE,
                Ledgers.EXPIRY);
        ledger.committed();
        AvlBatch frame = new AvlBatch();
        vehicle.park(frame, 0, 2);
        vehicle.drive(frame, 0.5, 3_000, true);
        long arrival = frame.timestamp(frame.size() - 1) + 1_000;
        ledger.apply(drop, Consent.ALL, false, frame, arrival, Long.MIN_VALUE, Long.MAX_VALUE, Ledgers.EXPIRY);
        AvlBatch out = ledger.output();
        StringBuilder seen = new StringBuilder();
        long firstDropped = Long.MAX_VALUE;
        int stored = 0;
        for (int o = 0; o < out.size(); o++) {
            seen.append(out.timestamp(o)).append(' ').append(Treatment.ofCode(ledger.treatments()[o])).append(' ')
                    .append(ledger.receivedTimes()[o]).append('\n');
            if (ledger.treatments()[o] == Treatment.DROPPED.code()) {
                firstDropped = Math.min(firstDropped, out.timestamp(o));
            }
        }
        for (int o = 0; o < out.size(); o++) {
            if (ledger.treatments()[o] == Treatment.EXACT.code()) {
                stored++;
                assertTrue(ledger.receivedTimes()[o] < firstDropped, "received after the trip began:\n" + seen);
            }
        }
        assertTrue(stored == 2 && firstDropped < arrival, "two parked records stored, the trip dropped:\n" + seen);
    }

    private void send(AvlBatch frame, long nowMillis) {
        ledger.apply(POLICY, Consent.ALL, false, frame, nowMillis, Long.MIN_VALUE, Long.MAX_VALUE, Ledgers.EXPIRY);
        ledger.committed();
    }
}
