package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tracker offline for a night (no coverage at home, say) uploads it the next morning as a backlog, newest frame
 * first, slower than the anchor delay. The first frame is decided after a gap, private; the older ones, the way home
 * and back among them, arrive behind it and are not stored. The engine never saw the zone hide anything, so unless it
 * takes the gap for a hidden stretch, the odometer of the first stored record after the gap, less that of the place the
 * vehicle was last seen parked, is the way home and back: a disc around each such place, which a few places narrow
 * in on home.
 */
class ZoneBacklogMileageAttackTest {
    private static final byte[] KEY = "zone-backlog-key".getBytes(StandardCharsets.UTF_8);
    private static final double HOME_LAT = 48.14;
    private static final double HOME_LON = 11.58;
    private static final PrivacyZone HOME = new PrivacyZone("home", HOME_LAT, HOME_LON, 300);
    private static final long ANCHOR_MILLIS = 5_000;
    private static final CompiledPolicy POLICY = CompiledPolicy.compile(Policy.noOp().withZones(List.of(HOME))
            .withTiming(new TripTiming(Duration.ZERO, Duration.ofMinutes(15), Duration.ofHours(2),
                    Duration.ofMillis(ANCHOR_MILLIS))), KEY);
    private static final int DAYS = 8;
    private static final int FRAME_RECORDS = 20;

    private final DeviceLedger ledger = new DeviceLedger();
    private final SpokeDrive vehicle = new SpokeDrive(HOME_LAT, HOME_LON, Ledgers.NOW - 30L * 24 * 3_600_000,
            30_000_000);
    /** What a reader of the track gets: every stored record as {time, treatment, odometer, ignition, lat, lon}. */
    private final List<long[]> stored = new ArrayList<>();

    @Test
    void aNightUploadedNewestFirstDoesNotMeasureTheWayHomeFromWhereTheVehicleWasParked() {
        for (int day = 0; day < DAYS; day++) {
            // Every place lies on one side of home: their centroid is far from it, only the odometers could find it.
            double bearing = Math.PI * day / DAYS;
            double place = 6_000 + 500 * day;
            // Live: home, out to the place, parked there.
            AvlBatch live = new AvlBatch();
            vehicle.park(live, bearing, 2);
            vehicle.drive(live, bearing, place, false);
            vehicle.park(live, bearing, 3);
            send(live);
            // Offline: home for the night and back to the place in the morning; uploaded newest frame first.
            AvlBatch night = new AvlBatch();
            vehicle.drive(night, bearing, 0, false);
            vehicle.park(night, bearing, 60);
            vehicle.drive(night, bearing, place, false);
            vehicle.park(night, bearing, 3);
            sendNewestFirst(night);
            // Live again: home along the same road, for the next day.
            AvlBatch back = new AvlBatch();
            vehicle.park(back, bearing, 1);
            vehicle.drive(back, bearing, 0, false);
            vehicle.park(back, bearing, 2);
            send(back);
        }
        stored.sort(Comparator.comparingLong(row -> row[0]));
        List<double[]> discs = new ArrayList<>();
        for (int i = 1; i < stored.size(); i++) {
            long[] before = stored.get(i - 1);
            // Where the track breaks off for hours after the vehicle stood visibly parked, and where it next stands:
            // the same place, as the track shows when it leaves again.
            if (stored.get(i)[0] - before[0] > 3 * 3_600_000L && before[1] == Treatment.EXACT.ordinal()
                    && before[3] == 0) {
                int parked = i;
                while (stored.get(parked)[3] != 0) {
                    parked++;
                }
                double[] at = vehicle.eastNorth(before[4], before[5]);
                discs.add(new double[] {at[0], at[1], (stored.get(parked)[2] - before[2]) / 2.0});
            }
        }
        assertEquals(DAYS, discs.size(), "every night uploaded late was found");
        double miss = ZonePrivateTripAttackTest.Multilateration.miss(discs);
        assertTrue(miss > HOME.radiusMetres(), "the odometers across the nights put home " + Math.round(miss)
                + " m from where it is");
    }

    private void send(AvlBatch frame) {
        long now = frame.timestamp(frame.size() - 1) + 1_000;
        keep(frame, now);
        keep(null, now + ANCHOR_MILLIS);
    }

    /** In frames of {@value #FRAME_RECORDS} records, newest first, each frame more than the anchor delay after the last. */
    private void sendNewestFirst(AvlBatch backlog) {
        long now = backlog.timestamp(backlog.size() - 1) + 60_000;
        for (int end = backlog.size(); end > 0; end -= FRAME_RECORDS) {
            AvlBatch frame = new AvlBatch();
            for (int r = end - 1; r >= Math.max(0, end - FRAME_RECORDS); r--) {
                frame.appendRecord(backlog, r);
            }
            keep(frame, now);
            // The gateway looks again when the earliest waiting record's anchor delay ran out.
            keep(null, now + ANCHOR_MILLIS);
            now += 2 * ANCHOR_MILLIS;
        }
        keep(null, now);
    }

    private void keep(AvlBatch frame, long now) {
        ledger.apply(POLICY, Consent.ALL, false, frame, now, Long.MIN_VALUE, Long.MAX_VALUE, Ledgers.EXPIRY);
        ledger.committed();
        AvlBatch out = ledger.output();
        for (int r = 0; r < out.size(); r++) {
            Treatment t = Treatment.ofCode(ledger.treatments()[r]);
            if (t == Treatment.SEALED || t == Treatment.ZONE || t == Treatment.DROPPED) {
                continue;
            }
            int e = out.findIo(r, TeltonikaIo.TOTAL_ODOMETER);
            stored.add(new long[] {out.timestamp(r), t.ordinal(), e < 0 ? 0 : out.ioValue(e),
                    out.ioValue(out.findIo(r, TeltonikaIo.IGNITION)), out.latitude(r), out.longitude(r)});
        }
    }
}
