package dev.telemask.storage;

/** Migrations on plain PostgreSQL (embedded). */
class PostgresMigrationsIT extends MigrationsContract {
    @Override
    TestServer server() {
        return TestServer.plain();
    }

    @Override
    Dialect expectedDialect() {
        return Dialect.POSTGRESQL;
    }
}
