package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A single GNSS outlier just after a trip leaves a zone's hidden disc (a multipath jump of a few kilometres and back,
 * common in streets of tall buildings) must not use the trail up: else the fixes right past the disc's edge, where
 * the way home still runs straight back into it, are published, in every trip that has such a jump.
 */
class ZoneTrailOutlierTest {
    private static final byte[] KEY = "trail-outlier-key".getBytes(StandardCharsets.UTF_8);
    private static final long START = 1_750_000_000_000L;
    private static final double STEP_METRES = 20;

    @Test
    void aJumpAwayAndBackDoesNotEndTheTrail() {
        for (int radius : new int[] {50, 300, 2000}) {
            for (double bearing = 0; bearing < 2 * Math.PI; bearing += Math.PI / 3) {
                PrivacyZone home = new PrivacyZone("home", 52.52, 13.40, radius);
                CompiledPolicy policy = CompiledPolicy.compile(
                        Policy.noOp().withZones(List.of(home)).withTiming(Ledgers.CONTINUOUS), KEY);
                HiddenDisc disc = policy.hiddenDisc(0);
                // One fix a second at 72 km/h straight out from home; the first fix 40 m past the disc's edge jumps
                // 3 km aside.
                Drive drive = new Drive(ZoneOffset.UTC);
                int steps = (int) ((2 * disc.radiusMetres() + 3 * disc.trailMetres()) / STEP_METRES);
                double exitAlong = Double.NaN;
                for (int step = 0; step < steps; step++) {
                    double along = step * STEP_METRES;
                    double[] p = Haversine.destination(home.latitude(), home.longitude(), bearing, along);
                    if (Double.isNaN(exitAlong) && !disc.contains(Drive.e7(p[0]), Drive.e7(p[1]))) {
                        exitAlong = along;
                    }
                    if (!Double.isNaN(exitAlong) && along == exitAlong + 2 * STEP_METRES) {
                        p = Haversine.destination(p[0], p[1], bearing + Math.PI / 2, 3000);
                    }
                    drive.record(START + step * 1000L, p[0], p[1], 9, 1, 1, -1);
                }
                Treatments out = new Treatments();
                AvlBatch stored = Ledgers.feed(new DeviceLedger(), policy, Consent.ALL, false, drive.batch, out);
                for (int r = 0; r < out.size(); r++) {
                    double along = (stored.timestamp(r) - START) / 1000.0 * STEP_METRES;
                    if (out.get(r) == Treatment.EXACT && along != exitAlong + 2 * STEP_METRES) {
                        assertTrue(along - exitAlong >= disc.trailMetres() - STEP_METRES, "a " + radius
                                + " m zone's trip published a fix " + Math.round(along - exitAlong)
                                + " m past its disc, its trail being " + Math.round(disc.trailMetres()) + " m");
                    }
                }
            }
        }
    }

    /**
     * The trail is the way driven past a disc: a road from home that heads straight for another zone (the office down
     * the same road) uses it up like any other, and the way between the two is published. The trail used to count
     * nothing of a step whose line met a disc beyond the step, so all of such a road stayed hidden.
     */
    @Test
    void theTrailEndsAtItsLengthOnARoadThatLeadsToAnotherZone() {
        for (double bearing = 0; bearing < 2 * Math.PI; bearing += Math.PI / 3) {
            PrivacyZone home = new PrivacyZone("home", 52.52, 13.40, 300);
            double[] o = Haversine.destination(home.latitude(), home.longitude(), bearing, 20_000);
            PrivacyZone office = new PrivacyZone("office", o[0], o[1], 300);
            CompiledPolicy policy = CompiledPolicy.compile(
                    Policy.noOp().withZones(List.of(home, office)).withTiming(Ledgers.CONTINUOUS), KEY);
            Drive drive = new Drive(ZoneOffset.UTC);
            int steps = (int) (20_000 / STEP_METRES);
            for (int step = 0; step < steps; step++) {
                double[] p = Haversine.destination(home.latitude(), home.longitude(), bearing, step * STEP_METRES);
                drive.record(START + step * 1000L, p[0], p[1], 9, 1, 1, -1);
            }
            Treatments out = new Treatments();
            AvlBatch stored = Ledgers.feed(new DeviceLedger(), policy, Consent.ALL, false, drive.batch, out);
            int published = 0;
            for (int r = 0; r < out.size(); r++) {
                published += out.get(r) == Treatment.EXACT ? 1 : 0;
            }
            double hiddenMetres = 0;
            for (int d = 0; d < 2; d++) {
                hiddenMetres += 2 * policy.hiddenDisc(d).radiusMetres() + policy.hiddenDisc(d).trailMetres();
            }
            assertTrue(published * STEP_METRES >= 20_000 - hiddenMetres - 2 * STEP_METRES, "bearing " + bearing
                    + ": " + published + " of " + stored.size() + " fixes published on a 20 km road between two"
                    + " zones, their discs and trails " + Math.round(hiddenMetres) + " m");
        }
    }

    /**
     * A vehicle that leaves home, drives three quarters of the trail out and turns back: while it heads for the disc
     * within a trail's length of it, its steps use none of the trail up, so no fix on the way back is published, each
     * of which, with the next, would point at home.
     */
    @Test
    void aTurnBackTowardsTheDiscUsesNoneOfTheTrail() {
        for (double bearing = 0; bearing < 2 * Math.PI; bearing += Math.PI / 3) {
            PrivacyZone home = new PrivacyZone("home", 52.52, 13.40, 300);
            CompiledPolicy policy = CompiledPolicy.compile(
                    Policy.noOp().withZones(List.of(home)).withTiming(Ledgers.CONTINUOUS), KEY);
            HiddenDisc disc = policy.hiddenDisc(0);
            double[] centre = {disc.centreLatitude(), disc.centreLongitude()};
            double turn = disc.radiusMetres() + 0.75 * disc.trailMetres();
            Drive drive = new Drive(ZoneOffset.UTC);
            int out = (int) (turn / STEP_METRES);
            int step = 0;
            for (; step <= out; step++) {
                double[] p = Haversine.destination(centre[0], centre[1], bearing, step * STEP_METRES);
                drive.record(START + step * 1000L, p[0], p[1], 9, 1, 1, -1);
            }
            for (int back = 1; back <= out; back++, step++) {
                double[] p = Haversine.destination(centre[0], centre[1], bearing, (out - back) * STEP_METRES);
                drive.record(START + step * 1000L, p[0], p[1], 9, 1, 1, -1);
            }
            Treatments treatments = new Treatments();
            AvlBatch stored = Ledgers.feed(new DeviceLedger(), policy, Consent.ALL, false, drive.batch, treatments);
            for (int r = 0; r < treatments.size(); r++) {
                assertTrue(treatments.get(r) != Treatment.EXACT, "bearing " + bearing + ": fix " + r + " of "
                        + stored.size() + " published, the vehicle within " + Math.round(turn - disc.radiusMetres())
                        + " m of a disc whose trail is " + Math.round(disc.trailMetres()) + " m");
            }
        }
    }

    /**
     * A tracker without trip elements leaves home during a gap (the night's records, uploaded newest first, still to
     * come). The morning's first records after the gap have no fix yet; its first fix, already past the disc's edge,
     * lies on the trail the night's records would have begun. It and the fixes after it within the trail are not
     * published, as they are not when the first record after the gap has its fix. The first fix used to continue the
     * fixless records without a trail, so the way out of the disc was published.
     */
    @Test
    void theFirstFixAfterAGapStartsATrailWhenFixlessRecordsCameFirst() {
        for (double bearing = 0; bearing < 2 * Math.PI; bearing += Math.PI / 3) {
            PrivacyZone home = new PrivacyZone("home", 52.52, 13.40, 300);
            CompiledPolicy policy = CompiledPolicy.compile(
                    Policy.noOp().withZones(List.of(home)).withTiming(Ledgers.CONTINUOUS), KEY);
            HiddenDisc disc = policy.hiddenDisc(0);
            DeviceLedger ledger = new DeviceLedger();
            AvlBatch evening = new AvlBatch();
            double[] far = Haversine.destination(home.latitude(), home.longitude(), bearing + Math.PI, 20_000);
            evening.addRecord(START, 1, Drive.e7(far[1]), Drive.e7(far[0]), 120, 90, 9, 50, 0, AvlBatch.NO_GENERATION);
            Ledgers.feed(ledger, policy, Consent.ALL, false, evening, new Treatments());

            long morning = START + 10 * 3_600_000L;
            AvlBatch frame = new AvlBatch();
            for (int r = 0; r < 3; r++) { // no fix yet: satellites 0
                frame.addRecord(morning + r * 1000L, 1, 0, 0, 0, 0, 0, 0, 0, AvlBatch.NO_GENERATION);
            }
            double first = disc.radiusMetres() + 2 * STEP_METRES;
            int steps = (int) (disc.trailMetres() / STEP_METRES);
            for (int step = 0; step < steps; step++) {
                double[] p = Haversine.destination(disc.centreLatitude(), disc.centreLongitude(), bearing,
                        first + step * STEP_METRES);
                frame.addRecord(morning + (3 + step) * 1000L, 1, Drive.e7(p[1]), Drive.e7(p[0]), 120, 90, 9, 72, 0,
                        AvlBatch.NO_GENERATION);
            }
            Treatments out = new Treatments();
            AvlBatch stored = Ledgers.feed(ledger, policy, Consent.ALL, false, frame, out);
            for (int r = 0; r < out.size(); r++) {
                double along = first + ((stored.timestamp(r) - morning) / 1000.0 - 3) * STEP_METRES;
                assertTrue(out.get(r) != Treatment.EXACT || along - disc.radiusMetres() >= disc.trailMetres()
                        - 2 * STEP_METRES, "bearing " + bearing + ": a fix " + Math.round(along
                        - disc.radiusMetres()) + " m past the disc published, its trail being "
                        + Math.round(disc.trailMetres()) + " m");
            }
        }
    }

    @Test
    void aStateSavedBeforeTrailTimesRestoresWithoutOne() {
        DeviceState state = new DeviceState();
        state.zoneTrailMetres = 250;
        state.zoneTrailMillis = START;
        byte[] v6 = java.util.Arrays.copyOf(state.save(), DeviceState.SAVED_LENGTH_V6);
        v6[0] = 6;
        DeviceState restored = DeviceState.restore(v6);
        assertEquals(250, restored.zoneTrailMetres);
        assertEquals(DeviceState.NEVER, restored.zoneTrailMillis, "its next step on the trail counts as before");
        assertEquals(START, DeviceState.restore(state.save()).zoneTrailMillis);
        state.fixAfterGapAwaited = true; // a reconnect between the fixless records and the first fix
        assertTrue(DeviceState.restore(state.save()).fixAfterGapAwaited);
    }
}
