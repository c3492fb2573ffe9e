package dev.telemask.storage;

/** Device values at the edges on plain PostgreSQL (embedded). */
class PostgresDeviceValuesIT extends DeviceValuesContract {
    @Override
    TestServer server() {
        return TestServer.plain();
    }
}
