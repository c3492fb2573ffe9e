package dev.telemask.bench.zone;

import dev.telemask.privacy.CompiledPolicy;
import dev.telemask.privacy.HiddenDisc;
import dev.telemask.privacy.Policy;
import dev.telemask.privacy.PrivacyZone;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Several zones around one home at once (a policy's zone and the driver's own, two zones of one policy), compiled
 * as the gateway compiles a device's policy: the attacker sees the hidden region's outline, and so knows exactly
 * every disc the engine draws whose edge shows (one wholly inside another shows none), and which zone drew it
 * ({@link OutlineAttack}). Against one zone alone.
 */
final class ZoneOverlapAttack {
    /** A zone of the layout: its radius, whether the policy or the driver placed it, its centre east of home. */
    record Placed(int radiusMetres, boolean policy, double eastMetres) {
    }

    /**
     * Zones placed around one home together; {@code oneDisc}: the engine hides them all with one disc (ZoneCover), as
     * it does unless a driver's zone lies inside a policy zone drawn for a larger radius class.
     */
    record Layout(String name, List<Placed> zones, boolean oneDisc) {
        int smallestRadius() {
            return zones.stream().mapToInt(Placed::radiusMetres).min().orElseThrow();
        }
    }

    static final Layout ONE_ZONE = new Layout("one policy zone of 300 m", List.of(new Placed(300, true, 0)), true);
    /** The layouts the benchmark reports, one zone alone first. */
    static final List<Layout> LAYOUTS = List.of(ONE_ZONE,
            new Layout("policy 300 m and driver 450 m, one centre",
                    List.of(new Placed(300, true, 0), new Placed(450, false, 0)), true),
            new Layout("two policy zones of 300 m, one centre",
                    List.of(new Placed(300, true, 0), new Placed(300, true, 0)), true),
            new Layout("policy 300 m and 350 m, 100 m apart",
                    List.of(new Placed(300, true, 0), new Placed(350, true, 100)), true),
            new Layout("two policy zones of 300 m, 250 m apart",
                    List.of(new Placed(300, true, 0), new Placed(300, true, 250)), false),
            new Layout("driver 300 m and 450 m, 150 m apart",
                    List.of(new Placed(300, false, 0), new Placed(450, false, 150)), true),
            new Layout("policy 300 m and driver 300 m, one centre",
                    List.of(new Placed(300, true, 0), new Placed(300, false, 0)), true),
            new Layout("policy 450 m and driver 300 m, one centre",
                    List.of(new Placed(450, true, 0), new Placed(300, false, 0)), false));

    /** The one driver credential that places the drivers' zones of a layout. */
    private static final String DRIVER = "driver:token:1";

    private ZoneOverlapAttack() {}

    static void print(PrintStream out, int homes, long seed) {
        out.println("zones around one home at once (one key per home; the attacker knows every disc whose edge"
                + " shows): miss in metres, median / 10th percentile / homes found within the smallest radius");
        for (Layout layout : LAYOUTS) {
            double[] misses = measure(layout, homes, seed);
            int within = layout.smallestRadius();
            out.printf("  %-46s %6.0f / %6.0f / %d of %d within %d m%n", layout.name(),
                    ZoneAttack.Result.median(misses), ZoneAttack.Result.quantile(misses, 0.1),
                    found(misses, within), homes, within);
        }
    }

    /** How many of the {@code misses} are within {@code metres}. */
    static long found(double[] misses, double metres) {
        return Arrays.stream(misses).filter(m -> m <= metres).count();
    }

    /** Sorted misses, metres, over {@code homes} homes each with the zones of {@code layout}. */
    static double[] measure(Layout layout, int homes, long seed) {
        Random random = new Random(seed);
        double[] misses = new double[homes];
        for (int h = 0; h < homes; h++) {
            LocalPlane home = LocalPlane.anywhere(random);
            byte[] key = new byte[32];
            random.nextBytes(key);
            List<PrivacyZone> zones = new ArrayList<>();
            for (int i = 0; i < layout.zones().size(); i++) {
                Placed p = layout.zones().get(i);
                zones.add(new PrivacyZone("home", home.latitude(), home.longitudeOf(p.eastMetres()), p.radiusMetres(),
                        p.radiusMetres(), (p.policy() ? "policy-zone:" : "device-zone:") + h + "-" + i,
                        p.policy() ? PrivacyZone.BY_POLICY : DRIVER));
            }
            misses[h] = OutlineAttack.miss(home, visibleOutlines(zones, key));
        }
        Arrays.sort(misses);
        return misses;
    }

    /** The discs the engine draws for {@code zones} whose edge shows, each with the zone that drew it. */
    private static List<OutlineAttack.Outline> visibleOutlines(List<PrivacyZone> zones, byte[] key) {
        CompiledPolicy compiled = CompiledPolicy.compile(Policy.noOp().withZones(zones), key);
        List<HiddenDisc> drawn = new ArrayList<>();
        for (int i = 0; i < compiled.hiddenDiscCount(); i++) {
            drawn.add(compiled.hiddenDisc(i));
        }
        List<OutlineAttack.Outline> outlines = new ArrayList<>();
        for (HiddenDisc disc : drawn) {
            if (drawn.stream().anyMatch(other -> other != disc && inside(disc, other))) {
                continue;
            }
            for (PrivacyZone zone : zones) {
                HiddenDisc own = HiddenDisc.of(zone, key);
                if (sameCentre(own, disc)) {
                    outlines.add(new OutlineAttack.Outline(disc, zone.radiusMetres(), zone.drawnForMetres()));
                    break;
                }
            }
        }
        return outlines;
    }

    private static boolean sameCentre(HiddenDisc a, HiddenDisc b) {
        return a.centreLatitude() == b.centreLatitude() && a.centreLongitude() == b.centreLongitude();
    }

    /** Whether {@code inner} lies wholly inside {@code outer}: its edge then never shows. */
    private static boolean inside(HiddenDisc inner, HiddenDisc outer) {
        LocalPlane plane = new LocalPlane(outer.centreLatitude(), outer.centreLongitude());
        double d = Math.hypot(plane.x(inner.centreLatitude(), inner.centreLongitude()),
                plane.y(inner.centreLatitude()));
        return d + inner.radiusMetres() <= outer.radiusMetres();
    }
}
