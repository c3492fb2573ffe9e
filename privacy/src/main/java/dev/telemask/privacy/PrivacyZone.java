package dev.telemask.privacy;

/**
 * A place (a driver's home, say) whose surroundings are never stored; centre in degrees, radius in metres.
 * {@code drawnForMetres} is the radius its hidden disc is drawn for ({@link HiddenDisc}): its own radius, or for a
 * driver's zone the radius it was placed with, kept through the driver's resizes and the policy's minimum enlarging
 * it, so that these only widen or narrow the disc it already had instead of drawing a new one. {@code drawId} names
 * the zone its disc is drawn for ({@code policy-zone:<id>}, {@code device-zone:<id>}; ids the gateway makes, kept
 * through resizes and moves): no other zone shares its draw, so a zone an attacker places and measures tells nothing
 * of another's. Empty only for zones that are never stored (tests, benchmarks). {@code placedBy} says who placed it:
 * {@link #BY_POLICY} for a policy's zone, a driver credential's own name ({@code driver:<kind>:<id>...}) for a
 * driver's; it decides which zones may hide which ({@link ZoneCover}).
 */
public record PrivacyZone(String name, double latitude, double longitude, int radiusMetres, int drawnForMetres,
                          String drawId, String placedBy) {
    public static final int MIN_RADIUS_METRES = 50;
    public static final int MAX_RADIUS_METRES = 5000;
    /** {@link #placedBy} of every zone of a policy: whoever edits the policy places them all. */
    public static final String BY_POLICY = "policy";

    public PrivacyZone {
        if (drawnForMetres <= 0) {
            throw new IllegalArgumentException("a zone's disc is drawn for a radius of at least a metre");
        }
        if (drawId == null) {
            throw new IllegalArgumentException("a zone's disc is drawn for a named zone, or the empty name");
        }
        if (placedBy == null || placedBy.isEmpty()) {
            throw new IllegalArgumentException("a zone is placed by a policy or by a driver credential");
        }
    }

    /** A policy's zone. */
    public PrivacyZone(String name, double latitude, double longitude, int radiusMetres, int drawnForMetres,
                       String drawId) {
        this(name, latitude, longitude, radiusMetres, drawnForMetres, drawId, BY_POLICY);
    }

    public PrivacyZone(String name, double latitude, double longitude, int radiusMetres, int drawnForMetres) {
        this(name, latitude, longitude, radiusMetres, drawnForMetres, "");
    }

    public PrivacyZone(String name, double latitude, double longitude, int radiusMetres) {
        this(name, latitude, longitude, radiusMetres, radiusMetres);
    }
}
