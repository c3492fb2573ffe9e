package dev.telemask.storage;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Headings the writer wrapped into a smallint before V47 (a u16 above 32767 stored negative) are stored as the
 * device sent them once the column is an integer, on plain PostgreSQL (embedded).
 */
class PostgresAngleMigrationIT extends DatabaseContract {
    @Override
    TestServer server() {
        return TestServer.plain();
    }

    @Override
    void prepare() throws SQLException {
        Flyway.configure().configuration(Migrations.flyway(dataSource).getConfiguration()).target("45").load()
                .migrate();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            // -1 and -32768: what 65535 and 32768 became; 360 and NULL (masked) stay.
            st.execute("INSERT INTO positions (imei, device_time, receive_time, priority, angle, event_io, treatment)"
                    + " VALUES (1, '2026-01-01Z', '2026-01-01Z', 0, -1, 0, 0), (1, '2026-01-02Z', '2026-01-02Z', 0,"
                    + " -32768, 0, 0), (1, '2026-01-03Z', '2026-01-03Z', 0, 360, 0, 0),"
                    + " (1, '2026-01-04Z', '2026-01-04Z', 0, NULL, 0, 2)");
        }
        Migrations.migrate(dataSource);
    }

    @Test
    void wrappedHeadingsAreUnwrappedAndTheColumnHoldsEveryWireValue() throws SQLException {
        assertEquals("integer", queryString("SELECT data_type FROM information_schema.columns"
                + " WHERE table_name = 'positions' AND column_name = 'angle' AND table_schema = current_schema()"));
        assertEquals("65535,32768,360,", queryString("SELECT string_agg(coalesce(angle::text, ''), ','"
                + " ORDER BY device_time) FROM positions"));
        assertEquals(0, queryLong("SELECT attstattarget FROM pg_attribute WHERE attrelid = 'positions'::regclass"
                + " AND attname = 'angle'"), "no sampled headings in the statistics");
    }

    private String queryString(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
