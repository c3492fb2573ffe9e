package dev.telemask.simulator;

/** Flat-earth geometry, accurate enough over the few tens of kilometres a simulated vehicle drives. */
final class Geo {
    static final double METRES_PER_DEGREE = 111_320;

    private Geo() {}

    static double distanceMetres(double lat1, double lon1, double lat2, double lon2) {
        double north = (lat2 - lat1) * METRES_PER_DEGREE;
        double east = (lon2 - lon1) * METRES_PER_DEGREE * Math.cos(Math.toRadians(lat1));
        return Math.hypot(north, east);
    }

    /** Bearing from the first point to the second, degrees clockwise from north, 0..360. */
    static double bearing(double lat1, double lon1, double lat2, double lon2) {
        double north = lat2 - lat1;
        double east = (lon2 - lon1) * Math.cos(Math.toRadians(lat1));
        return normalise(Math.toDegrees(Math.atan2(east, north)));
    }

    static double latitudeAfter(double latitude, double metres, double bearing) {
        return latitude + metres * Math.cos(Math.toRadians(bearing)) / METRES_PER_DEGREE;
    }

    static double longitudeAfter(double latitude, double longitude, double metres, double bearing) {
        return longitude + metres * Math.sin(Math.toRadians(bearing)) / (METRES_PER_DEGREE * Math.cos(Math.toRadians(latitude)));
    }

    static double normalise(double degrees) {
        double d = degrees % 360;
        return d < 0 ? d + 360 : d;
    }

    /** Mixes a run's seed with a device's IMEI into an independent seed (SplitMix64's finaliser). */
    static long mix(long seed, long imei) {
        long z = seed * 0x9E3779B97F4A7C15L + imei;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
