package dev.telemask.storage.query;

import java.time.Instant;

/** A registered device as the fleet API shows it. */
public record FleetDevice(long imei, long tenantId, String label, Long policyId, boolean restricted,
                     Instant privateUntil, Instant createdAt, Instant lastSeenAt) {
}
