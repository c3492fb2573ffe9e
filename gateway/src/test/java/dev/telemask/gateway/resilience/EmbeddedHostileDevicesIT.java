package dev.telemask.gateway.resilience;

import dev.telemask.gateway.TestDatabase;

/** {@link HostileDevices} on the embedded PostgreSQL. */
class EmbeddedHostileDevicesIT extends HostileDevices {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.EMBEDDED;
    }
}
