package dev.telemask.storage;

/** Sealed rows on real TimescaleDB; skipped, with the reason, when the build could not start one. */
class TimescaleSealedStoreIT extends SealedStoreContract {
    @Override
    TestServer server() {
        return TestServer.timescale();
    }
}
