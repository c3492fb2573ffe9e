package dev.telemask.privacy;

import dev.telemask.codec.AvlBatch;

/**
 * A vehicle on straight roads out of and back to a home: parks and drives along a bearing at a steady speed, logging
 * ignition, movement, its total odometer and the private-mode element, every step while driving and every ten minutes
 * while parked.
 */
final class SpokeDrive {
    static final double SPEED_MPS = 12;
    static final long STEP_MILLIS = 10_000;

    private final double homeLatitude;
    private final double homeLongitude;
    long time;
    long odometer;
    /** Metres out from home along the current bearing. */
    double along;

    SpokeDrive(double homeLatitude, double homeLongitude, long time, long odometer) {
        this.homeLatitude = homeLatitude;
        this.homeLongitude = homeLongitude;
        this.time = time;
        this.odometer = odometer;
    }

    /** Metres east and north of home of a stored position. */
    double[] eastNorth(long latitudeE7, long longitudeE7) {
        double lat = latitudeE7 / 1e7;
        double lon = longitudeE7 / 1e7;
        return new double[] {Haversine.metres(homeLatitude, homeLongitude, homeLatitude, lon)
                * Math.signum(lon - homeLongitude),
                Haversine.metres(homeLatitude, homeLongitude, lat, homeLongitude) * Math.signum(lat - homeLatitude)};
    }

    void park(AvlBatch batch, double bearing, int records) {
        for (int i = 0; i < records; i++) {
            time += 10 * 60_000;
            add(batch, bearing, false, false);
        }
    }

    /** Drives along {@code bearing} to {@code to} metres out, its last record parked there. */
    void drive(AvlBatch batch, double bearing, double to, boolean privately) {
        double direction = Math.signum(to - along);
        while (Math.abs(to - along) > SPEED_MPS * STEP_MILLIS / 1000.0) {
            time += STEP_MILLIS;
            move(direction * SPEED_MPS * STEP_MILLIS / 1000.0);
            add(batch, bearing, true, privately);
        }
        time += STEP_MILLIS;
        move(to - along);
        add(batch, bearing, false, privately);
    }

    private void move(double metres) {
        along += metres;
        odometer += Math.round(Math.abs(metres));
    }

    private void add(AvlBatch batch, double bearing, boolean driving, boolean privately) {
        double[] p = Haversine.destination(homeLatitude, homeLongitude, bearing, along);
        batch.addRecord(time, 1, Drive.e7(p[1]), Drive.e7(p[0]), 40, 0, 9, driving ? 43 : 0, 0,
                AvlBatch.NO_GENERATION);
        batch.addIo(TeltonikaIo.IGNITION, 1, driving ? 1 : 0);
        batch.addIo(TeltonikaIo.MOVEMENT, 1, driving ? 1 : 0);
        batch.addIo(TeltonikaIo.TOTAL_ODOMETER, 4, odometer);
        batch.addIo(Policy.DEFAULT_PRIVATE_MODE_IO, 1, privately ? 1 : 0);
    }
}
