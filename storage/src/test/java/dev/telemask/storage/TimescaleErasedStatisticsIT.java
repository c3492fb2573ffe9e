package dev.telemask.storage;

/** Statistics after an erasure on real TimescaleDB; skipped, with the reason, when the build could not start one. */
class TimescaleErasedStatisticsIT extends ErasedStatisticsContract {
    @Override
    TestServer server() {
        return TestServer.timescale();
    }
}
