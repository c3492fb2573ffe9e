package dev.telemask.gateway.resilience;

import dev.telemask.gateway.TestDatabase;

/** Restriction forwards nothing, on the Timescale database. */
class TimescaleRestrictedForwardingIT extends RestrictedForwarding {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.TIMESCALEDB;
    }
}
