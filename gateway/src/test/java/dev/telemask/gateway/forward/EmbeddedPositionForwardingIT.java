package dev.telemask.gateway.forward;

import dev.telemask.gateway.TestDatabase;

/** {@link PositionForwarding} on the embedded PostgreSQL. */
class EmbeddedPositionForwardingIT extends PositionForwarding {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.EMBEDDED;
    }
}
