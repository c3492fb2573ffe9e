package dev.telemask.storage.migration;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import dev.telemask.storage.Dialect;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;

/**
 * Lays out {@code positions} by time for retention: a TimescaleDB hypertable where the server has TimescaleDB
 * (preloaded), otherwise a BRIN index on device time for plain PostgreSQL's batched deletes. Java rather than SQL
 * because the choice depends on the server the migration runs on.
 */
public class V2__PositionsTimeLayout extends BaseJavaMigration {
    private static final Logger LOG = System.getLogger(V2__PositionsTimeLayout.class.getName());

    /*
     * One-day chunks. Sizing for a large fleet, 10,000 devices logging every 10 s: ~86 M rows/day at ~100 bytes
     * of heap plus ~45 bytes of the unique index each, ~12 GB/day; TimescaleDB's guidance is that the chunks
     * being written (indexes included) fit in ~25 % of memory, so a week per chunk would not. A typical fleet
     * (1,000 devices, 30 s) makes ~0.4 GB/day, still well-sized. One day also makes retention granular (a dropped
     * chunk is at most a day past the cutoff) and keeps a 12-month table at ~365 chunks, few enough for planning.
     */
    static final String CHUNK_INTERVAL = "1 day";

    @Override
    public void migrate(Context context) throws Exception {
        Connection connection = context.getConnection();
        if (installTimescale(connection)) {
            execute(connection, "SELECT create_hypertable('positions', 'device_time',"
                    + " chunk_time_interval => INTERVAL '" + CHUNK_INTERVAL + "',"
                    // The unique (imei, device_time, event_io) index serves every query; a default index
                    // on device_time alone would only slow inserts (chunks are found by their bounds).
                    + " create_default_indexes => false)");
            LOG.log(Level.INFO, "positions is a TimescaleDB hypertable with {0} chunks", CHUNK_INTERVAL);
        } else {
            // Rows arrive roughly in time order, so a BRIN index finds the old ones for retention's deletes at a
            // tiny fraction of a B-tree's size and insert cost.
            execute(connection, "CREATE INDEX positions_device_time_brin ON positions USING brin (device_time)");
            LOG.log(Level.INFO, "TimescaleDB not available: positions is a plain PostgreSQL table");
        }
    }

    /** Creates the extension when the server offers it; false (and plain PostgreSQL) when it cannot be used. */
    private static boolean installTimescale(Connection connection) throws SQLException {
        if (!Dialect.isTimescaleAvailable(connection)) {
            return false;
        }
        Savepoint savepoint = connection.setSavepoint();
        try {
            execute(connection, "CREATE EXTENSION IF NOT EXISTS timescaledb");
            connection.releaseSavepoint(savepoint);
            return true;
        } catch (SQLException e) {
            // Installed but not in shared_preload_libraries, or no right to create extensions.
            connection.rollback(savepoint);
            LOG.log(Level.WARNING, "TimescaleDB is installed on the server but cannot be used ({0});"
                    + " using plain PostgreSQL", e.getMessage());
            return false;
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        }
    }
}
