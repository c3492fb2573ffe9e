package dev.telemask.storage;

import java.time.Instant;

/**
 * A driver's own privacy zone of one device, as stored: its centre only sealed ({@link SealedZones}).
 *
 * @param owner the driver credential that placed it and alone may change or remove it; null when it has none
 *              (placed before owners were kept): then nobody may
 */
public record DeviceZone(String id, String name, int radiusMetres, String sealedCentre, Instant createdAt,
                         Instant updatedAt, ZoneOwner owner) {
    /** Whether {@code caller} placed this zone (same token, or same user in the same credential epoch). */
    public boolean ownedBy(ZoneOwner caller) {
        return owner != null && owner.equals(caller);
    }
}
