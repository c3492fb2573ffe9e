package dev.telemask.storage;

/** The writer on plain PostgreSQL (embedded). */
class PostgresWriterIT extends WriterContract {
    @Override
    TestServer server() {
        return TestServer.plain();
    }
}
