package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tracker that lost its connection in the evening (no coverage on the way home, or its records held for the send
 * period) and sleeps through the night at home wakes when the vehicle leaves in the morning and connects then, before
 * it sends the records that put it at home. Told as {@code device_online}, that moment is when the vehicle left home;
 * the first visible point of the morning's trip, less that time, at the speed the track shows, is the way from home:
 * a disc around each morning's first visible point, which mornings out in several directions narrow in on home.
 */
class ZonePresenceAttackTest {
    private static final byte[] KEY = "zone-presence-key".getBytes(StandardCharsets.UTF_8);
    private static final double HOME_LAT = 53.55;
    private static final double HOME_LON = 9.99;
    private static final PrivacyZone HOME = new PrivacyZone("home", HOME_LAT, HOME_LON, 300);
    private static final CompiledPolicy POLICY = CompiledPolicy.compile(
            Policy.noOp().withZones(List.of(HOME)).withTiming(Ledgers.CONTINUOUS), KEY);
    private static final int MORNINGS = 8;
    private static final double PLACE_METRES = 7_000;

    private final DeviceLedger ledger = new DeviceLedger();
    private final SpokeDrive vehicle = new SpokeDrive(HOME_LAT, HOME_LON, Ledgers.NOW - 30L * 24 * 3_600_000,
            40_000_000);

    @Test
    void aTrackerWakingAtHomeBeforeItsRecordsSayWhereItIsDoesNotTellWhenTheVehicleLeft() {
        // Held by the tracker: home in the evening, the night there.
        double miss = missOfOnlineEvents(60);
        assertTrue(miss > HOME.radiusMetres(), "the mornings' online events put home " + Math.round(miss)
                + " m from where it is");
    }

    @Test
    void aTrackerConnectingAsTheVehicleLeavesHomeAfterAShortStopDoesNotTellWhenItLeft() {
        // Errands: back home for a stop shorter than the record gap, the way home held by the tracker (no coverage).
        double miss = missOfOnlineEvents(2);
        assertTrue(miss > HOME.radiusMetres(), "the errands' online events put home " + Math.round(miss)
                + " m from where it is");
    }

    /**
     * Drives out from home and back {@value #MORNINGS} times in several directions, stopping at home for {@code
     * stops} parked records; the tracker holds the way home and the stop, and connects as the vehicle leaves again.
     * Returns how far from home the multilateration of the told online events lands (infinite: fewer than three told).
     */
    private double missOfOnlineEvents(int stops) {
        // The first day: out from home to a place, in order, live.
        AvlBatch first = new AvlBatch();
        vehicle.park(first, 0, 2);
        vehicle.drive(first, 0, PLACE_METRES, false);
        vehicle.park(first, 0, 3);
        send(first);
        double bearing = 0;
        List<double[]> discs = new ArrayList<>();
        for (int trip = 1; trip <= MORNINGS; trip++) {
            AvlBatch held = new AvlBatch();
            vehicle.drive(held, bearing, 0, false);
            vehicle.park(held, bearing, stops);
            // It connects as the vehicle leaves, then sends what it held and the trip out.
            long leaves = vehicle.time + SpokeDrive.STEP_MILLIS;
            boolean told = !ledger.presenceHidden(POLICY, Consent.ALL, false, 0, leaves);
            bearing = 2 * Math.PI * trip / MORNINGS;
            vehicle.drive(held, bearing, PLACE_METRES, false);
            vehicle.park(held, bearing, 3);
            long[] firstVisible = firstExactAfter(send(held), leaves);
            if (told && firstVisible != null) {
                double[] at = vehicle.eastNorth(firstVisible[1], firstVisible[2]);
                discs.add(new double[] {at[0], at[1], (firstVisible[0] - leaves) / 1000.0 * SpokeDrive.SPEED_MPS});
            }
        }
        return discs.size() < 3 ? Double.POSITIVE_INFINITY : ZonePrivateTripAttackTest.Multilateration.miss(discs);
    }

    /** Sends {@code frame} in order, a second after its last record: what was stored. */
    private AvlBatch send(AvlBatch frame) {
        ledger.apply(POLICY, Consent.ALL, false, frame, frame.timestamp(frame.size() - 1) + 1_000, Long.MIN_VALUE,
                Long.MAX_VALUE, Ledgers.EXPIRY);
        ledger.committed();
        return ledger.output();
    }

    /** The first exact record of {@code out} later than {@code after}: {time, lat, lon}, or null. */
    private long[] firstExactAfter(AvlBatch out, long after) {
        for (int r = 0; r < out.size(); r++) {
            if (ledger.treatments()[r] == Treatment.EXACT.code() && out.timestamp(r) > after) {
                return new long[] {out.timestamp(r), out.latitude(r), out.longitude(r)};
            }
        }
        return null;
    }
}
