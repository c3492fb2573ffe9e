package dev.telemask.gateway;

/** The gateway on real TimescaleDB; skipped, with the reason, when the build could not start one. */
class TimescaleIngestIT extends IngestContract {
    @Override
    TestDatabase database() {
        return TestDatabase.TIMESCALEDB;
    }
}
