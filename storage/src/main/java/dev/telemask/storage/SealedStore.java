package dev.telemask.storage;

import dev.telemask.codec.AvlBatch;
import dev.telemask.privacy.Treatment;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import javax.sql.DataSource;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads and expires the rows of {@code sealed_positions}: {@link #load} opens one device's undecided records (for a
 * device that reconnects, perhaps to another instance), and {@link #expireDue} turns the rows undecided past their
 * expiry into private positions. The writer ({@link PositionWriter}) inserts sealed rows and deletes resolved ones.
 *
 * <p>A row that does not open (its key was removed from the ring, or it was altered) fails closed: it is skipped by
 * {@link #load}, destroyed by {@link #expireDue}, and counted in {@code telemask.storage.sealed.unreadable}.
 */
public final class SealedStore {
    private static final Logger LOG = System.getLogger(SealedStore.class.getName());

    static final String WRITTEN_METER = "telemask.storage.sealed.written";
    static final String DELETED_METER = "telemask.storage.sealed.deleted";
    static final String PENDING_METER = "telemask.storage.sealed.pending";
    static final String UNREADABLE_METER = "telemask.storage.sealed.unreadable";

    private final DataSource dataSource;
    private final RecordSealer sealer;
    private final PositionInserter inserter;
    private final Counter expired;
    private final Counter unreadable;
    private final AtomicLong pending = new AtomicLong();

    /**
     * Whether the policy of the device of a due row ({@code due.imei}) drops private records, read from its newest
     * version's document as {@code PolicyJson} writes it; a device without a policy keeps them (mask, the default).
     */
    private static final String DROPS_PRIVATE = "EXISTS (SELECT 1 FROM devices d, LATERAL (SELECT document"
            + " FROM policy_versions v WHERE v.policy_id = d.policy_id ORDER BY version DESC LIMIT 1) pv"
            + " WHERE d.imei = due.imei AND lower(pv.document -> 'privateTrips' ->> 'privateRecords') = 'drop')";

    /** One sealed row's key, to delete it after expiry. */
    private record RowKey(long imei, long deviceTimeMillis, int eventIo) {
    }

    /** The sealer this store opens rows with; it also opens the devices' saved privacy states. */
    public RecordSealer sealer() {
        return sealer;
    }

    public SealedStore(DataSource dataSource, RecordSealer sealer, MeterRegistry registry) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.sealer = Objects.requireNonNull(sealer, "sealer");
        this.inserter = new PositionInserter(dataSource, true, sealer);
        expired = Counter.builder(DELETED_METER).tag("reason", "expired")
                .description("Sealed rows deleted: decided (resolved with the records), or expired as private")
                .register(registry);
        unreadable = Counter.builder(UNREADABLE_METER)
                .description("Sealed rows that did not open (key removed from the ring, or altered): never stored")
                .register(registry);
        Gauge.builder(PENDING_METER, pending, AtomicLong::get)
                .description("Sealed rows awaiting a decision, as of the last expiry run").register(registry);
    }

    /**
     * Opens all sealed rows of device {@code imei} into {@code into} (cleared first), in device-time order, and
     * returns how many. Rows that do not open are left out (and destroyed when they expire).
     */
    public int load(long imei, SealedRecords into) throws SQLException {
        into.clear();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement st = connection.prepareStatement("SELECT device_time, event_io, received_at,"
                     + " expires_at, key_id, sealed FROM sealed_positions WHERE imei = ?"
                     + " ORDER BY device_time, event_io")) {
            st.setLong(1, imei);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long deviceTime = millis(rs, 1);
                    int eventIo = rs.getInt(2);
                    try {
                        int flags = sealer.open(imei, deviceTime, eventIo, rs.getString(5), rs.getBytes(6),
                                into.target());
                        into.add(flags, millis(rs, 3), millis(rs, 4));
                    } catch (SealedRecordException e) {
                        unreadable(e);
                    }
                }
            }
        }
        return into.size();
    }

    /**
     * Makes at most {@code limit} sealed rows whose expiry is before {@code now} private, in one transaction: opens
     * them, hands each device's to {@code masker}, inserts what it masked into {@code positions} (a row already
     * there wins) and deletes the sealed rows. Rows another instance is expiring are skipped, not waited for.
     * Returns the number of sealed rows deleted; also refreshes the pending-rows gauge.
     */
    public int expireDue(Instant now, int limit, ExpiredRecords masker) throws SQLException {
        int deleted;
        inserter.loadRecordKeys();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                deleted = expire(connection, now, limit, masker);
                connection.commit();
                inserter.committed(connection);
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException r) {
                    e.addSuppressed(r);
                }
                throw e;
            }
        }
        expired.increment(deleted);
        refreshPending();
        return deleted;
    }

    /** Counts the sealed rows for the pending gauge; {@link #expireDue} calls it after every run. */
    public long refreshPending() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM sealed_positions")) {
            rs.next();
            pending.set(rs.getLong(1));
            return pending.get();
        }
    }

    private int expire(Connection connection, Instant now, int limit, ExpiredRecords masker) throws SQLException {
        List<RowKey> keys = new ArrayList<>();
        List<PositionBatch> batches = new ArrayList<>();
        // The earliest due first, through the expiry index: ordered by the key with a LIMIT, the planner walked the
        // whole primary key filtering on the expiry (seconds on a large table when few rows are due). Each device's
        // rows then in device-time order, as the masker takes them, with whether its policy drops private records.
        try (PreparedStatement st = connection.prepareStatement("WITH due AS (SELECT imei, device_time, event_io,"
                + " received_at, key_id, sealed FROM sealed_positions WHERE expires_at < ?"
                + " ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED)"
                + " SELECT due.*, " + DROPS_PRIVATE + " FROM due ORDER BY imei, device_time, event_io")) {
            st.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            st.setInt(2, limit);
            try (ResultSet rs = st.executeQuery()) {
                long device = 0;
                boolean drops = true;
                AvlBatch records = new AvlBatch();
                List<Long> receivedAt = new ArrayList<>();
                while (rs.next()) {
                    long imei = rs.getLong(1);
                    if (imei != device && records.size() > 0) {
                        mask(device, drops, records, receivedAt, masker, batches);
                        records = new AvlBatch();
                        receivedAt = new ArrayList<>();
                    }
                    device = imei;
                    drops = rs.getBoolean(7);
                    RowKey key = new RowKey(imei, millis(rs, 2), rs.getInt(3));
                    keys.add(key);
                    try {
                        sealer.open(imei, key.deviceTimeMillis(), key.eventIo(), rs.getString(5), rs.getBytes(6),
                                records);
                        receivedAt.add(millis(rs, 4));
                    } catch (SealedRecordException e) {
                        unreadable(e); // destroyed with the others below: fail closed
                    }
                }
                if (records.size() > 0) {
                    mask(device, drops, records, receivedAt, masker, batches);
                }
            }
        }
        if (keys.isEmpty()) {
            return 0;
        }
        if (!batches.isEmpty()) {
            inserter.write(connection, batches);
        }
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM sealed_positions WHERE imei = ? AND device_time = ? AND event_io = ?")) {
            for (RowKey key : keys) {
                delete.setLong(1, key.imei());
                delete.setObject(2, OffsetDateTime.ofInstant(Instant.ofEpochMilli(key.deviceTimeMillis()),
                        ZoneOffset.UTC));
                delete.setInt(3, key.eventIo());
                delete.addBatch();
            }
            int deleted = 0;
            for (int n : delete.executeBatch()) {
                deleted += Math.max(n, 0);
            }
            return deleted;
        }
    }

    /**
     * Masks one device's expired records and adds them to {@code batches}, one batch per receive time (so each
     * position keeps the time its frame arrived). Under a policy that drops private records ({@code dropsPrivate})
     * none is stored: the times of a device's private records are what that policy keeps from the database.
     */
    private static void mask(long imei, boolean dropsPrivate, AvlBatch records, List<Long> receivedAt,
                             ExpiredRecords masker, List<PositionBatch> batches) {
        byte[] treatments = new byte[records.size()];
        java.util.Arrays.fill(treatments, Treatment.SEALED.code());
        masker.mask(imei, records, treatments);
        if (dropsPrivate) {
            java.util.Arrays.fill(treatments, Treatment.DROPPED.code());
        }
        int from = 0;
        while (from < records.size()) {
            long received = receivedAt.get(from);
            AvlBatch group = new AvlBatch();
            byte[] groupTreatments = new byte[records.size()];
            int n = 0;
            for (int r = from; r < records.size(); r++) {
                if (receivedAt.get(r) != received) {
                    continue;
                }
                group.appendRecord(records, r);
                // Still undecided after the masker: destroyed, never stored in clear.
                groupTreatments[n++] = treatments[r] == Treatment.SEALED.code() ? Treatment.DROPPED.code()
                        : treatments[r];
                receivedAt.set(r, Long.MIN_VALUE); // taken
            }
            batches.add(new PositionBatch(imei, received, group, groupTreatments));
            while (from < records.size() && receivedAt.get(from) == Long.MIN_VALUE) {
                from++;
            }
        }
    }

    private void unreadable(SealedRecordException e) {
        unreadable.increment();
        // Not a stack trace: an operator removed a key too early, or someone altered the table.
        LOG.log(Level.WARNING, "{0}; it will not be stored", e.getMessage());
    }

    private static long millis(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant().toEpochMilli();
    }
}
