package dev.telemask.privacy;

/**
 * A place (a driver's home, say) whose surroundings are never stored; centre in degrees, radius in metres.
 * {@code drawnForMetres} is the radius its hidden disc is drawn for ({@link HiddenDisc}): its own radius, or for a
 * driver's zone the radius it was placed with, kept through the driver's resizes and the policy's minimum enlarging
 * it, so that these only widen or narrow the disc it already had instead of drawing a new one.
 */
public record PrivacyZone(String name, double latitude, double longitude, int radiusMetres, int drawnForMetres) {
    public static final int MIN_RADIUS_METRES = 50;
    public static final int MAX_RADIUS_METRES = 5000;

    public PrivacyZone {
        if (drawnForMetres <= 0) {
            throw new IllegalArgumentException("a zone's disc is drawn for a radius of at least a metre");
        }
    }

    public PrivacyZone(String name, double latitude, double longitude, int radiusMetres) {
        this(name, latitude, longitude, radiusMetres, radiusMetres);
    }
}
