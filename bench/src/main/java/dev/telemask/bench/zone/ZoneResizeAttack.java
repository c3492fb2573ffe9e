package dev.telemask.bench.zone;

import dev.telemask.privacy.HiddenDisc;
import dev.telemask.privacy.PrivacyZone;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * One home's zone under several radii: resized by its driver or enlarged by the policy's minimum (the disc stays drawn
 * for the radius the zone was placed with), or removed and placed again with another radius (a new zone, a new
 * draw). The attacker knows each radius (the API shows it) and each hidden disc exactly (its outline, fitted from many trips), and
 * estimates home as the middle of the discs' intersection and as the middle of the intersection of the rings the
 * zone's centre must lie in (the offsets {@link HiddenDisc#extentOf} states, narrowed by each disc's radius); the
 * nearer of the two counts.
 */
final class ZoneResizeAttack {
    /** Radii one zone takes in turn, the first its own. */
    static final List<int[]> SEQUENCES = List.of(new int[] {300, 350, 400}, new int[] {300, 450},
            new int[] {300, 450, 650}, new int[] {300, 450, 650, 900, 1300});
    private static final double STEP_METRES = 40;

    private ZoneResizeAttack() {}

    static void print(PrintStream out, int homes, long seed) {
        out.println("resized zones (one home, one key, the zone under each radius in turn): miss in zone radii,"
                + " median / 10th percentile / homes found within the first radius");
        for (int[] radii : SEQUENCES) {
            line(out, "resized " + Arrays.toString(radii) + " m", measure(radii, true, homes, seed), homes);
        }
        for (int[] radii : SEQUENCES) {
            line(out, "placed anew " + Arrays.toString(radii) + " m", measure(radii, false, homes, seed), homes);
        }
    }

    private static void line(PrintStream out, String name, double[] misses, int homes) {
        long inside = Arrays.stream(misses).filter(m -> m <= 1).count();
        out.printf("  %-46s %6.2f / %6.2f / %d of %d%n", name, ZoneAttack.Result.median(misses),
                ZoneAttack.Result.quantile(misses, 0.1), inside, homes);
    }

    /**
     * Sorted misses over {@code homes} homes, in units of the first radius; {@code keepsDraw}: the later radii are
     * the zone resized (its disc drawn for the first), else new zones of the same home.
     */
    static double[] measure(int[] radii, boolean keepsDraw, int homes, long seed) {
        Random random = new Random(seed);
        double[] misses = new double[homes];
        for (int h = 0; h < homes; h++) {
            LocalPlane home = new LocalPlane(random.nextDouble() * 120 - 60, random.nextDouble() * 360 - 180);
            byte[] key = new byte[32];
            random.nextBytes(key);
            HiddenDisc[] discs = new HiddenDisc[radii.length];
            double[][] rings = new double[radii.length][];
            double reach = 0;
            for (int i = 0; i < radii.length; i++) {
                discs[i] = HiddenDisc.of(new PrivacyZone("home", home.latitude(), home.longitude(), radii[i],
                        keepsDraw ? radii[0] : radii[i]), key);
                // The offset's range for the radius the disc is drawn for, narrowed by what the outline says: the
                // disc's radius is the offset, 2.5 zone radii and a slack of up to one class radius.
                HiddenDisc.Extent extent = HiddenDisc.extentOf(keepsDraw ? radii[0] : radii[i]);
                double classRadius = extent.offsetMaxMetres() / 4;
                double beyond = discs[i].radiusMetres() - 2.5 * radii[i];
                rings[i] = new double[] {home.x(discs[i].centreLatitude(), discs[i].centreLongitude()),
                        home.y(discs[i].centreLatitude()), Math.max(extent.offsetMinMetres(), beyond - classRadius),
                        Math.min(extent.offsetMaxMetres(), beyond)};
                reach = Math.max(reach, extent.discRadiusMaxMetres() * 2);
            }
            double[] inDiscs = new double[3];
            double[] inRings = new double[3];
            int steps = (int) (reach / STEP_METRES);
            for (int iy = -steps; iy <= steps; iy++) {
                for (int ix = -steps; ix <= steps; ix++) {
                    double x = ix * STEP_METRES;
                    double y = iy * STEP_METRES;
                    boolean disc = true;
                    boolean ring = true;
                    for (int i = 0; i < radii.length && (disc || ring); i++) {
                        disc &= discs[i].contains(home.latitudeE7(y), home.longitudeE7(x));
                        double d = Math.hypot(x - rings[i][0], y - rings[i][1]);
                        ring &= d >= rings[i][2] && d <= rings[i][3];
                    }
                    add(disc, inDiscs, x, y);
                    add(ring, inRings, x, y);
                }
            }
            misses[h] = Math.min(missOf(inDiscs), missOf(inRings)) / radii[0];
        }
        Arrays.sort(misses);
        return misses;
    }

    private static void add(boolean inside, double[] sum, double x, double y) {
        if (inside) {
            sum[0] += x;
            sum[1] += y;
            sum[2]++;
        }
    }

    private static double missOf(double[] sum) {
        return sum[2] == 0 ? Double.POSITIVE_INFINITY : Math.hypot(sum[0] / sum[2], sum[1] / sum[2]);
    }
}
