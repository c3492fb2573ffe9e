package dev.telemask.storage.query;

import com.zaxxer.hikari.HikariDataSource;
import dev.telemask.storage.TestDatabases;

/** The fleet API's storage classes on real TimescaleDB (positions a hypertable); skipped with the reason without. */
class TimescaleQueriesIT extends QueryContract {
    @Override
    HikariDataSource database() {
        return TestDatabases.timescale(4);
    }
}
