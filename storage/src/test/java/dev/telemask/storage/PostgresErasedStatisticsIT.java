package dev.telemask.storage;

/** Statistics after an erasure on plain PostgreSQL (embedded). */
class PostgresErasedStatisticsIT extends ErasedStatisticsContract {
    @Override
    TestServer server() {
        return TestServer.plain();
    }
}
