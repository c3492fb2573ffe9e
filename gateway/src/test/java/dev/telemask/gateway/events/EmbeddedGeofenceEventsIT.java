package dev.telemask.gateway.events;

import dev.telemask.gateway.TestDatabase;

/** {@link GeofenceEvents} on the embedded PostgreSQL. */
class EmbeddedGeofenceEventsIT extends GeofenceEvents {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.EMBEDDED;
    }
}
