package dev.telemask.storage.query;

import java.time.Instant;

/** One row of a device's consent history: a kind ({@code location}, {@code driver_identity}, {@code telemetry}). */
public record ConsentChange(String kind, boolean granted, String changedBy, Instant changedAt, String reason) {
}
