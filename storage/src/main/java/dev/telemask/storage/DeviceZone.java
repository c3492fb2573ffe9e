package dev.telemask.storage;

import java.time.Instant;

/** A driver's own privacy zone of one device, as stored: its centre only sealed ({@link SealedZones}). */
public record DeviceZone(String id, String name, int radiusMetres, String sealedCentre, Instant createdAt,
                         Instant updatedAt) {
}
