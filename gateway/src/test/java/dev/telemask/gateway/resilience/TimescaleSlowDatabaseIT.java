package dev.telemask.gateway.resilience;

import dev.telemask.gateway.TestDatabase;

/** {@link SlowDatabase} on real TimescaleDB. */
class TimescaleSlowDatabaseIT extends SlowDatabase {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.TIMESCALEDB;
    }
}
