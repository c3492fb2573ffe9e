package dev.telemask.storage;

/** Device values at the edges on real TimescaleDB; skipped, with the reason, when the build could not start one. */
class TimescaleDeviceValuesIT extends DeviceValuesContract {
    @Override
    TestServer server() {
        return TestServer.timescale();
    }
}
