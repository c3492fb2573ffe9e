package dev.telemask.privacy;

import java.util.List;

/**
 * A fleet's business place (a depot, a customer's yard): a circle or a simple polygon whose crossings raise
 * {@link EventKind#GEOFENCE_ENTER} and {@link EventKind#GEOFENCE_EXIT} events. Unlike a {@link PrivacyZone} it hides
 * nothing. Built by {@link GeofenceJson}, which validates it; coordinates in degrees.
 *
 * @param id        the fleet's id of the geofence, never 0
 * @param latitudes polygon vertex latitudes (not closed: the last vertex is not the first again); empty for a circle
 */
public record Geofence(long id, String name, double centreLatitude, double centreLongitude, int radiusMetres,
                       double[] latitudes, double[] longitudes) {
    private static final double EARTH_RADIUS_METRES = 6_371_008.8;

    /** A circle around a centre. */
    public static Geofence circle(long id, String name, double latitude, double longitude, int radiusMetres) {
        return new Geofence(id, name, latitude, longitude, radiusMetres, new double[0], new double[0]);
    }

    /** A polygon through the vertices, in order, without repeating the first. */
    public static Geofence polygon(long id, String name, List<double[]> latitudeLongitudes) {
        double[] lats = new double[latitudeLongitudes.size()];
        double[] lons = new double[lats.length];
        for (int i = 0; i < lats.length; i++) {
            lats[i] = latitudeLongitudes.get(i)[0];
            lons[i] = latitudeLongitudes.get(i)[1];
        }
        return new Geofence(id, name, 0, 0, 0, lats, lons);
    }

    /** The same geofence under another id. */
    public Geofence withId(long value) {
        return new Geofence(value, name, centreLatitude, centreLongitude, radiusMetres, latitudes, longitudes);
    }

    public boolean isCircle() {
        return latitudes.length == 0;
    }

    /** True when the point (1e-7 degrees, as records carry it) lies inside or on the boundary's inner side. */
    public boolean contains(int latitudeE7, int longitudeE7) {
        return contains(latitudeE7 / 1e7, longitudeE7 / 1e7);
    }

    /** True when the point (degrees) lies inside. */
    public boolean contains(double latitude, double longitude) {
        if (isCircle()) {
            return metres(centreLatitude, centreLongitude, latitude, longitude) <= radiusMetres;
        }
        // Ray casting towards east; geofences are small and validated not to span the antimeridian, so treating
        // degrees as a plane is exact enough.
        boolean inside = false;
        for (int i = 0, j = latitudes.length - 1; i < latitudes.length; j = i++) {
            double yi = latitudes[i];
            double yj = latitudes[j];
            if ((yi > latitude) != (yj > latitude)) {
                double crossing = longitudes[i] + (latitude - yi) * (longitudes[j] - longitudes[i]) / (yj - yi);
                if (longitude < crossing) {
                    inside = !inside;
                }
            }
        }
        return inside;
    }

    /** Great-circle distance in metres between two points in degrees. */
    static double metres(double lat1, double lon1, double lat2, double lon2) {
        double phi1 = Math.toRadians(lat1);
        double phi2 = Math.toRadians(lat2);
        double dPhi = phi2 - phi1;
        double dLambda = Math.toRadians(lon2 - lon1);
        double a = Math.sin(dPhi / 2) * Math.sin(dPhi / 2)
                + Math.cos(phi1) * Math.cos(phi2) * Math.sin(dLambda / 2) * Math.sin(dLambda / 2);
        return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(a)));
    }
}
