package dev.telemask.bench.zone;

import dev.telemask.privacy.HiddenDisc;
import java.util.List;

/**
 * What an attacker who knows hidden discs exactly (their outlines, fitted from many trips) makes of several discs of
 * one home: home as the middle of the discs' intersection, and as the middle of the intersection of the rings the
 * zones' centres must lie in (the offsets {@link HiddenDisc#extentOf} states, narrowed by each disc's radius); the
 * nearer of the two counts. Knowing each disc's zone radius (the API shows it) is what narrows a ring.
 */
final class OutlineAttack {
    /** One disc the attacker sees, with the radius of the zone it hides and the radius it is drawn for. */
    record Outline(HiddenDisc disc, int radiusMetres, int drawnForMetres) {
    }

    private static final double STEP_METRES = 40;

    private OutlineAttack() {}

    /** How far, in metres, the better estimate from {@code outlines} lands from {@code home}. */
    static double miss(LocalPlane home, List<Outline> outlines) {
        double[][] rings = new double[outlines.size()][];
        double reach = 0;
        for (int i = 0; i < rings.length; i++) {
            Outline o = outlines.get(i);
            // The offset's range for the radius the disc is drawn for, narrowed by what the outline says: the disc's
            // radius is the offset, 2.5 zone radii and a slack of up to one class radius.
            HiddenDisc.Extent extent = HiddenDisc.extentOf(o.drawnForMetres());
            double classRadius = extent.offsetMaxMetres() / 4;
            double beyond = o.disc().radiusMetres() - 2.5 * o.radiusMetres();
            rings[i] = new double[] {home.x(o.disc().centreLatitude(), o.disc().centreLongitude()),
                    home.y(o.disc().centreLatitude()), Math.max(extent.offsetMinMetres(), beyond - classRadius),
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
                for (int i = 0; i < rings.length && (disc || ring); i++) {
                    disc &= outlines.get(i).disc().contains(home.latitudeE7(y), home.longitudeE7(x));
                    double d = Math.hypot(x - rings[i][0], y - rings[i][1]);
                    ring &= d >= rings[i][2] && d <= rings[i][3];
                }
                add(disc, inDiscs, x, y);
                add(ring, inRings, x, y);
            }
        }
        return Math.min(missOf(inDiscs), missOf(inRings));
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
