package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The engine as an oracle: an attacker who may place zones of their own (a fleet admin with a policy or a driver
 * token of a test device, or another fleet on the same deployment) and learn each one's hidden disc exactly (feeding
 * a simulated tracker's fixes and seeing which are stored) must not learn the vector from a home to its disc. Were
 * the draw the same for every zone of a class and keyed cell, a probe in the home's cell would show that vector, and
 * the home's disc centre, which many trips outline, minus it is the home.
 */
class ZoneDrawOracleTest {
    private static final byte[] KEY = "oracle-test-zone-key".getBytes(StandardCharsets.UTF_8);

    @Test
    void probeZonesOfOtherPoliciesDoNotGiveTheHomeAway() {
        Random random = new Random(2026);
        int[] radii = {50, 300, 1300, 5000};
        for (int trial = 0; trial < 12; trial++) {
            int radius = radii[trial % radii.length];
            double homeLat = 40 + random.nextDouble() * 15;
            double homeLon = -5 + random.nextDouble() * 25;
            HiddenDisc home = disc("zHome" + trial, homeLat, homeLon, radius);
            for (double[] candidate : candidates(home, radius, "zProbe" + trial)) {
                double miss = Haversine.metres(candidate[0], candidate[1], homeLat, homeLon);
                assertTrue(miss > radius, "probe zones put a " + radius + " m home " + Math.round(miss)
                        + " m from the truth, inside its zone");
            }
        }
    }

    /**
     * Where the attacker's probes say the home may be: for each probe on a half-class grid around the home's disc,
     * the disc's centre less the probe's own centre-to-disc vector, kept when a zone placed there draws the home's
     * disc again.
     */
    private static List<double[]> candidates(HiddenDisc home, int radius, String probeIds) {
        int c = HiddenDisc.radiusClass(radius);
        double lat0 = home.centreLatitude();
        double lon0 = home.centreLongitude();
        double metresEast = GeoGrid.METRES_PER_DEGREE * Math.cos(Math.toRadians(lat0));
        List<double[]> found = new ArrayList<>();
        int n = 0;
        for (double north = -5 * c; north <= 5 * c; north += c / 2.0) {
            for (double east = -5 * c; east <= 5 * c; east += c / 2.0) {
                double lat = lat0 + north / GeoGrid.METRES_PER_DEGREE;
                double lon = lon0 + east / metresEast;
                HiddenDisc probe = disc(probeIds + "-" + n++, lat, lon, radius);
                double candidateLat = lat0 - (probe.centreLatitude() - lat);
                double candidateLon = lon0 - (probe.centreLongitude() - lon);
                HiddenDisc check = disc(probeIds + "-" + n++, candidateLat, candidateLon, radius);
                if (Haversine.metres(check.centreLatitude(), check.centreLongitude(), lat0, lon0) < 5
                        && Math.abs(check.radiusMetres() - home.radiusMetres()) < 5) {
                    found.add(new double[] {candidateLat, candidateLon});
                }
            }
        }
        return found;
    }

    /** The disc of a zone in a policy of its own, as the engine compiles a stored policy (zones carry their ids). */
    private static HiddenDisc disc(String id, double lat, double lon, int radius) {
        String document = String.format(Locale.ROOT, "{\"version\": 1, \"consent\": {\"location\": true,"
                + " \"driverIdentity\": true, \"telemetry\": true}, \"zones\": [{\"id\": \"%s\","
                + " \"latitude\": %.7f, \"longitude\": %.7f, \"radiusMetres\": %d}]}", id, lat, lon, radius);
        return CompiledPolicy.compile(PolicyJson.parse(document), KEY).hiddenDisc(0);
    }
}
