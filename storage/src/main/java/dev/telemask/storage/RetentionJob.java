package dev.telemask.storage;

import javax.sql.DataSource;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.Period;
import java.util.Objects;

/**
 * Removes positions, and sealed (undecided) rows, older than the retention period (12 months by default). On a TimescaleDB build with
 * {@code add_retention_policy} the database does it itself; events (a plain table) always go by batched DELETEs; otherwise the gateway schedules {@link #runOnce}
 * (hourly is plenty), which drops whole chunks on TimescaleDB or deletes rows in bounded batches on plain
 * PostgreSQL. With several gateway instances, a PostgreSQL advisory lock lets exactly one of them work at a time.
 */
public final class RetentionJob {
    private static final Logger LOG = System.getLogger(RetentionJob.class.getName());

    /** The default: a year, as the product promises. */
    public static final Period DEFAULT_RETENTION = Period.ofMonths(12);

    /** Advisory lock key: ASCII "tmRetent", unlikely to collide with anyone else's key. */
    static final long LOCK_KEY = 0x746d_5265_7465_6e74L;

    /**
     * Rows per DELETE on plain PostgreSQL: each batch is its own short transaction, so retention never holds
     * locks or bloats WAL in one huge statement, and concurrent writers are not stalled.
     */
    static final int DELETE_BATCH_ROWS = 10_000;

    /** How the retention is carried out on this database. */
    public enum Mode {
        /** TimescaleDB's own background job ({@code add_retention_policy}); {@link #runOnce} does nothing. */
        NATIVE_POLICY,
        /** {@code drop_chunks} from {@link #runOnce}: TimescaleDB without the policy (the Apache-licensed build). */
        DROP_CHUNKS,
        /** Batched DELETEs from {@link #runOnce}: plain PostgreSQL. */
        DELETE_ROWS
    }

    /**
     * What one {@link #runOnce} did.
     *
     * @param ran           false when another instance held the lock (or the database does it natively)
     * @param droppedChunks chunks dropped (TimescaleDB)
     * @param deletedRows   rows deleted (plain PostgreSQL)
     * @param sealedRows    sealed rows deleted (any database): undecided records older than the retention
     */
    public record Outcome(boolean ran, long droppedChunks, long deletedRows, long sealedRows) {
        static final Outcome SKIPPED = new Outcome(false, 0, 0, 0);
    }

    private final DataSource dataSource;
    private final Period retention;
    private final Mode mode;
    private final Runnable lockAcquired;

    private RetentionJob(DataSource dataSource, Period retention, Mode mode, Runnable lockAcquired) {
        this.dataSource = dataSource;
        this.retention = retention;
        this.mode = mode;
        this.lockAcquired = lockAcquired;
    }

    /**
     * Sets retention up on a migrated database: installs (or replaces) TimescaleDB's retention policy where the
     * build has one, and returns the job the gateway schedules in every case.
     */
    public static RetentionJob install(DataSource dataSource, Period retention) throws SQLException {
        Objects.requireNonNull(retention, "retention");
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive, was " + retention);
        }
        Mode mode;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            if (Dialect.of(connection) == Dialect.POSTGRESQL) {
                mode = Mode.DELETE_ROWS;
            } else if (installNativePolicy(connection, retention)) {
                mode = Mode.NATIVE_POLICY;
            } else {
                mode = Mode.DROP_CHUNKS;
            }
        }
        LOG.log(Level.INFO, "positions retention {0} by {1}", retention, mode);
        return new RetentionJob(dataSource, retention, mode, () -> { });
    }

    /** The same job, calling {@code lockAcquired} while it holds the lock (tests use it to overlap two runs). */
    RetentionJob onLockAcquired(Runnable lockAcquired) {
        return new RetentionJob(dataSource, retention, mode, lockAcquired);
    }

    public Mode mode() {
        return mode;
    }

    /**
     * Removes what is past retention, unless another instance is at it; safe to call from any thread. With the
     * native policy, only the sealed rows (a plain table the policy does not cover).
     */
    public Outcome runOnce() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            // A session lock, not a transaction one: the plain-PostgreSQL deletes commit batch by batch under it.
            // If this connection dies the server releases the lock with the session.
            if (!queryBoolean(connection, "SELECT pg_try_advisory_lock(" + LOCK_KEY + ")")) {
                return Outcome.SKIPPED;
            }
            try {
                lockAcquired.run();
                OffsetDateTime cutoff = cutoff(connection);
                long chunks = mode == Mode.DROP_CHUNKS ? dropChunks(connection, cutoff) : 0;
                long rows = mode == Mode.DELETE_ROWS ? deleteRows(connection, cutoff, "positions") : 0;
                long sealedRows = deleteRows(connection, cutoff, "sealed_positions");
                // Events and their deliveries are kept as long as the positions they came from.
                deleteRows(connection, cutoff, "device_events");
                deleteRows(connection, cutoff, "webhook_deliveries");
                deleteCommands(connection, cutoff);
                return new Outcome(true, chunks, rows, sealedRows);
            } finally {
                try (Statement st = connection.createStatement()) {
                    st.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
                }
            }
        }
    }

    private static boolean installNativePolicy(Connection connection, Period retention) throws SQLException {
        // The Apache-licensed build (Debian's) raises "not supported under the current apache license": ask first
        // rather than provoke the error, and still fall back if the call fails for another reason.
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('timescaledb.license', true)")) {
            if (rs.next() && "apache".equals(rs.getString(1))) {
                return false;
            }
        }
        try (PreparedStatement remove = connection.prepareStatement(
                "SELECT remove_retention_policy('positions', if_exists => true)");
             PreparedStatement add = connection.prepareStatement(
                     "SELECT add_retention_policy('positions', drop_after => make_interval(months => ?, days => ?))")) {
            // Replaced every start, so a changed retention setting takes effect.
            remove.execute();
            add.setInt(1, (int) retention.toTotalMonths());
            add.setInt(2, retention.getDays());
            add.execute();
            return true;
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "TimescaleDB refused a retention policy ({0}); the gateway will drop chunks itself",
                    e.getMessage());
            return false;
        }
    }

    private OffsetDateTime cutoff(Connection connection) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT now() - make_interval(months => ?, days => ?)")) {
            st.setInt(1, (int) retention.toTotalMonths());
            st.setInt(2, retention.getDays());
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getObject(1, OffsetDateTime.class);
            }
        }
    }

    /** Drops the chunks that lie wholly before the cutoff; a chunk straddling it goes a chunk interval later. */
    private static long dropChunks(Connection connection, OffsetDateTime cutoff) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT count(*) FROM drop_chunks('positions', older_than => ?::timestamptz)")) {
            st.setObject(1, cutoff);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long deleteRows(Connection connection, OffsetDateTime cutoff, String table) throws SQLException {
        long deleted = 0;
        try (PreparedStatement st = connection.prepareStatement(
                "DELETE FROM " + table + " WHERE ctid = ANY (ARRAY("
                        + "SELECT ctid FROM " + table + " WHERE device_time < ? LIMIT " + DELETE_BATCH_ROWS + "))")) {
            st.setObject(1, cutoff);
            int n;
            do {
                n = st.executeUpdate();
                deleted += n;
            } while (n == DELETE_BATCH_ROWS);
        }
        return deleted;
    }

    /** Commands and their answers (which may state where a device was) go with the positions of their time. */
    private static void deleteCommands(Connection connection, OffsetDateTime cutoff) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("DELETE FROM device_commands WHERE created_at < ?")) {
            st.setObject(1, cutoff);
            st.executeUpdate();
        }
    }

    private static boolean queryBoolean(Connection connection, String sql) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
