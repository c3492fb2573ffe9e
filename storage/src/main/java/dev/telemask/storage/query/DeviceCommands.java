package dev.telemask.storage.query;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * Commands to devices (migration V17): queued by the API, claimed and sent by the instance that holds the device's
 * connection, answered by the device. A device has at most one command sent and unanswered at a time (Codec 12
 * answers carry no id, so they are matched in order); one sent longer ago than the answer timeout counts as
 * unanswered and the next may go. Callers of the tenant-scoped methods check access first.
 */
public final class DeviceCommands {
    /** The commands a fleet may send when its admins have not chosen: they tell nothing of where the device is. */
    public static final Set<String> DEFAULT_ALLOWED = Set.of("getinfo", "getver");

    private static final String COLUMNS = "id, imei, text, reveals_location,"
            + " CASE WHEN state = 'queued' AND expires_at <= now() THEN 'expired' ELSE state END,"
            + " created_at, created_by, expires_at, sent_at, answered_at, answer, answer_treatment";

    /** A command claimed for sending. */
    public record Claimed(long id, String text, boolean revealsLocation) {}

    private final DataSource dataSource;

    public DeviceCommands(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Queues a command; the instance holding the device hears of it at commit. */
    public DeviceCommand queue(long tenantId, long imei, String text, boolean revealsLocation, String createdBy,
                               Instant expiresAt) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("INSERT INTO device_commands"
                     + " (tenant_id, imei, text, reveals_location, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?)"
                     + " RETURNING " + COLUMNS)) {
            st.setLong(1, tenantId);
            st.setLong(2, imei);
            st.setString(3, text);
            st.setBoolean(4, revealsLocation);
            st.setString(5, createdBy);
            st.setTimestamp(6, Timestamp.from(expiresAt));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return read(rs);
            }
        }
    }

    public Optional<DeviceCommand> find(long tenantId, long imei, long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT " + COLUMNS + " FROM device_commands"
                     + " WHERE tenant_id = ? AND imei = ? AND id = ?")) {
            st.setLong(1, tenantId);
            st.setLong(2, imei);
            st.setLong(3, id);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /** The device's commands, newest first, at most {@code limit}. */
    public List<DeviceCommand> list(long tenantId, long imei, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT " + COLUMNS + " FROM device_commands"
                     + " WHERE tenant_id = ? AND imei = ? ORDER BY id DESC LIMIT ?")) {
            st.setLong(1, tenantId);
            st.setLong(2, imei);
            st.setInt(3, limit);
            List<DeviceCommand> commands = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    commands.add(read(rs));
                }
            }
            return commands;
        }
    }

    /**
     * Streams all the device's commands, oldest first, one row at a time: an export of years of them needs no more
     * memory than one.
     */
    public long stream(long tenantId, long imei, RowSink<DeviceCommand> sink) throws SQLException, IOException {
        return PagedQuery.stream(dataSource, "SELECT " + COLUMNS + " FROM device_commands"
                + " WHERE tenant_id = ? AND imei = ?", "id", "id > ?", st -> {
                    st.setLong(1, tenantId);
                    st.setLong(2, imei);
                    return 3;
                }, (st, at, last) -> st.setLong(at, last.id()), DeviceCommands::read, 0, sink);
    }

    /**
     * Claims the device's oldest queued, unexpired command for sending, unless one sent within
     * {@code answerTimeout} still waits for its answer; a sent one older than that becomes unanswered. Safe against
     * two instances claiming at once (row locks, SKIP LOCKED).
     */
    public Optional<Claimed> claimNext(long imei, Duration answerTimeout) throws SQLException {
        return Transaction.run(dataSource, c -> {
            try (PreparedStatement stale = c.prepareStatement("UPDATE device_commands SET state = 'unanswered'"
                    + " WHERE imei = ? AND state = 'sent' AND sent_at <= now() - make_interval(secs => ?)")) {
                stale.setLong(1, imei);
                stale.setDouble(2, answerTimeout.toMillis() / 1000.0);
                stale.executeUpdate();
            }
            try (PreparedStatement waiting = c.prepareStatement(
                    "SELECT 1 FROM device_commands WHERE imei = ? AND state = 'sent' LIMIT 1")) {
                waiting.setLong(1, imei);
                try (ResultSet rs = waiting.executeQuery()) {
                    if (rs.next()) {
                        return Optional.<Claimed>empty();
                    }
                }
            }
            try (PreparedStatement claim = c.prepareStatement("UPDATE device_commands SET state = 'sent',"
                    + " sent_at = now() WHERE id = (SELECT id FROM device_commands WHERE imei = ? AND state = 'queued'"
                    + " AND expires_at > now() ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)"
                    + " RETURNING id, text, reveals_location")) {
                claim.setLong(1, imei);
                try (ResultSet rs = claim.executeQuery()) {
                    return rs.next() ? Optional.of(new Claimed(rs.getLong(1), rs.getString(2), rs.getBoolean(3)))
                            : Optional.<Claimed>empty();
                }
            }
        });
    }

    /** What is stored instead of an answer masked under switches that changed before it was stored. */
    public static final String WITHHELD_AFTER_A_CHANGE =
            "withheld: the device's privacy policy, consent or switches changed while it answered";

    /**
     * Stores the answer to sent command {@code id}; false when it is no longer waiting (e.g. it timed out). An answer
     * masked under the device's switches ({@code switchVersion} >= 0, the version they had then) is stored only if
     * the device's {@code switch_version} is still that: a change that returned before this statement began (or a
     * newer connection's claim) may make it private, so it is stored as {@link #WITHHELD_AFTER_A_CHANGE} instead.
     * A negative {@code switchVersion} stores the answer as it is (one that locates nothing).
     */
    public boolean answered(long id, String answer, String treatment, long switchVersion) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("UPDATE device_commands t SET state = 'answered',"
                     + " answered_at = now(),"
                     + " answer = CASE WHEN ? < 0 OR d.switch_version = ? THEN ? ELSE ? END,"
                     + " answer_treatment = CASE WHEN ? < 0 OR d.switch_version = ? THEN ? ELSE 'withheld' END"
                     + " FROM devices d WHERE t.id = ? AND t.state = 'sent' AND d.imei = t.imei")) {
            st.setLong(1, switchVersion);
            st.setLong(2, switchVersion);
            st.setString(3, answer);
            st.setString(4, WITHHELD_AFTER_A_CHANGE);
            st.setLong(5, switchVersion);
            st.setLong(6, switchVersion);
            st.setString(7, treatment);
            st.setLong(8, id);
            return st.executeUpdate() == 1;
        }
    }

    /** Puts a claimed command back in the queue: its connection closed before it went out. */
    public void unclaim(long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("UPDATE device_commands SET state = 'queued', sent_at = NULL"
                     + " WHERE id = ? AND state = 'sent'")) {
            st.setLong(1, id);
            st.executeUpdate();
        }
    }

    /** The commands the fleet may send: its own list, or {@link #DEFAULT_ALLOWED} when it has none. */
    public Set<String> allowed(long tenantId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT command FROM allowed_commands WHERE tenant_id = ?")) {
            st.setLong(1, tenantId);
            Set<String> allowed = new TreeSet<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    allowed.add(rs.getString(1));
                }
            }
            return allowed.isEmpty() ? new TreeSet<>(DEFAULT_ALLOWED) : allowed;
        }
    }

    /** Replaces the fleet's list (an empty list restores the default). */
    public void setAllowed(long tenantId, Set<String> commands) throws SQLException {
        Transaction.run(dataSource, c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM allowed_commands WHERE tenant_id = ?")) {
                delete.setLong(1, tenantId);
                delete.executeUpdate();
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO allowed_commands (tenant_id, command) VALUES (?, ?)")) {
                for (String command : commands) {
                    insert.setLong(1, tenantId);
                    insert.setString(2, command);
                    insert.addBatch();
                }
                return insert.executeBatch();
            }
        });
    }

    private static DeviceCommand read(ResultSet rs) throws SQLException {
        return new DeviceCommand(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getBoolean(4), rs.getString(5),
                PositionQuery.instant(rs, 6), rs.getString(7), PositionQuery.instant(rs, 8),
                PositionQuery.instant(rs, 9), PositionQuery.instant(rs, 10), rs.getString(11), rs.getString(12));
    }
}
