package dev.telemask.storage;

/** Start-up sealing on real TimescaleDB; skipped, with the reason, when the build could not start one. */
class TimescaleStartUpSealingIT extends StartUpSealingContract {
    @Override
    TestServer server() {
        return TestServer.timescale();
    }
}
