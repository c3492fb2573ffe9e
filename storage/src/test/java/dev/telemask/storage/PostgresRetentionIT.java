package dev.telemask.storage;

/** Retention on plain PostgreSQL: batched deletes. */
class PostgresRetentionIT extends RetentionContract {
    @Override
    TestServer server() {
        return TestServer.plain();
    }

    @Override
    RetentionJob.Mode expectedMode() {
        return RetentionJob.Mode.DELETE_ROWS;
    }
}
