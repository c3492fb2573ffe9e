package dev.telemask.gateway.resilience;

import dev.telemask.gateway.TestDatabase;

/** {@link StalledApiReaders} on real TimescaleDB; skipped, with the reason, without one. */
class TimescaleStalledApiReadersIT extends StalledApiReaders {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.TIMESCALEDB;
    }
}
