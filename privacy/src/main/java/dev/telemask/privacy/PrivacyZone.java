package dev.telemask.privacy;

/** A place (a driver's home, say) whose surroundings are never stored; centre in degrees, radius in metres. */
public record PrivacyZone(String name, double latitude, double longitude, int radiusMetres) {
    public static final int MIN_RADIUS_METRES = 50;
    public static final int MAX_RADIUS_METRES = 5000;
}
