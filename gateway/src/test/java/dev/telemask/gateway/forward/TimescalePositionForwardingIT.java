package dev.telemask.gateway.forward;

import dev.telemask.gateway.TestDatabase;

/** {@link PositionForwarding} on real TimescaleDB. */
class TimescalePositionForwardingIT extends PositionForwarding {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.TIMESCALEDB;
    }
}
