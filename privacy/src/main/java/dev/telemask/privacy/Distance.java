package dev.telemask.privacy;

/** Great-circle distance between two points given in 1e-7 degrees: good to a metre at the distances used here. */
final class Distance {
    private static final double EARTH_RADIUS_METRES = 6_371_008.8;
    private static final double E7_TO_RADIANS = Math.PI / 180 / 1e7;

    private Distance() {}

    static double metres(int latitudeE7a, int longitudeE7a, int latitudeE7b, int longitudeE7b) {
        double phi1 = latitudeE7a * E7_TO_RADIANS;
        double phi2 = latitudeE7b * E7_TO_RADIANS;
        double dPhi = phi2 - phi1;
        double dLambda = (longitudeE7b - (double) longitudeE7a) * E7_TO_RADIANS;
        double a = Math.sin(dPhi / 2) * Math.sin(dPhi / 2)
                + Math.cos(phi1) * Math.cos(phi2) * Math.sin(dLambda / 2) * Math.sin(dLambda / 2);
        return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(a)));
    }
}
