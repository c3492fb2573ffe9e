package dev.telemask.storage;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The migrations build the whole schema, once, in the layout that fits the database. */
abstract class MigrationsContract extends DatabaseContract {
    int applied;

    abstract Dialect expectedDialect();

    @Override
    void prepare() {
        applied = Migrations.migrate(dataSource);
    }

    @Test
    void appliesEveryMigrationOnceAndNothingOnTheSecondRun() {
        assertEquals(Migrations.flyway(dataSource).info().all().length, applied, "every known migration ran");
        assertTrue(applied >= 4);
        assertEquals(0, Migrations.migrate(dataSource));
    }

    @Test
    void createsEveryTable() throws SQLException {
        for (String table : List.of("tenants", "policies", "policy_versions", "devices", "consent_history",
                "api_tokens", "audit_log", "positions", "device_commands", "allowed_commands")) {
            assertTrue(exists("SELECT 1 FROM information_schema.tables"
                    + " WHERE table_schema = current_schema() AND table_name = '" + table + "'"), table);
        }
        assertTrue(!exists("SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema()"
                + " AND table_name = 'trips'"), "trips are cut from positions when read, never stored");
    }

    @Test
    void laysPositionsOutForThisDatabase() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            assertEquals(expectedDialect(), Dialect.of(c));
        }
    }

    @Test
    void indexesPositionsOnlyForTrackQueriesAndRetention() throws SQLException {
        List<String> expected = expectedDialect() == Dialect.TIMESCALEDB
                ? List.of("positions_device_key")
                : List.of("positions_device_key", "positions_device_time_brin");
        assertEquals(expected, strings("SELECT indexname FROM pg_indexes"
                + " WHERE tablename = 'positions' AND schemaname = current_schema() ORDER BY indexname"));
    }

    boolean exists(String sql) throws SQLException {
        return !strings(sql).isEmpty();
    }

    List<String> strings(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            java.util.ArrayList<String> values = new java.util.ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }
}
