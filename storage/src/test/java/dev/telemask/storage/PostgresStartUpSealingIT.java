package dev.telemask.storage;

/** Start-up sealing on plain PostgreSQL (embedded). */
class PostgresStartUpSealingIT extends StartUpSealingContract {
    @Override
    TestServer server() {
        return TestServer.plain();
    }
}
