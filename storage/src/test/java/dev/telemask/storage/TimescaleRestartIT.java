package dev.telemask.storage;

/** TimescaleDB killed ({@code timescaledb.sh restart-immediate}) during writes. */
class TimescaleRestartIT extends DatabaseRestartContract {
    @Override
    TestServer server() {
        return TestServer.timescale();
    }
}
