package dev.telemask.gateway.resilience;

import dev.telemask.gateway.TestDatabase;

/** {@link PrivacyEndToEnd} on the embedded PostgreSQL. */
class EmbeddedPrivacyEndToEndIT extends PrivacyEndToEnd {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.EMBEDDED;
    }
}
