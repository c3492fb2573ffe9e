package dev.telemask.privacy;

/**
 * A place (a driver's home, say) whose surroundings are never stored; centre in degrees, radius in metres.
 * {@code drawnForMetres} is the radius its hidden disc is drawn for ({@link HiddenDisc}): its own radius, or for a
 * driver's zone the radius it was placed with, kept through the driver's resizes and the policy's minimum enlarging
 * it, so that these only widen or narrow the disc it already had instead of drawing a new one. {@code drawId} names
 * the zone its disc is drawn for ({@code policy-zone:<id>}, {@code device-zone:<id>}; ids the gateway makes, kept
 * through resizes and moves): no other zone shares its draw, so a zone an attacker places and measures tells nothing
 * of another's. Empty only for zones that are never stored (tests, benchmarks).
 */
public record PrivacyZone(String name, double latitude, double longitude, int radiusMetres, int drawnForMetres,
                          String drawId) {
    public static final int MIN_RADIUS_METRES = 50;
    public static final int MAX_RADIUS_METRES = 5000;

    public PrivacyZone {
        if (drawnForMetres <= 0) {
            throw new IllegalArgumentException("a zone's disc is drawn for a radius of at least a metre");
        }
        if (drawId == null) {
            throw new IllegalArgumentException("a zone's disc is drawn for a named zone, or the empty name");
        }
    }

    public PrivacyZone(String name, double latitude, double longitude, int radiusMetres, int drawnForMetres) {
        this(name, latitude, longitude, radiusMetres, drawnForMetres, "");
    }

    public PrivacyZone(String name, double latitude, double longitude, int radiusMetres) {
        this(name, latitude, longitude, radiusMetres, radiusMetres);
    }
}
