package dev.telemask.gateway.resilience;

import dev.telemask.gateway.TestDatabase;

/** {@link AcknowledgedThroughDatabaseKills} on real TimescaleDB, every server process SIGKILLed by the test script. */
class TimescaleDatabaseKillIT extends AcknowledgedThroughDatabaseKills {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.TIMESCALEDB;
    }

    @Override
    protected void killDatabase() throws Exception {
        TimescaleServer.kill();
    }
}
