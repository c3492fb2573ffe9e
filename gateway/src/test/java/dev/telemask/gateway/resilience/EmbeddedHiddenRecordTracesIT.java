package dev.telemask.gateway.resilience;

import dev.telemask.gateway.TestDatabase;

/** What hidden records leave in a dump, on the Embedded database. */
class EmbeddedHiddenRecordTracesIT extends HiddenRecordTraces {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.EMBEDDED;
    }
}
