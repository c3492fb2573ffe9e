package dev.telemask.storage.query;

import com.zaxxer.hikari.HikariDataSource;
import dev.telemask.storage.TestDatabases;

/** The fleet API's storage classes on plain PostgreSQL (embedded). */
class PostgresQueriesIT extends QueryContract {
    @Override
    HikariDataSource database() {
        return TestDatabases.plainPostgres(4);
    }
}
