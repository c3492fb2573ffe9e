package dev.telemask.storage;

import com.zaxxer.hikari.HikariDataSource;

/**
 * The integration tests' database servers for tests outside this package (the query package's): a fresh, migrated
 * schema on the embedded PostgreSQL or on the build's TimescaleDB (aborting, i.e. skipping, when there is none).
 */
public final class TestDatabases {
    private TestDatabases() {
    }

    public static HikariDataSource plainPostgres(int connections) {
        return migrated(TestServer.plain().createDatabase(connections));
    }

    public static HikariDataSource timescale(int connections) {
        return migrated(TestServer.timescale().createDatabase(connections));
    }

    private static HikariDataSource migrated(HikariDataSource dataSource) {
        Migrations.migrate(dataSource);
        return dataSource;
    }
}
