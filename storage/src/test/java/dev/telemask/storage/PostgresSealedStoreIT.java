package dev.telemask.storage;

/** Sealed rows on plain PostgreSQL (embedded). */
class PostgresSealedStoreIT extends SealedStoreContract {
    @Override
    TestServer server() {
        return TestServer.plain();
    }
}
