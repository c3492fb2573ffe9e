package dev.telemask.storage;

/** Migrations on real TimescaleDB: positions becomes a hypertable. */
class TimescaleMigrationsIT extends MigrationsContract {
    @Override
    TestServer server() {
        return TestServer.timescale();
    }

    @Override
    Dialect expectedDialect() {
        return Dialect.TIMESCALEDB;
    }
}
