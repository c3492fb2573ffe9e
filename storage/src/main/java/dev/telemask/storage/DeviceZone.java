package dev.telemask.storage;

import dev.telemask.privacy.PrivacyZone;
import java.time.Instant;

/**
 * A driver's own privacy zone of one device, as stored: its centre only sealed ({@link SealedZones}).
 *
 * @param drawnForMetres the radius its hidden disc is drawn for ({@code PrivacyZone#drawnForMetres}): its radius
 *                       when it was placed, kept through every resize, so that a resize widens or narrows one disc
 *                       instead of drawing another whose outline narrows in on the home with the first's
 *
 * @param owner the driver credential that placed it and alone may change or remove it; null when it has none
 *              (placed before owners were kept): then nobody may
 */
public record DeviceZone(String id, String name, int radiusMetres, int drawnForMetres, String sealedCentre,
                         Instant createdAt, Instant updatedAt, ZoneOwner owner) {
    /** Names a driver's zone's draw apart from any policy zone's, whose ids a policy edit may not choose either. */
    static final String DRAW_PREFIX = "device-zone:";

    /** The radius the engine hides with: the zone's, or the policy's minimum for drivers' zones when larger. */
    public int appliedRadiusMetres(int minRadiusMetres) {
        return Math.min(PrivacyZone.MAX_RADIUS_METRES, Math.max(radiusMetres, minRadiusMetres));
    }

    /** The zone as the engine applies it, around its opened {@code centre}: see {@link #appliedRadiusMetres}. */
    public PrivacyZone applied(SealedZones.Centre centre, int minRadiusMetres) {
        return new PrivacyZone(name, centre.latitude(), centre.longitude(), appliedRadiusMetres(minRadiusMetres),
                drawnForMetres, DRAW_PREFIX + id, placedBy());
    }

    /**
     * Who placed the zone, as {@link PrivacyZone#placedBy} names it: its owner credential, or for a zone without an
     * owner the zone alone. Zones of one owner may hide one another; another credential's never hide this one.
     */
    String placedBy() {
        if (owner == null) {
            return "driver:none:" + id;
        }
        return "driver:" + owner.kind().dbName() + ":" + owner.id() + (owner.epoch() != null ? ":" + owner.epoch() : "");
    }

    /** Whether {@code caller} placed this zone (same token, or same user in the same credential epoch). */
    public boolean ownedBy(ZoneOwner caller) {
        return owner != null && owner.equals(caller);
    }
}
