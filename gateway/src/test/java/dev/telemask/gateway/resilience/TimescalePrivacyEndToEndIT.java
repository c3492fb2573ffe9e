package dev.telemask.gateway.resilience;

import dev.telemask.gateway.TestDatabase;

/** {@link PrivacyEndToEnd} on real TimescaleDB. */
class TimescalePrivacyEndToEndIT extends PrivacyEndToEnd {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.TIMESCALEDB;
    }
}
