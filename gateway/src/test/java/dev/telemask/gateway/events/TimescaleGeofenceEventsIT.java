package dev.telemask.gateway.events;

import dev.telemask.gateway.TestDatabase;

/** {@link GeofenceEvents} on real TimescaleDB. */
class TimescaleGeofenceEventsIT extends GeofenceEvents {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.TIMESCALEDB;
    }
}
