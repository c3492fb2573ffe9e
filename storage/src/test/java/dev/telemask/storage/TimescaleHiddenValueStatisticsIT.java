package dev.telemask.storage;

/** Column statistics on real TimescaleDB; skipped, with the reason, when the build could not start one. */
class TimescaleHiddenValueStatisticsIT extends HiddenValueStatisticsContract {
    @Override
    TestServer server() {
        return TestServer.timescale();
    }
}
