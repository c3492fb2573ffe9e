package dev.telemask.bench.zone;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The attack benchmark as a guard: over random homes with 50 trips each way, every estimator's median miss stays
 * beyond the zone's radius, no visible point lies inside it, and on a grid dead reckoning does no better than
 * the cell centres; and a zone resized across radius classes gives no second disc to intersect with the first.
 */
class ZoneAttackTest {
    private static final int HOMES = 20;
    private static final int TRIPS = 50;

    @Test
    void theEstimatorsMissAHomeZoneWithoutAGrid() {
        assertHidden(ZoneAttack.measure(new ZoneAttack.Scenario(300, 0), HOMES, TRIPS, 12));
    }

    @Test
    void theEstimatorsMissAHomeZoneUnderTheReadmesGrid() {
        ZoneAttack.Result result = ZoneAttack.measure(new ZoneAttack.Scenario(300, 500), HOMES, TRIPS, 13);
        assertHidden(result);
        double reckoned = ZoneAttack.Result.median(result.deadReckoning());
        double cells = ZoneAttack.Result.median(result.cellCentre());
        assertTrue(reckoned >= cells, "dead reckoning " + reckoned + " m beats the cell centres' " + cells + " m");
    }

    @Test
    void theEstimatorsMissASmallZone() {
        assertHidden(ZoneAttack.measure(new ZoneAttack.Scenario(100, 0), HOMES, TRIPS, 14));
    }

    @Test
    void aZoneResizedAcrossClassesGivesNoSecondOutlineToIntersect() {
        int[] radii = {300, 450, 650, 900};
        double[] resized = ZoneResizeAttack.measure(radii, true, HOMES, 15);
        assertTrue(resized[0] > 1, "a resized zone's discs put a home within " + resized[0] + " first radii");
        // The same radii as zones placed anew draw independent discs, whose rings meet at home: what the attack
        // finds when there is something to find.
        double[] placedAnew = ZoneResizeAttack.measure(radii, false, HOMES, 15);
        assertTrue(placedAnew[HOMES / 2] < 1, "the attack found no home among zones placed anew");
    }

    private static void assertHidden(ZoneAttack.Result r) {
        int radius = r.scenario().radiusMetres();
        assertMisses("centroid", r.centroid(), radius);
        assertMisses("circle fit", r.circleFit(), radius);
        assertMisses("direction intersection", r.directions(), radius);
        assertTrue(r.nearestVisible()[0] > radius,
                r.scenario() + ": a visible point " + r.nearestVisible()[0] + " m from home");
    }

    private static void assertMisses(String estimator, double[] misses, int radius) {
        double median = ZoneAttack.Result.median(misses);
        assertTrue(median > radius, estimator + " lands a median " + median + " m from home, inside " + radius + " m");
    }
}
