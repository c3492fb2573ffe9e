package dev.telemask.gateway.resilience;

import dev.telemask.gateway.TestDatabase;

/** Restriction forwards nothing, on the Embedded database. */
class EmbeddedRestrictedForwardingIT extends RestrictedForwarding {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.EMBEDDED;
    }
}
