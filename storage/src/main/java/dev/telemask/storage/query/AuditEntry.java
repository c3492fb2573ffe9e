package dev.telemask.storage.query;

import java.time.Instant;

/**
 * One row of the audit trail: who did what to which target ({@code device:<imei>}, {@code policy:<id>}), with
 * details as a JSON object (time range, row count).
 */
public record AuditEntry(long id, String actor, String action, String target, String details, Instant at) {
}
