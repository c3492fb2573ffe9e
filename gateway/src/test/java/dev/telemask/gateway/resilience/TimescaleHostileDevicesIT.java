package dev.telemask.gateway.resilience;

import dev.telemask.gateway.TestDatabase;

/** {@link HostileDevices} on real TimescaleDB. */
class TimescaleHostileDevicesIT extends HostileDevices {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.TIMESCALEDB;
    }
}
