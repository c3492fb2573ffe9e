package dev.telemask.storage;

/** The writer on real TimescaleDB; skipped, with the reason, when the build could not start one. */
class TimescaleWriterIT extends WriterContract {
    @Override
    TestServer server() {
        return TestServer.timescale();
    }
}
