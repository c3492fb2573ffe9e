package dev.telemask.privacy;

/**
 * A place (a driver's home, say) whose surroundings are never stored; centre in degrees, radius in metres.
 * {@code drawnForMetres} is the radius its hidden disc is drawn for ({@link HiddenDisc}): its own radius, or for a
 * driver's zone that the policy's minimum enlarges, the radius the driver set, so that raising the minimum only
 * widens the disc it already had instead of drawing a new one.
 */
public record PrivacyZone(String name, double latitude, double longitude, int radiusMetres, int drawnForMetres) {
    public static final int MIN_RADIUS_METRES = 50;
    public static final int MAX_RADIUS_METRES = 5000;

    public PrivacyZone {
        if (drawnForMetres > radiusMetres) {
            throw new IllegalArgumentException("a zone's disc is drawn for at most its radius");
        }
    }

    public PrivacyZone(String name, double latitude, double longitude, int radiusMetres) {
        this(name, latitude, longitude, radiusMetres, radiusMetres);
    }
}
