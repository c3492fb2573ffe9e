package dev.telemask.gateway.resilience;

import dev.telemask.gateway.TestDatabase;

/** {@link StalledApiReaders} on the gateway's embedded PostgreSQL. */
class EmbeddedStalledApiReadersIT extends StalledApiReaders {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.EMBEDDED;
    }
}
