package dev.telemask.gateway.resilience;

import dev.telemask.gateway.TestDatabase;

/**
 * {@link SilentSockets} on the embedded PostgreSQL; what it tests happens before any device reaches the database,
 * so it has no TimescaleDB twin.
 */
class EmbeddedSilentSocketsIT extends SilentSockets {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.EMBEDDED;
    }
}
