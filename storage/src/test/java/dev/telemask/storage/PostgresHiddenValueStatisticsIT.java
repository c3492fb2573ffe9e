package dev.telemask.storage;

/** Column statistics on plain PostgreSQL (embedded). */
class PostgresHiddenValueStatisticsIT extends HiddenValueStatisticsContract {
    @Override
    TestServer server() {
        return TestServer.plain();
    }
}
