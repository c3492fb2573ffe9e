package dev.telemask.storage;

/** Position statistics on plain PostgreSQL (embedded). */
class PostgresPositionStatisticsIT extends PositionStatisticsContract {
    @Override
    TestServer server() {
        return TestServer.plain();
    }
}
