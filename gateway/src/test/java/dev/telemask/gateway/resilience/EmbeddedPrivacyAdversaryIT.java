package dev.telemask.gateway.resilience;

import dev.telemask.gateway.TestDatabase;

/** The adversary's tests on the Embedded database. */
class EmbeddedPrivacyAdversaryIT extends PrivacyAdversary {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.EMBEDDED;
    }
}
