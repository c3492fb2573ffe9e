package dev.telemask.privacy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Which of a device's zones draw a hidden disc, and which are hidden by another's: two zones around one place each
 * drawing a disc would show arcs of both outlines, and the two rings meet at the place. A zone is <em>covered</em>
 * when a disc another zone draws already holds it as its own disc would: then it draws none.
 *
 * <p>Zone W covers zone Z when all of these hold:
 * <ul>
 *   <li>W may hide Z: both were placed by the same placer ({@link PrivacyZone#placedBy}: the policy, or one driver
 *       credential), or Z is a policy's zone. A driver's zone is never covered by a zone someone else placed: the
 *       fleet's admin could otherwise move a policy zone (or a zone of a driver token it minted) about and watch the
 *       driver's disc come and go, which tells whether the driver's home lies inside its own disc, bit by bit.</li>
 *   <li>W's disc is drawn for a radius class at least Z's ({@link HiddenDisc#radiusClass}): its offset and ring
 *       width are at least those Z's own disc would have.</li>
 *   <li>Z's centre lies at least {@link HiddenDisc#MIN_OFFSET_RADII} of Z's class radii from W's disc's centre, and
 *       Z's circle widened by its margin ({@link HiddenDisc#MARGIN_RADII}) lies inside W's disc: Z is as hidden as by
 *       its own disc. This is decided for the radii the discs are drawn for ({@link PrivacyZone#drawnForMetres}),
 *       which nobody but the zone's placer changes: an admin raising the policy's minimum for drivers' zones cannot
 *       flip it. A covered zone enlarged beyond the radius its disc is drawn for more than W is widens W's disc by
 *       2.5 times the difference instead, around the same centre (as an enlarged zone widens its own), a width that
 *       follows from radii the API shows.</li>
 * </ul>
 * The covering disc keeps the longer of its own trail and the covered zone's. Zones are taken in a fixed order (the
 * class drawn for, largest first; drivers' zones before the policy's, since only they can cover both; then the
 * radius, largest first; then the draw id, the placer and the centre), and each zone is covered by the first zone
 * before it that draws and covers it; then, last first, a zone that still draws but covers none is covered by the
 * first other drawing zone that covers it (a later zone may hold an earlier one that could not hold it). The same
 * choice on every instance, whatever order the zones arrive in.
 */
final class ZoneCover {
    /** How far a disc reaches beyond its zone's centre, in zone radii: the zone and its margin. */
    private static final double REACH_RADII = 1 + HiddenDisc.MARGIN_RADII;

    private static final Comparator<PrivacyZone> ORDER = Comparator
            .comparingInt((PrivacyZone z) -> -HiddenDisc.radiusClass(z.drawnForMetres()))
            .thenComparing(z -> z.placedBy().equals(PrivacyZone.BY_POLICY))
            .thenComparingInt(z -> -z.radiusMetres())
            .thenComparing(PrivacyZone::drawId)
            .thenComparing(PrivacyZone::placedBy)
            .thenComparingDouble(PrivacyZone::latitude)
            .thenComparingDouble(PrivacyZone::longitude)
            .thenComparingInt(PrivacyZone::drawnForMetres);

    private ZoneCover() {}

    /** The discs {@code zones} draw under {@code key}, each widened for the zones it covers; in the zones' order. */
    static HiddenDisc[] discs(List<PrivacyZone> zones, byte[] key) {
        int n = zones.size();
        HiddenDisc[] own = new HiddenDisc[n];
        Integer[] ranked = new Integer[n];
        for (int i = 0; i < n; i++) {
            own[i] = HiddenDisc.of(zones.get(i), key);
            ranked[i] = i;
        }
        // Equal zones in either order draw equal discs: the order of the rest is the zones' own.
        Arrays.sort(ranked, Comparator.comparing(zones::get, ORDER));
        // First pass: each zone is covered by the first zone before it that draws and covers it.
        int[] coveredBy = new int[n];
        int[] covering = new int[n];
        List<Integer> drawing = new ArrayList<>();
        for (int z : ranked) {
            coveredBy[z] = firstCover(zones, own, drawing, z);
            if (coveredBy[z] < 0) {
                drawing.add(z);
            } else {
                covering[coveredBy[z]]++;
            }
        }
        // Second pass, last first: a drawing zone that covers none and that a zone after it covers draws none either.
        for (int k = drawing.size() - 1; k >= 0; k--) {
            int z = drawing.get(k);
            if (covering[z] == 0) {
                List<Integer> others = new ArrayList<>(drawing);
                others.remove(k);
                int w = firstCover(zones, own, others, z);
                if (w >= 0) {
                    coveredBy[z] = w;
                    covering[w]++;
                    drawing.remove(k);
                }
            }
        }
        double[] extra = new double[n];
        double[] trail = new double[n];
        for (int z = 0; z < n; z++) {
            int w = coveredBy[z];
            if (w >= 0) {
                extra[w] = Math.max(extra[w], REACH_RADII * (excess(zones.get(z)) - excess(zones.get(w))));
                trail[w] = Math.max(trail[w], own[z].trailMetres());
            }
        }
        List<HiddenDisc> discs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (coveredBy[i] < 0) {
                discs.add(own[i].widened(extra[i], trail[i]));
            }
        }
        return discs.toArray(HiddenDisc[]::new);
    }

    /** The first of {@code drawing} (indices into {@code zones}) that covers zone {@code z}, or -1. */
    private static int firstCover(List<PrivacyZone> zones, HiddenDisc[] own, List<Integer> drawing, int z) {
        for (int w : drawing) {
            if (covers(zones.get(w), own[w], zones.get(z))) {
                return w;
            }
        }
        return -1;
    }

    /** Whether zone {@code w}, whose disc is {@code disc}, covers zone {@code z}: see the class comment. */
    static boolean covers(PrivacyZone w, HiddenDisc disc, PrivacyZone z) {
        if (!w.placedBy().equals(z.placedBy()) && !z.placedBy().equals(PrivacyZone.BY_POLICY)) {
            return false;
        }
        int zClass = HiddenDisc.radiusClass(z.drawnForMetres());
        if (HiddenDisc.radiusClass(w.drawnForMetres()) < zClass) {
            return false;
        }
        double distance = disc.distanceTo(z.latitude(), z.longitude());
        double drawnRadius = disc.radiusMetres() - REACH_RADII * excess(w);
        return distance >= HiddenDisc.MIN_OFFSET_RADII * zClass
                && distance + REACH_RADII * z.drawnForMetres() <= drawnRadius;
    }

    /** How far a zone's radius exceeds the one its disc is drawn for (negative when resized below it). */
    private static int excess(PrivacyZone zone) {
        return zone.radiusMetres() - zone.drawnForMetres();
    }
}
