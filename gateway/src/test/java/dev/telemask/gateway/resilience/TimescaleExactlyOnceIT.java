package dev.telemask.gateway.resilience;

import dev.telemask.gateway.TestDatabase;

/** {@link ExactlyOnceUnderLoad} on real TimescaleDB. */
class TimescaleExactlyOnceIT extends ExactlyOnceUnderLoad {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.TIMESCALEDB;
    }
}
