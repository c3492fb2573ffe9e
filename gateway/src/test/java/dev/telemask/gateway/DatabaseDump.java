package dev.telemask.gateway;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** What a dump of the gateway's schema holds, for tests that grep it for what a policy hides. */
public final class DatabaseDump {
    private DatabaseDump() {
    }

    /**
     * Every row of every table of the connections' current schema (each test gateway has its own), as text
     * ({@code SELECT t::text FROM table t}), one line a row prefixed with its table; times in UTC. Then the column
     * statistics a dump can carry ({@code pg_stats}: most common values and histogram bounds), as they are, and as a
     * fresh {@code ANALYZE} leaves them (rolled back with the dump's transaction), one line a column prefixed with
     * {@code pg_stats} and its table and column.
     */
    public static String of(DataSource dataSource) {
        StringBuilder dump = new StringBuilder();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                st.execute("SET LOCAL TimeZone = 'UTC'");
                List<String> tables = new ArrayList<>();
                try (ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables"
                        + " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
                if (!tables.contains("positions")) {
                    throw new IllegalStateException("no positions table in schema of " + tables + ": not the gateway's");
                }
                for (String table : tables) {
                    try (ResultSet rs = st.executeQuery("SELECT t::text FROM \"" + table + "\" t")) {
                        while (rs.next()) {
                            dump.append(table).append(": ").append(rs.getString(1)).append('\n');
                        }
                    }
                }
                statistics(st, dump);
                for (String table : tables) {
                    st.execute("ANALYZE \"" + table + "\"");
                }
                statistics(st, dump);
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not dump the database", e);
        }
        return dump.toString();
    }

    private static void statistics(Statement st, StringBuilder dump) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT tablename, attname, most_common_vals::text,"
                + " histogram_bounds::text FROM pg_stats WHERE schemaname = current_schema()")) {
            while (rs.next()) {
                dump.append("pg_stats ").append(rs.getString(1)).append('.').append(rs.getString(2)).append(": ")
                        .append(rs.getString(3)).append(' ').append(rs.getString(4)).append('\n');
            }
        }
    }
}
