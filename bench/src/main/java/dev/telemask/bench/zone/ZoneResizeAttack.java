package dev.telemask.bench.zone;

import dev.telemask.privacy.HiddenDisc;
import dev.telemask.privacy.PrivacyZone;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * One home's zone under several radii: resized by its driver or enlarged by the policy's minimum (the disc stays drawn
 * for the radius the zone was placed with), or removed and placed again with another radius (a new zone, a new
 * draw). The attacker knows each radius (the API shows it) and each hidden disc exactly: {@link OutlineAttack}.
 */
final class ZoneResizeAttack {
    /** Radii one zone takes in turn, the first its own. */
    static final List<int[]> SEQUENCES = List.of(new int[] {300, 350, 400}, new int[] {300, 450},
            new int[] {300, 450, 650}, new int[] {300, 450, 650, 900, 1300});
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
            LocalPlane home = LocalPlane.anywhere(random);
            byte[] key = new byte[32];
            random.nextBytes(key);
            List<OutlineAttack.Outline> outlines = new ArrayList<>();
            for (int radius : radii) {
                int drawnFor = keepsDraw ? radii[0] : radius;
                outlines.add(new OutlineAttack.Outline(HiddenDisc.of(new PrivacyZone("home", home.latitude(),
                        home.longitude(), radius, drawnFor), key), radius, drawnFor));
            }
            misses[h] = OutlineAttack.miss(home, outlines) / radii[0];
        }
        Arrays.sort(misses);
        return misses;
    }
}
