package dev.telemask.gateway.resilience;

import dev.telemask.gateway.TestDatabase;

/** {@link ExactlyOnceUnderLoad} on the embedded PostgreSQL. */
class EmbeddedExactlyOnceIT extends ExactlyOnceUnderLoad {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.EMBEDDED;
    }
}
