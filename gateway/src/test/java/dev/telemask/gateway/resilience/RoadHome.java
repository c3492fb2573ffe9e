package dev.telemask.gateway.resilience;

import dev.telemask.codec.AvlBatch;
import java.util.List;

/**
 * Records on a straight road east of a home, whole steps (about 200 m at these latitudes) apart, with ignition,
 * movement, the private-mode button and an odometer: the drives of the ITs that take a vehicle home into a zone.
 */
final class RoadHome {
    /** One step east, in degrees of longitude. */
    static final double STEP = 0.0031;

    /** One record: when, how far east of home (in steps), driving or parked, the private-mode button. */
    record Point(long time, int east, boolean driving, boolean button) {
    }

    private RoadHome() {
    }

    /** A frame of {@code points} east of the home at ({@code latitude}, {@code longitude}); odometer from {@code t0}. */
    static AvlBatch frame(double latitude, double longitude, long t0, List<Point> points) {
        AvlBatch batch = new AvlBatch();
        for (Point p : points) {
            batch.addRecord(p.time(), 0, (int) Math.round((longitude + p.east() * STEP) * 1e7),
                    (int) Math.round(latitude * 1e7), 110, 90, 11, p.driving() ? 50 : 0, 0,
                    AvlBatch.NO_GENERATION);
            batch.addIo(239, 1, p.driving() ? 1 : 0);
            batch.addIo(240, 1, p.driving() ? 1 : 0);
            batch.addIo(391, 1, p.button() ? 1 : 0);
            batch.addIo(16, 4, 1_000_000 + (p.time() - t0) / 100);
        }
        return batch;
    }
}
