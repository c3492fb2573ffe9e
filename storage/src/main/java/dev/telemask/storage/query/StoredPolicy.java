package dev.telemask.storage.query;

import java.time.Instant;
import java.util.List;

/**
 * A policy with its current document (JSON text, null before the first version) and, when read in detail, the
 * history of its versions, oldest first (empty in listings).
 */
public record StoredPolicy(long id, String name, int currentVersion, String document, Instant createdAt,
                           List<PolicyVersion> versions) {
}
