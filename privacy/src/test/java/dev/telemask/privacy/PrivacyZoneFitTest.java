package dev.telemask.privacy;

import dev.telemask.codec.AvlBatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A privacy zone must not give its centre away to the Strava attack: fitting a circle to where many trips leaving
 * it first become visible.
 */
class PrivacyZoneFitTest {
    static final byte[] KEY = "fit-test-zone-key".getBytes(StandardCharsets.UTF_8);
    static final long START = 1_750_000_000_000L;

    /** The first visible point of a trip from near the centre straight out on {@code bearing}, in 20 m steps. */
    static double[] firstVisiblePoint(CompiledPolicy policy, PrivacyZone zone, double bearing, double startOffset) {
        Drive drive = new Drive(java.time.ZoneOffset.UTC);
        double[] start = Haversine.destination(zone.latitude(), zone.longitude(), bearing + 1.0, startOffset);
        double stepMetres = Math.max(20.0, zone.radiusMetres() / 15.0); // 100 radii in all: past any hidden region
        long stepMillis = Math.round(stepMetres * 40); // at 90 km/h: faster would be a GNSS jump on the trail
        for (int step = 0; step < 1500; step++) {
            double[] p = Haversine.destination(start[0], start[1], bearing, step * stepMetres);
            drive.record(START + step * stepMillis, p[0], p[1], 9, 1, 1, -1);
        }
        Treatments out = new Treatments();
        double[][] positions = new double[drive.batch.size()][];
        for (int r = 0; r < drive.batch.size(); r++) {
            positions[r] = new double[] {drive.batch.latitude(r) / 1e7, drive.batch.longitude(r) / 1e7};
        }
        AvlBatch stored = Ledgers.feed(new DeviceLedger(), policy, Consent.ALL, false, drive.batch, out);
        for (int r = 0; r < out.size(); r++) {
            if (out.get(r) == Treatment.EXACT) {
                return positions[(int) ((stored.timestamp(r) - START) / stepMillis)];
            }
        }
        throw new AssertionError("trip never left the hidden disc");
    }

    /** Kåsa's algebraic least-squares circle fit in a local plane around {@code (lat0, lon0)}; returns its centre. */
    static double[] fitCentre(List<double[]> points, double lat0, double lon0) {
        double k = GeoGrid.METRES_PER_DEGREE;
        double c = Math.cos(Math.toRadians(lat0));
        double[][] a = new double[3][3];
        double[] b = new double[3];
        for (double[] p : points) {
            double x = (p[1] - lon0) * k * c;
            double y = (p[0] - lat0) * k;
            double[] row = {x, y, 1};
            double rhs = -(x * x + y * y);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    a[i][j] += row[i] * row[j];
                }
                b[i] += row[i] * rhs;
            }
        }
        double[] s = solve(a, b);
        double cx = -s[0] / 2;
        double cy = -s[1] / 2;
        return new double[] {lat0 + cy / k, lon0 + cx / (k * c)};
    }

    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        for (int p = 0; p < n; p++) {
            int max = p;
            for (int i = p + 1; i < n; i++) {
                if (Math.abs(a[i][p]) > Math.abs(a[max][p])) {
                    max = i;
                }
            }
            double[] t = a[p]; a[p] = a[max]; a[max] = t;
            double tb = b[p]; b[p] = b[max]; b[max] = tb;
            for (int i = p + 1; i < n; i++) {
                double f = a[i][p] / a[p][p];
                b[i] -= f * b[p];
                for (int j = p; j < n; j++) {
                    a[i][j] -= f * a[p][j];
                }
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double sum = b[i];
            for (int j = i + 1; j < n; j++) {
                sum -= a[i][j] * x[j];
            }
            x[i] = sum / a[i][i];
        }
        return x;
    }

    @Test
    void theFitSanityCheckFindsTheCentreOfAPlainCircle() {
        List<double[]> ring = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ring.add(Haversine.destination(52.52, 13.40, 2 * Math.PI * i / 50, 400));
        }
        double[] centre = fitCentre(ring, 52.5, 13.5);
        assertEquals(0, Haversine.metres(centre[0], centre[1], 52.52, 13.40), 2.0);
    }

    @Test
    void fiftyTripsInAllDirectionsDoNotRevealTheZonesCentre() {
        Random random = new Random(4);
        PrivacyZone home = new PrivacyZone("home", 52.52, 13.40, 300);
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp().withZones(List.of(home)).withTiming(Ledgers.CONTINUOUS), KEY);
        List<double[]> firstVisible = new ArrayList<>();
        for (int trip = 0; trip < 50; trip++) {
            double bearing = 2 * Math.PI * (trip + random.nextDouble()) / 50;
            firstVisible.add(firstVisiblePoint(policy, home, bearing, random.nextDouble() * 0.8 * home.radiusMetres()));
        }
        double[] fit = fitCentre(firstVisible, home.latitude(), home.longitude());
        double miss = Haversine.metres(fit[0], fit[1], home.latitude(), home.longitude());
        assertTrue(miss > home.radiusMetres(), "fit lands " + miss + " m from the true centre");
    }

    @Test
    void theFitMissesForZonesOfEverySizeAndPlace() {
        Random random = new Random(11);
        for (int i = 0; i < 12; i++) {
            PrivacyZone zone = new PrivacyZone("z" + i, random.nextDouble() * 140 - 70, random.nextDouble() * 360 - 180,
                    50 + random.nextInt(4951));
            CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp().withZones(List.of(zone)).withTiming(Ledgers.CONTINUOUS), KEY);
            List<double[]> firstVisible = new ArrayList<>();
            for (int trip = 0; trip < 50; trip++) {
                firstVisible.add(firstVisiblePoint(policy, zone, 2 * Math.PI * random.nextDouble(),
                        random.nextDouble() * zone.radiusMetres()));
            }
            double[] fit = fitCentre(firstVisible, zone.latitude(), zone.longitude());
            double miss = Haversine.metres(fit[0], fit[1], zone.latitude(), zone.longitude());
            assertTrue(miss > zone.radiusMetres(), zone + ": fit lands " + miss + " m from the centre");
        }
    }

    @Test
    void theWholeZoneIsAlwaysHidden() {
        Random random = new Random(5);
        for (int i = 0; i < 200; i++) {
            PrivacyZone zone = new PrivacyZone("z" + i, random.nextDouble() * 170 - 85, random.nextDouble() * 360 - 180,
                    50 + random.nextInt(4951));
            HiddenDisc disc = HiddenDisc.of(zone, ("key" + i).getBytes(StandardCharsets.UTF_8));
            assertTrue(Haversine.metres(disc.centreLatitude(), disc.centreLongitude(), zone.latitude(), zone.longitude())
                    > zone.radiusMetres() * 1.4, "the hidden centre is offset");
            for (int j = 0; j < 100; j++) {
                double distance = j == 0 ? zone.radiusMetres() : random.nextDouble() * zone.radiusMetres();
                double[] p = Haversine.destination(zone.latitude(), zone.longitude(), 2 * Math.PI * random.nextDouble(), distance);
                assertTrue(disc.contains(Drive.e7(p[0]), Drive.e7(p[1])), zone + " point " + distance + " m out");
            }
        }
    }

    @Test
    void theHiddenDiscDependsOnTheKeyAndNothingElse() {
        PrivacyZone zone = new PrivacyZone("home", 48.1, 11.6, 500);
        HiddenDisc a = HiddenDisc.of(zone, KEY);
        HiddenDisc again = HiddenDisc.of(new PrivacyZone("renamed", 48.1, 11.6, 500), KEY.clone());
        HiddenDisc otherKey = HiddenDisc.of(zone, "another".getBytes(StandardCharsets.UTF_8));
        assertEquals(a.centreLatitude(), again.centreLatitude());
        assertEquals(a.centreLongitude(), again.centreLongitude());
        assertTrue(Haversine.metres(a.centreLatitude(), a.centreLongitude(),
                otherKey.centreLatitude(), otherKey.centreLongitude()) > 1);
    }

    @Test
    void aDeviceReportingRarelyStaysHiddenForTheWholeTrailPastTheDisc() {
        // One fix every 30 s at 74 km/h (617 m apart): the last fix inside the disc lies 600 m from its edge, the
        // next 17 m past it. The way driven inside the disc must not count towards the trail.
        PrivacyZone home = new PrivacyZone("home", 50.11, 8.68, 100);
        CompiledPolicy policy = CompiledPolicy.compile(
                Policy.noOp().withZones(List.of(home)).withTiming(Ledgers.CONTINUOUS), KEY);
        HiddenDisc disc = policy.hiddenDisc(0);
        double radius = disc.radiusMetres();
        double trailMin = HiddenDisc.extentOf(home.radiusMetres()).trailMinMetres();
        double[] out = {radius - 610, radius - 600, radius + 17, radius + 634, radius + 1251, radius + 1868};
        Drive drive = new Drive(java.time.ZoneOffset.UTC);
        for (int i = 0; i < out.length; i++) {
            double[] p = Haversine.destination(disc.centreLatitude(), disc.centreLongitude(), 1.0, out[i]);
            drive.record(START + i * 30_000L - (i == 0 ? 29_000L : 0), p[0], p[1], 9, 1, 1, -1);
        }
        Treatments verdicts = new Treatments();
        AvlBatch stored = Ledgers.feed(new DeviceLedger(), policy, Consent.ALL, false, drive.batch, verdicts);
        int visible = 0;
        for (int r = 0; r < verdicts.size(); r++) {
            if (verdicts.get(r) == Treatment.EXACT) {
                visible++;
                double past = Haversine.metres(disc.centreLatitude(), disc.centreLongitude(),
                        stored.latitude(r) / 1e7, stored.longitude(r) / 1e7) - radius;
                assertTrue(past >= trailMin, "a visible fix only " + Math.round(past) + " m past the hidden disc,"
                        + " though the trail is at least " + Math.round(trailMin) + " m");
            }
        }
        assertTrue(visible >= 2, "the trip becomes visible after the trail");
    }

    @Test
    void aZoneResizedWithinItsClassOrNudgedWithinItsCellTellsNothingNew() {
        // Each independent disc of one home is another outline to intersect: a driver resizing the zone, or the
        // policy's minimum enlarging it, must not give the reader one within a class of radii. The disc keeps its
        // vector from the zone's centre and its slack: a resize moves its edge by the known 2.5 times the change, a
        // nudge moves the whole disc by the nudge.
        Random random = new Random(11);
        int same = 0;
        for (int h = 0; h < 100; h++) {
            double lat = 40 + random.nextDouble() * 20;
            double lon = random.nextDouble() * 20;
            byte[] key = ("resize" + h).getBytes(StandardCharsets.UTF_8);
            HiddenDisc first = HiddenDisc.of(new PrivacyZone("home", lat, lon, 300), key);
            HiddenDisc larger = HiddenDisc.of(new PrivacyZone("home", lat, lon, 400), key);
            assertEquals(first.centreLatitude(), larger.centreLatitude(), "300 m and 400 m are one class");
            assertEquals(first.centreLongitude(), larger.centreLongitude());
            assertEquals(first.radiusMetres() + 250, larger.radiusMetres(), 1e-6);
            double[] nudged = Haversine.destination(lat, lon, random.nextDouble() * 2 * Math.PI, 10);
            HiddenDisc moved = HiddenDisc.of(new PrivacyZone("home", nudged[0], nudged[1], 300), key);
            double shiftNorth = (moved.centreLatitude() - first.centreLatitude()) - (nudged[0] - lat);
            double shiftEast = (moved.centreLongitude() - first.centreLongitude()) - (nudged[1] - lon);
            if (Math.abs(shiftNorth) < 1e-6 && Math.abs(shiftEast) < 1e-6
                    && moved.radiusMetres() == first.radiusMetres()) {
                same++;
            }
        }
        // A 10 m nudge leaves the 400 m cell for about one home in twenty.
        assertTrue(same >= 90, "a 10 m nudge gave a new draw for " + (100 - same) + " homes of 100");
    }

    @Test
    void theTrailsCosineAgreesWithStrictMathAtEveryLatitude() {
        double worst = 0;
        for (int centiDegrees = -9000; centiDegrees <= 9000; centiDegrees++) {
            double x = StrictMath.toRadians(centiDegrees / 100.0);
            worst = Math.max(worst, Math.abs(PolicyEngine.cosLatitude(x) - StrictMath.cos(x)));
        }
        assertTrue(worst <= 1e-15, "off by " + worst);
    }

    @Test
    void aDiscsOutlineLeavesHomeInARingAClassRadiusWide() {
        // Without the slack, radius less 2.5 zone radii would be the exact distance from the disc's centre to home.
        Random random = new Random(12);
        double least = Double.MAX_VALUE;
        double most = 0;
        for (int i = 0; i < 400; i++) {
            PrivacyZone zone = new PrivacyZone("z", 50, 10, 300);
            HiddenDisc disc = HiddenDisc.of(zone, ("outline" + i).getBytes(StandardCharsets.UTF_8));
            double offset = Haversine.metres(disc.centreLatitude(), disc.centreLongitude(), zone.latitude(),
                    zone.longitude());
            double slack = disc.radiusMetres() - 2.5 * zone.radiusMetres() - offset;
            least = Math.min(least, slack);
            most = Math.max(most, slack);
        }
        assertTrue(least < 40 && most > 360, "the slack spans the class radius (400 m): " + least + " to " + most);
    }

    @Test
    void aDriversZoneResizedOrEnlargedByThePolicysMinimumWidensOrNarrowsTheDiscItHad() {
        // A driver resizing the zone across classes, or an admin raising driverZones.minRadiusMetres step by step,
        // would otherwise draw a new disc of the driver's home at each step, and the rings of two discs meet at it.
        // The zone keeps the radius it was placed with (300 m) as the one its disc is drawn for.
        byte[] key = "minimum".getBytes(StandardCharsets.UTF_8);
        HiddenDisc own = HiddenDisc.of(new PrivacyZone("home", 48.1, 11.6, 300), key);
        for (int radius : new int[] {50, 150, 450, 650, 900, 1300, 5000}) {
            HiddenDisc disc = HiddenDisc.of(new PrivacyZone("home", 48.1, 11.6, radius, 300), key);
            assertEquals(own.centreLatitude(), disc.centreLatitude(), "radius " + radius);
            assertEquals(own.centreLongitude(), disc.centreLongitude());
            assertEquals(own.radiusMetres() + 2.5 * (radius - 300), disc.radiusMetres(), 1e-6);
            double offset = Haversine.metres(disc.centreLatitude(), disc.centreLongitude(), 48.1, 11.6);
            assertTrue(offset + radius * 2.5 <= disc.radiusMetres() + 1, "the resized zone lies inside with margin");
            assertEquals(own.trailMetres(), disc.trailMetres());
        }
    }
}
