package dev.telemask.gateway.api;

import dev.telemask.gateway.TestDatabase;

/** The live fleet stream on real TimescaleDB; skipped, with the reason, when the build could not start one. */
class TimescaleLiveFleetIT extends LiveFleetContract {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.TIMESCALEDB;
    }
}
