package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Zones around one place at once draw one disc (ZoneCover): which one is fixed by the zones alone, a driver's zone is
 * never hidden by a zone its credential did not place, and every zone stays as hidden as by its own disc.
 */
class ZoneCoverTest {
    private static final byte[] KEY = "zone-cover-test-key".getBytes(StandardCharsets.UTF_8);
    private static final String DRIVER = "driver:token:7";
    private static final String MINTED = "driver:token:8";
    private static final double LAT = 54.68;
    private static final double LON = 25.28;

    private static PrivacyZone zone(String id, double lat, double lon, int radius, int drawnFor, String placedBy) {
        String draw = (placedBy.equals(PrivacyZone.BY_POLICY) ? "policy-zone:" : "device-zone:") + id;
        return new PrivacyZone(id, lat, lon, radius, drawnFor, draw, placedBy);
    }

    private static PrivacyZone policyZone(String id, int radius) {
        return zone(id, LAT, LON, radius, radius, PrivacyZone.BY_POLICY);
    }

    private static PrivacyZone driverZone(String id, int radius, String placedBy) {
        return zone(id, LAT, LON, radius, radius, placedBy);
    }

    private static List<HiddenDisc> discs(List<PrivacyZone> zones) {
        CompiledPolicy compiled = CompiledPolicy.compile(Policy.noOp().withZones(zones), KEY);
        List<HiddenDisc> discs = new ArrayList<>();
        for (int i = 0; i < compiled.hiddenDiscCount(); i++) {
            discs.add(compiled.hiddenDisc(i));
        }
        return discs;
    }

    private static void assertSameDisc(HiddenDisc expected, HiddenDisc actual) {
        assertEquals(expected.centreLatitude(), actual.centreLatitude(), 0);
        assertEquals(expected.centreLongitude(), actual.centreLongitude(), 0);
        assertEquals(expected.radiusMetres(), actual.radiusMetres(), 1e-9);
    }

    @Test
    void aDriversLargerZoneAroundAPolicyZoneIsTheOneDiscInEitherOrder() {
        PrivacyZone policy = policyZone("p1", 300);
        PrivacyZone own = driverZone("d1", 450, DRIVER);
        List<HiddenDisc> one = discs(List.of(policy, own));
        List<HiddenDisc> other = discs(List.of(own, policy));
        assertEquals(1, one.size(), "two zones around one home draw two discs");
        assertSameDisc(HiddenDisc.of(own, KEY), one.get(0));
        assertSameDisc(one.get(0), other.get(0));
        double trail = Math.max(HiddenDisc.of(policy, KEY).trailMetres(), HiddenDisc.of(own, KEY).trailMetres());
        assertEquals(trail, one.get(0).trailMetres(), 0, "the covering disc keeps the longer trail");
        // The covering zone removed: the covered one draws its own disc, a zone placed anew.
        assertSameDisc(HiddenDisc.of(policy, KEY), discs(List.of(policy)).get(0));
    }

    @Test
    void twoZonesOfOnePolicyDrawOneDiscWhateverTheirOrder() {
        List<PrivacyZone> zones = new ArrayList<>(List.of(policyZone("a", 300), policyZone("b", 300),
                zone("c", LAT + 0.0009, LON, 350, 350, PrivacyZone.BY_POLICY)));
        List<HiddenDisc> first = discs(zones);
        assertEquals(1, first.size());
        Collections.reverse(zones);
        assertSameDisc(first.get(0), discs(zones).get(0));
    }

    @Test
    void aLaterZoneHoldsAnEarlierOneThatCannotHoldIt() {
        // Two 300 m zones of one policy: "a" comes first (same class, radius and placer; its id sorts first). Find
        // places where a's disc does not hold b but b's holds a: b's disc alone must hide both.
        Random random = new Random(7);
        int found = 0;
        for (int trial = 0; trial < 400 && found < 5; trial++) {
            PrivacyZone a = zone("a" + trial, LAT, LON, 300, 300, PrivacyZone.BY_POLICY);
            double north = (random.nextDouble() - 0.5) * 600;
            double east = (random.nextDouble() - 0.5) * 600;
            PrivacyZone b = zone("b" + trial, LAT + north / GeoGrid.METRES_PER_DEGREE,
                    LON + east / (GeoGrid.METRES_PER_DEGREE * Math.cos(Math.toRadians(LAT))), 300, 300,
                    PrivacyZone.BY_POLICY);
            HiddenDisc aDisc = HiddenDisc.of(a, KEY);
            HiddenDisc bDisc = HiddenDisc.of(b, KEY);
            if (ZoneCover.covers(a, aDisc, b) || !ZoneCover.covers(b, bDisc, a)) {
                continue;
            }
            found++;
            List<HiddenDisc> discs = discs(List.of(a, b));
            assertEquals(1, discs.size(), "trial " + trial + ": b's disc holds a, yet both draw");
            assertSameDisc(bDisc, discs.get(0));
        }
        assertTrue(found > 0, "no layout where only the later zone holds the earlier");
    }

    @Test
    void aDriversZoneIsNeverHiddenByAZoneItsCredentialDidNotPlace() {
        // A policy zone, or a zone of a driver token the admin minted, moved about to watch the driver's disc come
        // and go would tell, bit by bit, whether the driver's home lies inside it.
        PrivacyZone own = driverZone("d1", 300, DRIVER);
        assertEquals(2, discs(List.of(policyZone("p1", 1000), own)).size());
        assertEquals(2, discs(List.of(driverZone("m1", 1000, MINTED), own)).size());
        // The driver's own larger zone hides it.
        assertEquals(1, discs(List.of(driverZone("d2", 1000, DRIVER), own)).size());
    }

    @Test
    void raisingTheDriversMinimumWidensTheOneDiscAndNeverDrawsASecond() {
        PrivacyZone small = driverZone("d1", 300, DRIVER);
        PrivacyZone large = driverZone("d2", 450, DRIVER);
        HiddenDisc before = discs(List.of(small, large)).get(0);
        for (int minimum = 300; minimum <= 2000; minimum += 50) {
            int smallRadius = Math.max(300, minimum);
            int largeRadius = Math.max(450, minimum);
            List<HiddenDisc> discs = discs(List.of(
                    zone("d1", LAT, LON, smallRadius, 300, DRIVER), zone("d2", LAT, LON, largeRadius, 450, DRIVER)));
            assertEquals(1, discs.size(), "a minimum of " + minimum + " m drew a second disc");
            HiddenDisc disc = discs.get(0);
            assertEquals(before.centreLatitude(), disc.centreLatitude(), 0);
            assertEquals(before.centreLongitude(), disc.centreLongitude(), 0);
            // Widened by 2.5 times the larger of the two enlargements beyond the radius drawn for, nothing keyed.
            double widening = 2.5 * Math.max(smallRadius - 300, largeRadius - 450);
            assertEquals(before.radiusMetres() + widening, disc.radiusMetres(), 1e-6);
        }
    }

    @Test
    void everyCoveredZoneIsAsHiddenAsByItsOwnDisc() {
        Random random = new Random(46);
        String[] placers = {PrivacyZone.BY_POLICY, DRIVER, MINTED};
        int[] radii = {50, 120, 300, 450, 900, 2000};
        int covered = 0;
        for (int trial = 0; trial < 300; trial++) {
            List<PrivacyZone> zones = new ArrayList<>();
            int n = 2 + random.nextInt(3);
            for (int i = 0; i < n; i++) {
                int drawnFor = radii[random.nextInt(radii.length)];
                int radius = Math.min(PrivacyZone.MAX_RADIUS_METRES, drawnFor + 50 * random.nextInt(4));
                String placer = placers[random.nextInt(placers.length)];
                zones.add(zone("t" + trial + "z" + i, LAT + (random.nextDouble() - 0.5) * 0.004,
                        LON + (random.nextDouble() - 0.5) * 0.006, radius,
                        placer.equals(PrivacyZone.BY_POLICY) ? radius : drawnFor, placer));
            }
            List<HiddenDisc> drawn = discs(zones);
            for (PrivacyZone z : zones) {
                HiddenDisc own = HiddenDisc.of(z, KEY);
                boolean draws = drawn.stream().anyMatch(d -> d.centreLatitude() == own.centreLatitude()
                        && d.centreLongitude() == own.centreLongitude());
                if (draws) {
                    continue;
                }
                covered++;
                int c = HiddenDisc.radiusClass(z.drawnForMetres());
                boolean hidden = drawn.stream().anyMatch(d -> {
                    double distance = d.distanceTo(z.latitude(), z.longitude());
                    return distance >= HiddenDisc.MIN_OFFSET_RADII * c
                            && distance + 2.5 * z.radiusMetres() <= d.radiusMetres() + 1e-6
                            && d.trailMetres() >= own.trailMetres();
                });
                assertTrue(hidden, "trial " + trial + ": zone " + z + " draws no disc and none hides it as its own");
            }
        }
        assertTrue(covered > 100, "only " + covered + " zones were covered: the layouts test nothing");
    }
}
