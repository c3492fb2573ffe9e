package dev.telemask.storage.query;

import dev.telemask.privacy.DeviceState;
import dev.telemask.privacy.Treatment;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Reads one device's stored track, time-bounded and in key order, streaming: rows come from the server
 * {@value #FETCH_SIZE} at a time, a page per statement, so a year of data never sits in memory. Callers check the
 * device's tenant first; this class only knows IMEIs.
 */
public final class PositionQuery {
    /** Rows fetched per round trip; also the most rows of one query held in memory at once. */
    public static final int FETCH_SIZE = 500;

    // Device time ascending, record key descending: the unique index (imei, device_time DESC, record_key) backwards.
    private static final String KEY_ORDER = "device_time ASC, record_key DESC";
    private static final String ORDER = " ORDER BY " + KEY_ORDER;
    private static final String AFTER = " AND (device_time > ? OR (device_time = ? AND record_key < ?))";
    private static final String UP_TO = " AND (device_time < ? OR (device_time = ? AND record_key >= ?))";
    private static final String IN_WINDOW = " FROM positions WHERE imei = ? AND device_time >= ? AND device_time < ?";
    static final String COLUMNS = "SELECT imei, device_time, receive_time, priority, latitude, longitude,"
            + " altitude, angle, satellites, speed, event_io, io, treatment, record_key";

    /** Where a page of a paginated read ends: its last row, and whether more rows follow in the window. */
    public record PageEnd(PositionKey last, boolean more) {
    }

    private final DataSource dataSource;

    public PositionQuery(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Finds where the page of at most {@code limit} rows after {@code after} (null: from the window's start) ends,
     * from the index alone. Streaming the page up to that key, rather than with a LIMIT, keeps pagination exact
     * when a device's late records land inside the page meanwhile: they are read in this page, never skipped.
     */
    public PageEnd pageEnd(long imei, TimeWindow window, PositionKey after, int limit) throws SQLException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        String sql = "SELECT device_time, record_key" + IN_WINDOW + (after == null ? "" : AFTER) + ORDER
                + " OFFSET ? LIMIT 2";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement st = connection.prepareStatement(sql)) {
            int i = bindWindow(st, imei, window);
            if (after != null) {
                i = bindKey(st, i, after);
            }
            st.setInt(i, limit - 1);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return new PageEnd(null, false);
                }
                PositionKey last = new PositionKey(instant(rs, 1), rs.getInt(2));
                return new PageEnd(last, rs.next());
            }
        }
    }

    /**
     * Streams the rows of the window after {@code after} up to and including {@code upTo} (either null: no
     * bound) to {@code sink}, in key order, and returns how many it passed. The rows are read {@value #FETCH_SIZE} at
     * a time, each page by a statement of its own that has ended before its rows go to the sink: a client reading a
     * year's export slowly holds neither a transaction (whose snapshot would keep vacuum from every table's dead rows
     * for hours) nor a connection. Rows stored or erased while the stream runs are in it if their page is read after.
     */
    public long stream(long imei, TimeWindow window, PositionKey after, PositionKey upTo,
                       RowSink<StoredPosition> sink) throws SQLException, IOException {
        // The key's time as a bound of its own: the index scan starts there, not at the window's start every page.
        return PagedQuery.stream(dataSource, COLUMNS + IN_WINDOW + (upTo == null ? "" : UP_TO),
                KEY_ORDER, "device_time >= ?" + AFTER, st -> {
                    int i = bindWindow(st, imei, window);
                    return upTo == null ? i : bindKey(st, i, upTo);
                }, (st, at, last) -> {
                    st.setObject(at, timestamp(last.deviceTime()));
                    bindKey(st, at + 1, last);
                }, StoredPosition::key, after, PositionQuery::row, 0, sink);
    }

    /**
     * Deletes the device's positions in the window, its sealed (undecided) records in it, the commands queued or
     * answered in it, its events and their deliveries in it, and its event detector's state, in one transaction;
     * returns how many positions (not the sealed records, whose number no reader may learn). When the window reaches
     * the device's newest records, its saved privacy state goes too (see {@link #forgetNewest}). On TimescaleDB a
     * DELETE on the hypertable finds the chunks by the time bounds.
     */
    public long erase(long imei, TimeWindow window) throws SQLException {
        return Transaction.run(dataSource, connection -> erase(connection, imei, window, ErasureProgress.NONE));
    }

    /** The tables an erasure deletes or changes rows of (devices: its last-seen time and saved state). */
    private static final List<String> ERASED_TABLES = List.of("sealed_positions", "positions", "device_events",
            "webhook_deliveries", "device_commands", "device_event_state", "devices");

    /**
     * {@link #erase(long, TimeWindow)} inside the caller's transaction on {@code connection}, telling
     * {@code progress} of the rows as each statement deletes them. The rows of the positions, sealed records, events
     * and deliveries go through statements of a bounded number of rows each ({@link WindowDelete}): a year of a
     * device's records is more than one statement deletes within the API's {@code statement_timeout}, and the
     * erasure must complete however large its range; readers still see the range whole until the commit and gone
     * after it.
     */
    public static long erase(Connection connection, long imei, TimeWindow window, ErasureProgress progress)
            throws SQLException {
        // First, taking the device's row: a write of its records has committed before (and the deletes below see
        // its rows) or is refused after as stale, and its session masks again from what is stored, so records that
        // waited sealed in a connected session's memory are not stored once decided after their sealed rows went.
        // The row stays taken until the commit: the writers give a batch of the device up as stale after a second
        // rather than wait (PositionInserter.HELD_ROW_WAIT_MILLIS), and the device sends it again later.
        try (PreparedStatement switches = connection.prepareStatement(
                "UPDATE devices SET switch_version = switch_version + 1 WHERE imei = ?")) {
            switches.setLong(1, imei);
            switches.executeUpdate();
        }
        OffsetDateTime newestAhead = newestAheadOfNow(connection, imei, window);
        // Analyzed again once this commits: the planner's statistics would keep the erased rows' values.
        StaleStatistics.queue(connection, imei, window, ERASED_TABLES);
        // Sealed rows before positions: the expiry, which takes no device row, may hold one of the range's sealed rows
        // with its decided form stored and not committed. Waiting for it here, the positions' deletes see what it
        // committed; a sealed row deleted here first, it skips. The other way round its record would stay stored.
        // Counted are the positions alone: the answer and the audit row are read by the fleet, and the number of
        // records waiting sealed in the newest minutes tells when a trip hidden at home began.
        WindowDelete.run(connection, "sealed_positions", imei, window, progress);
        long erased = WindowDelete.run(connection, "positions", imei, window, progress);
        // Events and their deliveries say where the device went.
        WindowDelete.run(connection, "device_events", imei, window, progress);
        WindowDelete.run(connection, "webhook_deliveries", imei, window, progress);
        // Answers to commands may state where the device was when they came, which a command queued before
        // the range may have done in it.
        try (PreparedStatement commands = connection.prepareStatement("DELETE FROM device_commands WHERE imei = ?"
                     + " AND (created_at >= ? AND created_at < ? OR answered_at >= ? AND answered_at < ?)");
             // The event detector's saved state holds the time of the last record judged and the geofences it was
             // in: forgotten, the next record says only what it shows itself.
             PreparedStatement eventState = connection.prepareStatement(
                     "DELETE FROM device_event_state WHERE imei = ?")) {
            int next = bindWindow(commands, imei, window);
            commands.setObject(next, timestamp(window.from()));
            commands.setObject(next + 1, timestamp(window.to()));
            commands.executeUpdate();
            eventState.setLong(1, imei);
            eventState.executeUpdate();
        }
        rememberErased(connection, imei, window, newestAhead);
        forgetNewest(connection, imei, window);
        return erased;
    }

    /**
     * Keeps the range, up to now, so that records of it that arrive after the erasure are not stored: a device
     * resending frames whose acknowledgement it missed, or sending its backlog late, would otherwise store the erased
     * records again, and after the device's saved state was forgotten, publish them. What the device logs after the
     * erasure is its own. Records the erasure deleted that a device clock running ahead stamped after now are kept out
     * too: the range reaches past the newest of them ({@code newestAhead}, null: none). Sessions of the device take
     * the range up with the switch version bumped above.
     */
    private static void rememberErased(Connection connection, long imei, TimeWindow window,
                                       OffsetDateTime newestAhead) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("INSERT INTO erased_ranges (imei, from_time, to_time)"
                + " SELECT ?, ?, e.end_time FROM (SELECT LEAST(?,"
                + " GREATEST(now(), CAST(? AS timestamptz) + interval '1 millisecond')) AS end_time) e"
                + " WHERE ? < e.end_time")) {
            st.setLong(1, imei);
            st.setObject(2, timestamp(window.from()));
            st.setObject(3, timestamp(window.to()));
            st.setObject(4, newestAhead, Types.TIMESTAMP_WITH_TIMEZONE);
            st.setObject(5, timestamp(window.from()));
            st.executeUpdate();
        }
    }

    /**
     * The device time of the newest of the device's stored or sealed records in the window that lies after now (a
     * device clock running ahead), or null.
     */
    private static OffsetDateTime newestAheadOfNow(Connection connection, long imei, TimeWindow window)
            throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("SELECT GREATEST("
                + "(SELECT max(device_time) FROM positions WHERE imei = ? AND device_time >= GREATEST(?, now())"
                + " AND device_time < ?),"
                + "(SELECT max(device_time) FROM sealed_positions WHERE imei = ? AND device_time >= GREATEST(?, now())"
                + " AND device_time < ?))")) {
            int next = bindWindow(st, imei, window);
            st.setLong(next, imei);
            st.setObject(next + 1, timestamp(window.from()));
            st.setObject(next + 2, timestamp(window.to()));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getObject(1, OffsetDateTime.class);
            }
        }
    }

    /**
     * What the device's row still says of its newest records, once no decided record is left at or after the window's
     * end (the newest ones were erased). The engine's saved state holds the newest decided record's exact place (also
     * when that record was stored private, without it), the fix a zone's trail was measured from and the last
     * published cell: sealed, but open to whoever holds the seal key, which every gateway host does. It is replaced by
     * one that knows nothing of the past, so that the device's next records fail closed (private until a trip is seen
     * to start) instead of continuing an erased trip; stored in clear, it holds no place or time. A session of the
     * device holding the old state in memory (on any instance) does not write it back: the switch version bumped above
     * has its next write refused as stale, and it takes up this state from the database. And {@code last_seen_at},
     * when the gateway last stored a batch of the device, most likely one of the erased records, would still tell the
     * device list, the live map and a dump when the vehicle was driven in the erased range: it goes back to when the
     * newest remaining record arrived (none: never seen), until the device's next batch moves it on.
     */
    private static void forgetNewest(Connection connection, long imei, TimeWindow window) throws SQLException {
        // The last-seen subquery without a row is NULL, where LEAST would pass over a NULL. With nothing at or after
        // the window's end, the newest remaining row lies before its start: looking there only keeps the scan off the
        // window's rows just deleted, which stay in the index until vacuum (millions after a year's erasure).
        try (PreparedStatement reset = connection.prepareStatement("UPDATE devices d SET"
                + " privacy_state = CASE WHEN d.privacy_state IS NULL THEN NULL ELSE ? END,"
                + " privacy_state_updated_at = CASE WHEN d.privacy_state IS NULL THEN d.privacy_state_updated_at"
                + " ELSE date_trunc('day', now()) END,"
                + " last_seen_at = CASE WHEN d.last_seen_at IS NULL THEN NULL ELSE"
                + " (SELECT LEAST(d.last_seen_at, p.receive_time) FROM positions p WHERE p.imei = d.imei"
                + " AND p.device_time < ? ORDER BY p.device_time DESC, p.event_io LIMIT 1) END"
                + " WHERE d.imei = ? AND (d.privacy_state IS NOT NULL OR d.last_seen_at IS NOT NULL) AND NOT EXISTS"
                + " (SELECT 1 FROM positions WHERE imei = ? AND device_time >= ?)")) {
            reset.setBytes(1, DeviceState.unknownPast().save());
            reset.setObject(2, timestamp(window.from()));
            reset.setLong(3, imei);
            reset.setLong(4, imei);
            reset.setObject(5, timestamp(window.to()));
            reset.executeUpdate();
        }
    }

    /**
     * A subquery of the stored row at the key that the SQL expressions {@code imei}, {@code deviceTime},
     * {@code eventIo} and {@code recordKey} name, for a {@code LEFT JOIN LATERAL} whose columns come first; read with
     * {@link #rowOrNull}. A null record key (a key taken before rows had one) names the row by its event ID, which
     * was unique within its millisecond then.
     */
    public static String rowAt(String imei, String deviceTime, String eventIo, String recordKey) {
        return COLUMNS + " FROM positions WHERE imei = " + imei + " AND device_time = " + deviceTime
                + " AND CASE WHEN " + recordKey + " IS NULL THEN event_io = " + eventIo
                + " ELSE record_key = " + recordKey + " END LIMIT 1";
    }

    /** The row {@link #rowAt} joined, from column 1; null when there is none (erased, or past retention). */
    public static StoredPosition rowOrNull(ResultSet rs) throws SQLException {
        return rs.getObject(1) == null ? null : row(rs);
    }

    /** The row of a {@code SELECT} of {@link #COLUMNS}' columns in their order, from column 1. */
    static StoredPosition row(ResultSet rs) throws SQLException {
        Integer latitude = nullableInt(rs, 5);
        Integer longitude = nullableInt(rs, 6);
        GeoPoint point = latitude == null || longitude == null ? null : new GeoPoint(latitude, longitude);
        // The heading is the wire's u16 in a smallint (V46): 65535 is stored as -1.
        Integer angle = nullableInt(rs, 8);
        return new StoredPosition(rs.getLong(1), instant(rs, 2), instant(rs, 3), rs.getInt(4), point,
                nullableInt(rs, 7), angle == null ? null : angle & 0xFFFF, nullableInt(rs, 9), nullableInt(rs, 10),
                rs.getInt(11),
                rs.getBytes(12), Treatment.ofCode(rs.getInt(13)), rs.getInt(14));
    }

    private static int bindWindow(PreparedStatement st, long imei, TimeWindow window) throws SQLException {
        st.setLong(1, imei);
        st.setObject(2, timestamp(window.from()));
        st.setObject(3, timestamp(window.to()));
        return 4;
    }

    private static int bindKey(PreparedStatement st, int i, PositionKey key) throws SQLException {
        st.setObject(i, timestamp(key.deviceTime()));
        st.setObject(i + 1, timestamp(key.deviceTime()));
        st.setInt(i + 2, key.recordKey());
        return i + 3;
    }

    static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static Integer nullableInt(ResultSet rs, int column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }
}
