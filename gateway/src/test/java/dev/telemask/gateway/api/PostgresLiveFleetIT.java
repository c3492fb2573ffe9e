package dev.telemask.gateway.api;

import dev.telemask.gateway.TestDatabase;

/** The live fleet stream on the gateway's embedded PostgreSQL. */
class PostgresLiveFleetIT extends LiveFleetContract {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.EMBEDDED;
    }
}
