package dev.telemask.storage;

import com.zaxxer.hikari.HikariDataSource;
import dev.telemask.codec.AvlBatch;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Collections;
import java.util.List;
import java.sql.ResultSet;
import java.util.Map;
import java.util.IdentityHashMap;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.Objects;
import java.util.WeakHashMap;

/**
 * Writes many devices' batches in one transaction, each record into {@code positions} exactly once. Resends are rare,
 * so it COPYs straight into {@code positions} under a savepoint; only when that meets a row an earlier send stored
 * (unique violation) does it roll back to the savepoint and take the deduplicating path: binary COPY into a
 * per-connection staging table, then one {@code INSERT ... ON CONFLICT DO NOTHING}. Batches that {@link StoredHorizon}
 * guesses to be resends take that path from the start, so one resend does not cost its whole transaction a retry.
 * Without deduplication it COPYs into positions directly and a resend fails the transaction.
 * Sealed records and resolved sealed keys go, in the same transaction, through a second staging table into
 * {@code sealed_positions}.
 *
 * <p>One per writer thread (it keeps a COPY buffer).
 */
final class PositionInserter {
    private static final System.Logger LOG = System.getLogger(PositionInserter.class.getName());

    static final String STAGING_TABLE = "positions_staging";
    static final String SEALED_STAGING = "sealed_staging";
    static final String SEALED_COLUMNS = "imei, device_time, event_io, received_at, expires_at, key_id, sealed";
    private static final int SEALED_FIELDS = 8;
    private static final int OP_INSERT = 0;
    private static final int OP_DELETE = 1;
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String COPY_POSITIONS = "COPY positions (" + PositionRows.COLUMNS
            + ") FROM STDIN (FORMAT binary)";
    private static final String COPY_STAGED = "COPY " + STAGING_TABLE + " (" + PositionRows.COLUMNS
            + ") FROM STDIN (FORMAT binary)";
    private static final String COPY_SEALED = "COPY " + SEALED_STAGING + " (op, " + SEALED_COLUMNS
            + ") FROM STDIN (FORMAT binary)";
    /**
     * Deletes the staged resolved keys' rows, one primary-key probe per staged key, whatever the statistics say. Not a
     * join ({@code DELETE ... USING sealed_staging}): the staging table never has statistics, and the sealed table's
     * go wrong under its churn. Its rows live seconds and new ones are appended at its end, so a VACUUM, which scans
     * only the pages there were when it started, can find no live row at all and leave reltuples 0 (one row, to the
     * planner) until the next ANALYZE; a join planned then runs a nested loop over every sealed row that rescans the
     * staging table for each, for minutes, while both writers hold their device rows' locks. With fair statistics an
     * analyzed staging table gets a hash join over a seq scan of the whole (bloated) sealed table instead. Here each
     * staged key's row is found by an equality on every primary-key column, which no estimate makes cheaper by a seq
     * scan than by an index probe (a seq scan is costed by the table's real size), then deleted by its tid.
     */
    private static final String DELETE_RESOLVED = "DELETE FROM sealed_positions WHERE ctid = ANY (ARRAY("
            + "SELECT (SELECT s.ctid FROM sealed_positions s WHERE s.imei = k.imei AND s.device_time = k.device_time"
            + " AND s.event_io = k.event_io) FROM " + SEALED_STAGING + " k WHERE k.op = " + OP_DELETE + "))";
    /**
     * A record sealed again (a same-key twin added a private-mode press to it while it waited) replaces its sealed
     * form and key id; when it arrived and when it expires stay the first sealing's. Of two rows of one key staged in
     * one transaction (two records of one key in a batch) the first staged is kept, as a resend's is: the staging
     * table is only appended to within a transaction, so its ctid order is the order staged.
     */
    private static final String INSERT_SEALED = "INSERT INTO sealed_positions (" + SEALED_COLUMNS + ") SELECT DISTINCT"
            + " ON (imei, device_time, event_io) " + SEALED_COLUMNS + " FROM " + SEALED_STAGING + " WHERE op = "
            + OP_INSERT + " ORDER BY imei, device_time, event_io, ctid"
            + " ON CONFLICT (imei, device_time, event_io) DO UPDATE SET key_id = EXCLUDED.key_id,"
            + " sealed = EXCLUDED.sealed";
    /** One notice of {@link PositionNotices}, its transaction committing without waiting for the WAL flush. */
    static final String NOTIFY_UNSYNCED = "SELECT set_config('synchronous_commit', 'off', true), pg_notify('"
            + PositionNotices.CHANNEL + "', ?)";
    /**
     * The device rows' lock: each row's switch version, and whether its fleet subscribes webhooks to positions; rows
     * another transaction holds are skipped, then waited for in {@link #LOCK_HELD_DEVICES}.
     */
    static final String LOCK_DEVICES = "SELECT d.imei, d.switch_version, EXISTS (SELECT 1 FROM webhooks w"
            + " WHERE w.tenant_id = d.tenant_id AND 'position' = ANY (w.kinds)) FROM devices d"
            + " WHERE d.imei = ANY (?) ORDER BY d.imei FOR NO KEY UPDATE OF d SKIP LOCKED";
    /** The same lock of the rows {@link #LOCK_DEVICES} skipped, waiting for them at most {@link #HELD_ROW_WAIT_MILLIS}. */
    static final String LOCK_HELD_DEVICES = LOCK_DEVICES.replace(" SKIP LOCKED", "");
    /**
     * How long a transaction waits for device rows another holds: another writer's commit (a device written by two
     * connections at once) takes milliseconds; an API change that holds a row longer (an erasure deleting a year of
     * a device's records) leaves the device's batch stale instead of holding the writer.
     */
    static final long HELD_ROW_WAIT_MILLIS = 1_000;

    /** Physical connections that already have their staging table (a temporary table lives per session). */
    private static final Set<PGConnection> STAGED = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));
    /** The same for the sealed rows' staging table. */
    private static final Set<PGConnection> SEALED_STAGED = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    private final DataSource dataSource;
    private final boolean deduplicate;
    private final RecordSealer sealer;
    /** Loaded at the first transaction, from the database (another instance may have created the secret). */
    private RecordKeys recordKeys;
    private final BinaryCopyStream copy = new BinaryCopyStream();
    private final StoredHorizon horizon;
    private final boolean kafka;
    private List<PositionBatch> lastWritten;
    /** Whether a fleet of the current transaction's devices subscribes webhooks to positions. */
    private boolean subscribed;
    /** What the device rows' lock found of {@link #subscribed}; null: it did not see every batch's device. */
    private Boolean lockedSubscribed;
    private boolean createdStaging;
    /** Whether the last {@link #copySealed} staged resolved keys to delete. */
    private boolean resolvedStaged;
    private boolean createdSealedStaging;

    /** What one committed transaction did. */
    record Result(int records, long inserted, int sealed, long resolvedDeleted, long commitNanos,
                  Map<PositionBatch, StaleSwitchesException> stale, CopyPath path, boolean announced, long queued) {
    }

    /** What {@link #write} did in the caller's transaction; {@code queued}: outbox rows for new positions. */
    record Written(int records, long inserted, int sealed, long resolvedDeleted, CopyPath path, long queued) {
        Written(int records, long inserted, int sealed, long resolvedDeleted, CopyPath path) {
            this(records, inserted, sealed, resolvedDeleted, path, 0);
        }
    }

    /** How a transaction's positions reached the table. */
    enum CopyPath {
        /** All COPYed straight into positions. */
        DIRECT,
        /** Batches guessed to be resends through the staging table, the others straight in. */
        SPLIT,
        /** The direct COPY met a stored row and was rolled back; all through the staging table. */
        FALLBACK,
        /** Forwarded: all through the staging table, whose newly stored rows queue their outbox rows. */
        FORWARDED;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param sealer seals the batches' {@link dev.telemask.privacy.Treatment#SEALED} records, and the secret of the
     *               rows' {@link RecordKeys}
     */
    PositionInserter(DataSource dataSource, boolean deduplicate, RecordSealer sealer) {
        this(dataSource, deduplicate, sealer, new StoredHorizon());
    }

    /** @param horizon what the writer's threads have committed, shared among them */
    PositionInserter(DataSource dataSource, boolean deduplicate, RecordSealer sealer, StoredHorizon horizon) {
        this(dataSource, deduplicate, sealer, horizon, false);
    }

    /** @param kafka queue every newly stored exact or coarsened position, and every event, for the Kafka sink */
    PositionInserter(DataSource dataSource, boolean deduplicate, RecordSealer sealer, StoredHorizon horizon,
                     boolean kafka) {
        this.kafka = kafka;
        this.horizon = horizon;
        this.dataSource = dataSource;
        this.deduplicate = deduplicate;
        this.sealer = Objects.requireNonNull(sealer, "sealer");
    }

    /** Writes and commits the batches, or throws with nothing committed. */
    Result insert(List<PositionBatch> batches) throws SQLException {
        loadRecordKeys();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Map<PositionBatch, StaleSwitchesException> stale = lockAndCheckSwitches(connection, batches);
                if (kafka) {
                    subscribed = false;
                } else if (lockedSubscribed == null) {
                    subscribed = !batches.isEmpty() && subscribesToPositions(connection, batches);
                } else {
                    subscribed = lockedSubscribed;
                }
                List<PositionBatch> current = batches;
                if (!stale.isEmpty()) {
                    current = new ArrayList<>(batches);
                    current.removeAll(stale.keySet());
                }
                Written written = current.isEmpty() ? new Written(0, 0, 0, 0, CopyPath.DIRECT) : write(connection, current);
                DeviceRowUpdate.save(connection, current, sealer);
                DeviceEvents.save(connection, current, kafka);
                long commitStart = System.nanoTime();
                connection.commit();
                committed(connection);
                long commitNanos = System.nanoTime() - commitStart;
                return new Result(written.records(), written.inserted(), written.sealed(), written.resolvedDeleted(),
                        commitNanos, stale, written.path(), announce(connection, current), written.queued());
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                evictIfBroken(connection, e);
                throw e;
            }
        }
    }

    /**
     * Locks the rows of the checked batches' devices (in IMEI order, so two writers never deadlock) and returns the
     * batches masked under a switch version that is no longer current: a change of restriction, private mode, policy
     * or consent committed after they were masked. The lock holds until this transaction ends, so such a change made
     * meanwhile waits for it, and returns to its caller only after these records are stored under the old rules:
     * records received before the change returned. A row that another transaction holds is waited for at most
     * {@link #HELD_ROW_WAIT_MILLIS} (another writer's commit is that quick); one held longer (an erasure deleting a
     * year of a device's records, say) is left, and its batch returned as stale too: its session claims the device
     * again, which waits for the change on a look-up thread, and masks the records again under what the change left,
     * as it would had the change committed first; the writer and the other devices' records go on (ingest never
     * waits for the API for long). The same round trip tells whether a fleet of these devices subscribes
     * webhooks to positions: {@link #lockedSubscribed}, null when some batch was not checked.
     */
    private Map<PositionBatch, StaleSwitchesException> lockAndCheckSwitches(Connection connection,
                                                                            List<PositionBatch> batches)
            throws SQLException {
        lockedSubscribed = null;
        Long[] imeis = null;
        int checked = 0;
        for (int i = 0, n = batches.size(); i < n; i++) {
            PositionBatch batch = batches.get(i);
            if (batch.switchVersion() != PositionBatch.UNCHECKED) {
                if (imeis == null) {
                    imeis = new Long[n - i];
                }
                imeis[checked++] = batch.imei();
            }
        }
        if (imeis == null) {
            return Map.of();
        }
        if (checked < imeis.length) {
            imeis = java.util.Arrays.copyOf(imeis, checked);
        }
        Map<Long, Long> versions = new HashMap<>();
        boolean anySubscribed = lockDevices(connection, LOCK_DEVICES, imeis, versions);
        if (versions.size() < imeis.length) {
            anySubscribed |= lockHeldDevices(connection, imeis, versions);
        }
        if (checked == batches.size()) {
            lockedSubscribed = anySubscribed;
        }
        Map<PositionBatch, StaleSwitchesException> stale = new IdentityHashMap<>();
        for (PositionBatch batch : batches) {
            if (batch.switchVersion() == PositionBatch.UNCHECKED) {
                continue;
            }
            Long current = versions.get(batch.imei());
            if (current == null || current != batch.switchVersion()) {
                stale.put(batch, new StaleSwitchesException(batch.imei(), batch.switchVersion(),
                        current == null ? -1 : current));
            }
        }
        return stale;
    }

    /** Runs a device rows' lock query over {@code imeis}, adding each row's switch version; whether any subscribes. */
    private static boolean lockDevices(Connection connection, String query, Long[] imeis, Map<Long, Long> versions)
            throws SQLException {
        boolean anySubscribed = false;
        try (PreparedStatement st = connection.prepareStatement(query)) {
            st.setArray(1, connection.createArrayOf("bigint", imeis));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    versions.put(rs.getLong(1), rs.getLong(2));
                    anySubscribed |= rs.getBoolean(3);
                }
            }
        }
        return anySubscribed;
    }

    /**
     * Waits up to {@link #HELD_ROW_WAIT_MILLIS} for the rows of {@code imeis} that the first lock skipped, in a
     * savepoint: when the wait runs out (or two writers would deadlock over them), the savepoint is rolled back and
     * those rows stay unlocked and absent from {@code versions}, so their batches count as stale.
     */
    private static boolean lockHeldDevices(Connection connection, Long[] imeis, Map<Long, Long> versions)
            throws SQLException {
        Long[] held = java.util.Arrays.stream(imeis).filter(imei -> !versions.containsKey(imei)).toArray(Long[]::new);
        if (held.length == 0) {
            return false; // a device twice in the transaction, or one deleted
        }
        Savepoint savepoint = connection.setSavepoint();
        try (Statement st = connection.createStatement()) {
            st.execute("SET LOCAL lock_timeout = " + HELD_ROW_WAIT_MILLIS);
            boolean anySubscribed = lockDevices(connection, LOCK_HELD_DEVICES, held, versions);
            st.execute("SET LOCAL lock_timeout = DEFAULT");
            connection.releaseSavepoint(savepoint);
            return anySubscribed;
        } catch (SQLException e) {
            if (!"55P03".equals(e.getSQLState()) && !"40P01".equals(e.getSQLState())) {
                throw e;
            }
            connection.rollback(savepoint); // undoes the SET LOCAL too
            return false;
        }
    }

    /**
     * Loads the deployment's {@link RecordKeys} once, on a connection of its own: call it before taking the
     * connection of a transaction that {@link #write}s, so that a pool of one connection does not wait on itself.
     */
    void loadRecordKeys() throws SQLException {
        if (recordKeys == null) {
            recordKeys = RecordKeys.load(dataSource, sealer);
        }
    }

    /**
     * Writes the batches' positions, sealed rows and resolved deletions in the caller's open transaction on
     * {@code connection}, without committing. After the commit, call {@link #committed}. {@link #loadRecordKeys}
     * first.
     */
    Written write(Connection connection, List<PositionBatch> batches) throws SQLException {
        if (recordKeys == null) {
            throw new IllegalStateException("loadRecordKeys() before write()");
        }
        createdStaging = false;
        createdSealedStaging = false;
        lastWritten = batches;
        PGConnection pg = connection.unwrap(PGConnection.class);
        int records;
        long inserted;
        long queued = 0;
        CopyPath path = CopyPath.DIRECT;
        if (kafka || subscribed) {
            // Only the staged path knows which rows are new (a resend must queue nothing): one INSERT ... SELECT
            // stores them and queues their outbox rows, whatever the number of records.
            records = copyRows(pg, staging(connection, pg), batches);
            long[] moved = moveStagedAndQueue(connection);
            inserted = moved[0];
            queued = moved[1];
            path = CopyPath.FORWARDED;
        } else if (!deduplicate) {
            records = copyRows(pg, "positions", batches);
            inserted = records;
        } else {
            List<PositionBatch> direct = batches;
            List<PositionBatch> deduplicated = List.of();
            for (int i = 0, n = batches.size(); i < n; i++) {
                if (horizon.mayRepeat(batches.get(i))) {
                    // Rare: split, asking the horizon once per batch.
                    direct = new ArrayList<>(batches.subList(0, i));
                    deduplicated = new ArrayList<>();
                    deduplicated.add(batches.get(i));
                    for (int j = i + 1; j < n; j++) {
                        PositionBatch batch = batches.get(j);
                        (horizon.mayRepeat(batch) ? deduplicated : direct).add(batch);
                    }
                    break;
                }
            }
            records = 0;
            inserted = 0;
            path = deduplicated.isEmpty() ? CopyPath.DIRECT : CopyPath.SPLIT;
            if (!direct.isEmpty()) {
                int copied = copyDirect(connection, pg, direct);
                if (copied >= 0) {
                    records = copied;
                    inserted = copied;
                } else {
                    deduplicated = batches; // a stored row was met: all of them the safe way
                    path = CopyPath.FALLBACK;
                }
            }
            if (!deduplicated.isEmpty()) {
                records += copyRows(pg, staging(connection, pg), deduplicated);
                inserted += moveStaged(connection);
            }
        }
        int sealed = 0;
        long resolvedDeleted = 0;
        if (touchesSealed(batches)) {
            sealed = copySealed(connection, pg, batches);
            try (Statement st = connection.createStatement()) {
                // Deletes first, then inserts: a row sealed and resolved in this one transaction was left out of the
                // staged inserts above, so this order gives what the batches' own order would.
                if (resolvedStaged) {
                    resolvedDeleted = st.executeLargeUpdate(DELETE_RESOLVED);
                }
                if (sealed > 0) {
                    sealed = (int) st.executeLargeUpdate(INSERT_SEALED);
                }
            }
        }
        return new Written(records, inserted, sealed, resolvedDeleted, path, queued);
    }

    /** Tells the inserter that the transaction of the last {@link #write} on {@code connection} committed. */
    void committed(Connection connection) throws SQLException {
        // Only now: a rolled-back first transaction takes new temporary tables with it.
        PGConnection pg = connection.unwrap(PGConnection.class);
        if (createdStaging) {
            STAGED.add(pg);
        }
        if (createdSealedStaging) {
            SEALED_STAGED.add(pg);
        }
        createdStaging = false;
        createdSealedStaging = false;
        if (lastWritten != null) {
            horizon.committed(lastWritten);
            lastWritten = null;
        }
    }

    private static boolean touchesSealed(List<PositionBatch> batches) {
        for (PositionBatch batch : batches) {
            if (batch.touchesSealed()) {
                return true;
            }
        }
        return false;
    }

    /**
     * COPYs the sealed rows to insert and the resolved keys to delete into the sealed staging table; returns how
     * many rows to insert. A record sealed by one batch and resolved by a later batch of the same device in this
     * transaction is not staged at all.
     */
    private int copySealed(Connection connection, PGConnection pg, List<PositionBatch> batches) throws SQLException {
        if (!SEALED_STAGED.contains(pg)) {
            try (Statement st = connection.createStatement()) {
                st.execute("CREATE TEMPORARY TABLE IF NOT EXISTS " + SEALED_STAGING + " (op smallint, imei bigint,"
                        + " device_time timestamptz, event_io integer, received_at timestamptz, expires_at timestamptz,"
                        + " key_id text, sealed bytea) ON COMMIT DELETE ROWS");
            }
            createdSealedStaging = true;
        }
        boolean anyResolved = false;
        for (PositionBatch batch : batches) {
            anyResolved |= batch.resolvedCount() > 0;
        }
        resolvedStaged = anyResolved;
        byte[] keyId = null;
        RecordSealer.SealedBlob blob = null; // one buffer for every record this transaction seals
        int staged = 0;
        copy.start(pg.getCopyAPI().copyIn(COPY_SEALED));
        try {
            for (int b = 0, n = batches.size(); b < n; b++) {
                PositionBatch batch = batches.get(b);
                for (int i = 0, count = batch.resolvedCount(); i < count; i++) {
                    copy.row(SEALED_FIELDS);
                    copy.int2(OP_DELETE);
                    copy.int8(batch.imei());
                    copy.timestamp(batch.resolvedTime(i));
                    copy.int4(batch.resolvedEventIo(i));
                    for (int f = 0; f < 4; f++) {
                        copy.nullField();
                    }
                }
                AvlBatch records = batch.records();
                for (int r = 0, size = records.size(); r < size; r++) {
                    if (!batch.isSealed(r)
                            || anyResolved && resolvedLater(batches, b, records.timestamp(r), records.eventIo(r))) {
                        continue;
                    }
                    if (keyId == null) {
                        keyId = sealer.sealingKeyId().getBytes(StandardCharsets.US_ASCII);
                    }
                    if (blob == null) {
                        blob = new RecordSealer.SealedBlob();
                    }
                    sealer.seal(batch.imei(), records, r, batch.sealFlags(r), blob);
                    copy.row(SEALED_FIELDS);
                    copy.int2(OP_INSERT);
                    copy.int8(batch.imei());
                    copy.timestamp(records.timestamp(r));
                    copy.int4(records.eventIo(r));
                    copy.timestamp(batch.receivedAtMillis(r));
                    copy.timestamp(batch.sealedUntilMillis());
                    copy.byteaHeader(keyId.length);
                    copy.raw(keyId, 0, keyId.length);
                    copy.byteaHeader(blob.length());
                    copy.raw(blob.bytes(), 0, blob.length());
                    staged++;
                }
            }
            copy.finish();
        } finally {
            copy.abandon();
        }
        return staged;
    }

    /** True when a batch after {@code b} of the same device resolves the key: the seal would be undone at once. */
    private static boolean resolvedLater(List<PositionBatch> batches, int b, long deviceTime, int eventIo) {
        long imei = batches.get(b).imei();
        for (int i = b + 1, n = batches.size(); i < n; i++) {
            PositionBatch later = batches.get(i);
            if (later.imei() == imei && later.resolvedCount() > 0 && later.resolves(deviceTime, eventIo)) {
                return true;
            }
        }
        return false;
    }

    /**
     * COPYs the batches straight into positions under a savepoint; returns the rows, or -1 (with the savepoint
     * rolled back, nothing of them written) when one of them is stored already. The savepoint keeps the transaction,
     * and the device rows it has locked, usable for the fallback.
     */
    private int copyDirect(Connection connection, PGConnection pg, List<PositionBatch> batches) throws SQLException {
        Savepoint savepoint = connection.setSavepoint();
        try {
            int rows = copyRows(pg, "positions", batches);
            // Not released: the commit does that, and a RELEASE would be a round trip of its own.
            return rows;
        } catch (SQLException e) {
            if (!isUniqueViolation(e)) {
                throw e;
            }
            connection.rollback(savepoint);
            return -1;
        }
    }

    private static boolean isUniqueViolation(SQLException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private int copyRows(PGConnection pg, String target, List<PositionBatch> batches) throws SQLException {
        copy.start(pg.getCopyAPI().copyIn(STAGING_TABLE.equals(target) ? COPY_STAGED : COPY_POSITIONS));
        int records = 0;
        try {
            for (int i = 0, n = batches.size(); i < n; i++) {
                records += PositionRows.write(batches.get(i), recordKeys, copy);
            }
            copy.finish();
        } finally {
            copy.abandon();
        }
        return records;
    }

    private String staging(Connection connection, PGConnection pg) throws SQLException {
        if (!STAGED.contains(pg)) {
            createdStaging = true;
            try (Statement st = connection.createStatement()) {
                // ON COMMIT DELETE ROWS empties it at every commit (a rollback discards the rows anyway), and
                // a temporary table writes no WAL. No indexes: it is only ever read whole.
                st.execute("CREATE TEMPORARY TABLE IF NOT EXISTS " + STAGING_TABLE
                        + " (LIKE positions INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
            }
        }
        return STAGING_TABLE;
    }

    /**
     * Whether a fleet of the batches' devices has a webhook subscribing to positions: one query per transaction,
     * answered from the webhooks' tenant index, in the transaction that writes the rows.
     */
    private static boolean subscribesToPositions(Connection connection, List<PositionBatch> batches)
            throws SQLException {
        Long[] imeis = new Long[batches.size()];
        for (int i = 0; i < imeis.length; i++) {
            imeis[i] = batches.get(i).imei();
        }
        try (PreparedStatement st = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM webhooks w"
                + " WHERE 'position' = ANY (w.kinds) AND w.tenant_id IN (SELECT tenant_id FROM devices"
                + " WHERE imei = ANY (?)))")) {
            st.setArray(1, connection.createArrayOf("bigint", imeis));
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * Moves the staged rows into positions and queues, for each one newly stored and not private (exact or
     * coarsened), an outbox row per webhook of its fleet subscribing to positions and, with Kafka, one for the Kafka
     * sink. The row holds the position's key only. Returns the rows stored and the outbox rows queued.
     */
    private long[] moveStagedAndQueue(Connection connection) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("WITH stored AS (INSERT INTO positions ("
                + PositionRows.COLUMNS + ") SELECT " + PositionRows.COLUMNS + " FROM " + STAGING_TABLE
                + " ON CONFLICT DO NOTHING RETURNING imei, device_time, event_io, record_key, treatment),"
                + " forwarded AS (SELECT s.imei, s.device_time, s.event_io, s.record_key, d.tenant_id FROM stored s"
                + " JOIN devices d ON d.imei = s.imei WHERE s.treatment IN (0, 1)),"
                + " queued AS (INSERT INTO webhook_deliveries (sink, webhook_id, tenant_id, imei, device_time, event_io,"
                + " record_key) SELECT 'webhook', w.id, f.tenant_id, f.imei, f.device_time, f.event_io, f.record_key"
                + " FROM forwarded f JOIN webhooks w ON w.tenant_id = f.tenant_id AND 'position' = ANY (w.kinds)"
                + " UNION ALL SELECT 'kafka', NULL, f.tenant_id, f.imei, f.device_time, f.event_io, f.record_key"
                + " FROM forwarded f"
                + " WHERE ? ORDER BY 4, 5 RETURNING 1)"
                + " SELECT (SELECT count(*) FROM stored), (SELECT count(*) FROM queued)")) {
            st.setBoolean(1, kafka);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    private static long moveStaged(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            return st.executeLargeUpdate("INSERT INTO positions (" + PositionRows.COLUMNS + ") SELECT "
                    + PositionRows.COLUMNS + " FROM " + STAGING_TABLE + " ON CONFLICT DO NOTHING");
        }
    }

    /**
     * Tells listening consoles which devices may have a new latest position, after the records' commit and in a
     * transaction of its own: PostgreSQL serialises the commits of notifying transactions under one lock held
     * through the commit's WAL flush, so a notice inside the write transaction would queue the writers' fsyncs
     * behind each other. The notice's transaction commits asynchronously (it stores nothing worth an fsync), so it
     * holds that lock only briefly. Returns false when it failed: the records are stored all the same (a live map
     * misses this update until the device's next one).
     */
    private static boolean announce(Connection connection, List<PositionBatch> batches) {
        if (batches.isEmpty()) {
            return true;
        }
        // Only devices with a row in positions now: a batch of sealed, zone-hidden or dropped records, or of a
        // device's state alone, must not tell a watching console that (and when) the device is active.
        Set<Long> imeis = new LinkedHashSet<>();
        for (PositionBatch batch : batches) {
            if (batch.storedCount() > 0) {
                imeis.add(batch.imei());
            }
        }
        if (imeis.isEmpty()) {
            return true;
        }
        try {
            // A transaction of its own statement (autocommit), which the statement itself tells not to wait for
            // its WAL flush: one round trip, where BEGIN, SET LOCAL, NOTIFY and COMMIT would be three.
            connection.setAutoCommit(true);
            try (PreparedStatement st = connection.prepareStatement(NOTIFY_UNSYNCED)) {
                for (String payload : PositionNotices.payloads(imeis)) {
                    st.setString(1, payload);
                    st.execute();
                }
            }
            return true;
        } catch (SQLException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "committed records of {0} devices but could not announce them: {1}",
                    imeis.size(), e.toString());
            // Nothing to roll back (autocommit); a broken connection is found out when the pool next validates it.
            return false;
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
