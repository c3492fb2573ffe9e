package dev.telemask.gateway;

/** Commands to devices on real TimescaleDB. */
class TimescaleCommandsIT extends CommandsContract {
    @Override
    TestDatabase database() {
        return TestDatabase.TIMESCALEDB;
    }
}
