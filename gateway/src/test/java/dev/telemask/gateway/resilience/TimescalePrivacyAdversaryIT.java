package dev.telemask.gateway.resilience;

import dev.telemask.gateway.TestDatabase;

/** The adversary's tests on the Timescale database. */
class TimescalePrivacyAdversaryIT extends PrivacyAdversary {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.TIMESCALEDB;
    }
}
