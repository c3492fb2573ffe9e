package dev.telemask.storage;

/** The embedded PostgreSQL stopped and restarted on its data directory during writes. */
class PostgresRestartIT extends DatabaseRestartContract {
    @Override
    TestServer server() {
        return TestServer.plain();
    }
}
