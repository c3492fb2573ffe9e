package dev.telemask.bench.zone;

import java.util.Random;

/** A flat metre plane around one place (x east, y north), good to a metre over the few kilometres of a commute. */
record LocalPlane(double latitude, double longitude) {
    private static final double METRES_PER_DEGREE = 6_371_008.8 * Math.PI / 180.0;

    /** A home anywhere between 60° south and 60° north, drawn from {@code random}. */
    static LocalPlane anywhere(Random random) {
        return new LocalPlane(random.nextDouble() * 120 - 60, random.nextDouble() * 360 - 180);
    }

    double x(double lat, double lon) {
        double dLon = ((lon - longitude + 540.0) % 360.0) - 180.0;
        return dLon * METRES_PER_DEGREE * Math.cos(Math.toRadians(latitude));
    }

    double y(double lat) {
        return (lat - latitude) * METRES_PER_DEGREE;
    }

    double latitudeOf(double y) {
        return latitude + y / METRES_PER_DEGREE;
    }

    double longitudeOf(double x) {
        double lon = longitude + x / (METRES_PER_DEGREE * Math.cos(Math.toRadians(latitude)));
        return ((lon + 180.0) % 360.0 + 360.0) % 360.0 - 180.0;
    }

    int latitudeE7(double y) {
        return (int) Math.round(latitudeOf(y) * 1e7);
    }

    int longitudeE7(double x) {
        return (int) Math.round(longitudeOf(x) * 1e7);
    }

    double xE7(int latE7, int lonE7) {
        return x(latE7 / 1e7, lonE7 / 1e7);
    }

    double yE7(int latE7) {
        return y(latE7 / 1e7);
    }
}
