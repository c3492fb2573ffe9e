package dev.telemask.privacy;

/** Great-circle distance for checking the engine's geometry independently of the engine's own arithmetic. */
final class Haversine {
    private Haversine() {}

    static double metres(double lat1, double lon1, double lat2, double lon2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double dp = p2 - p1;
        double dl = Math.toRadians(lon2 - lon1);
        double a = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * GeoGrid.EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(a)));
    }

    /** The point {@code metres} from {@code (lat, lon)} on {@code bearing} (radians from north). */
    static double[] destination(double lat, double lon, double bearing, double metres) {
        double d = metres / GeoGrid.EARTH_RADIUS_METRES;
        double p1 = Math.toRadians(lat);
        double l1 = Math.toRadians(lon);
        double p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(bearing));
        double l2 = l1 + Math.atan2(Math.sin(bearing) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
        double lon2 = Math.toDegrees(l2);
        lon2 = ((lon2 + 180) % 360 + 360) % 360 - 180;
        return new double[] {Math.toDegrees(p2), lon2};
    }
}
