package dev.telemask.gateway.resilience;

import dev.telemask.gateway.TestDatabase;

/** {@link SlowDatabase} on the embedded PostgreSQL. */
class EmbeddedSlowDatabaseIT extends SlowDatabase {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.EMBEDDED;
    }
}
