package dev.telemask.storage;

/** Position statistics on real TimescaleDB; skipped, with the reason, when the build could not start one. */
class TimescalePositionStatisticsIT extends PositionStatisticsContract {
    @Override
    TestServer server() {
        return TestServer.timescale();
    }
}
