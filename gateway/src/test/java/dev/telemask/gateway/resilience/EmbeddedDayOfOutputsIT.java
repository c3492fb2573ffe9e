package dev.telemask.gateway.resilience;

import dev.telemask.gateway.TestDatabase;

/** Every output of a day with a zone at home, on the Embedded database. */
class EmbeddedDayOfOutputsIT extends DayOfOutputs {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.EMBEDDED;
    }
}
