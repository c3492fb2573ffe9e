package dev.telemask.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Which kind of database holds the positions: TimescaleDB (a hypertable) or plain PostgreSQL (one table). */
public enum Dialect {
    TIMESCALEDB,
    POSTGRESQL;

    /** The dialect of a migrated database: TimescaleDB when {@code positions} is a hypertable. */
    public static Dialect of(Connection connection) throws SQLException {
        if (!isTimescaleInstalled(connection)) {
            return POSTGRESQL;
        }
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT 1 FROM timescaledb_information.hypertables"
                     + " WHERE hypertable_name = 'positions' AND hypertable_schema = current_schema()")) {
            return rs.next() ? TIMESCALEDB : POSTGRESQL;
        }
    }

    /** True when the timescaledb extension is created in this database. */
    public static boolean isTimescaleInstalled(Connection connection) throws SQLException {
        return exists(connection, "SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'");
    }

    /** True when the server has the timescaledb extension to create. */
    public static boolean isTimescaleAvailable(Connection connection) throws SQLException {
        return exists(connection, "SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'");
    }

    private static boolean exists(Connection connection, String sql) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next();
        }
    }
}
