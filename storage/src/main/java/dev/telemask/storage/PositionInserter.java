package dev.telemask.storage;

import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Writes many devices' batches in one transaction: binary COPY into a per-connection staging table, then one
 * {@code INSERT ... ON CONFLICT DO NOTHING} into {@code positions}, so rows already stored by an earlier send are
 * skipped instead of duplicated or failing the transaction. Without deduplication it COPYs into positions directly.
 *
 * <p>One per writer thread (it keeps a COPY buffer).
 */
final class PositionInserter {
    static final String STAGING_TABLE = "positions_staging";

    /** Physical connections that already have their staging table (a temporary table lives per session). */
    private static final Set<PGConnection> STAGED = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    private final DataSource dataSource;
    private final boolean deduplicate;
    private final BinaryCopyStream copy = new BinaryCopyStream();

    /** What one committed transaction did. */
    record Result(int records, long inserted, long commitNanos) {
    }

    PositionInserter(DataSource dataSource, boolean deduplicate) {
        this.dataSource = dataSource;
        this.deduplicate = deduplicate;
    }

    /** Writes and commits the batches, or throws with nothing committed. */
    Result insert(List<PositionBatch> batches) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                PGConnection pg = connection.unwrap(PGConnection.class);
                String target = deduplicate ? staging(connection, pg) : "positions";
                CopyManager copyManager = pg.getCopyAPI();
                copy.start(copyManager.copyIn(
                        "COPY " + target + " (" + PositionRows.COLUMNS + ") FROM STDIN (FORMAT binary)"));
                int records = 0;
                try {
                    for (PositionBatch batch : batches) {
                        records += PositionRows.write(batch, copy);
                    }
                    copy.finish();
                } finally {
                    copy.abandon();
                }
                long inserted = deduplicate ? moveStaged(connection) : records;
                saveDeviceStates(connection, batches);
                long commitStart = System.nanoTime();
                connection.commit();
                if (deduplicate) {
                    // Only now: a rolled-back first transaction takes the new staging table with it.
                    STAGED.add(pg);
                }
                return new Result(records, inserted, System.nanoTime() - commitStart);
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                evictIfBroken(connection, e);
                throw e;
            }
        }
    }

    private static String staging(Connection connection, PGConnection pg) throws SQLException {
        if (!STAGED.contains(pg)) {
            try (Statement st = connection.createStatement()) {
                // ON COMMIT DELETE ROWS empties it at every commit (a rollback discards the rows anyway), and
                // a temporary table writes no WAL. No indexes: it is only ever read whole.
                st.execute("CREATE TEMPORARY TABLE IF NOT EXISTS " + STAGING_TABLE
                        + " (LIKE positions INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
            }
        }
        return STAGING_TABLE;
    }

    private static long moveStaged(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            return st.executeLargeUpdate("INSERT INTO positions (" + PositionRows.COLUMNS + ") SELECT "
                    + PositionRows.COLUMNS + " FROM " + STAGING_TABLE + " ON CONFLICT DO NOTHING");
        }
    }

    /** In batch order, so that of two batches of one device in this transaction the later state wins. */
    private static void saveDeviceStates(Connection connection, List<PositionBatch> batches) throws SQLException {
        saveLastSeen(connection, batches);
        PreparedStatement update = null;
        try {
            for (PositionBatch batch : batches) {
                if (batch.deviceState() == null) {
                    continue;
                }
                if (update == null) {
                    update = connection.prepareStatement(
                            "UPDATE devices SET privacy_state = ?, privacy_state_updated_at = now() WHERE imei = ?");
                }
                update.setBytes(1, batch.deviceState());
                update.setLong(2, batch.imei());
                update.addBatch();
            }
            if (update != null) {
                update.executeBatch();
            }
        } finally {
            if (update != null) {
                update.close();
            }
        }
    }

    private static void saveLastSeen(Connection connection, List<PositionBatch> batches) throws SQLException {
        PreparedStatement update = null;
        try {
            for (PositionBatch batch : batches) {
                if (!batch.recordsLastSeen()) {
                    continue;
                }
                if (update == null) {
                    // GREATEST: a late batch from a slow writer thread never moves the time back.
                    update = connection.prepareStatement("UPDATE devices SET last_seen_at ="
                            + " GREATEST(last_seen_at, ?) WHERE imei = ?");
                }
                update.setTimestamp(1, new java.sql.Timestamp(batch.receivedAtMillis()));
                update.setLong(2, batch.imei());
                update.addBatch();
            }
            if (update != null) {
                update.executeBatch();
            }
        } finally {
            if (update != null) {
                update.close();
            }
        }
    }

    /**
     * COPY runs on the unwrapped driver connection, so the pool never sees its I/O errors and would hand the dead
     * connection out again (and again, within its validation bypass window). Tell it.
     */
    private void evictIfBroken(Connection connection, Exception cause) {
        FailureCause kind = FailureCause.of(cause);
        if ((kind == FailureCause.CONNECTION || kind == FailureCause.OTHER)
                && dataSource instanceof HikariDataSource pool) {
            pool.evictConnection(connection);
        }
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
