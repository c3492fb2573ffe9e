package dev.telemask.storage.query;

import java.time.Instant;

/** One version of a policy document: who wrote it and when. */
public record PolicyVersion(int version, String createdBy, Instant createdAt) {
}
