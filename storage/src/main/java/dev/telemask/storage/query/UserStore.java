package dev.telemask.storage.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntFunction;
import javax.sql.DataSource;

import static dev.telemask.storage.query.ApiTokenStore.device;
import static dev.telemask.storage.query.ApiTokenStore.setDevice;
import static dev.telemask.storage.query.PositionQuery.instant;

/**
 * The fleets' console users: username (lower case, unique in the fleet), role, a driver's device, the password's
 * hash (a PHC string made by the gateway), and the count of failed sign-ins that locks an account out. Lock-outs are
 * judged on the database's clock, so every gateway instance sees the same.
 */
public final class UserStore {
    /** A user as listed: never the password's hash. */
    public record StoredUser(long id, String username, String role, Long device, int failedAttempts,
                             Instant lockedUntil, Instant createdAt, Instant updatedAt) {
    }

    /** What a sign-in checks; {@code lockedForSeconds} is 0 when the account is not locked now. */
    public record Credentials(long id, long tenantId, String username, String role, Long device, String passwordHash,
                              long lockedForSeconds) {
    }

    /** A failed sign-in counted: the failures in a row, and how long the account is now locked (null: not). */
    public record Failure(int failedAttempts, Duration lockedFor) {
    }

    private static final String COLUMNS = "id, username, role, imei, failed_attempts, locked_until, created_at,"
            + " updated_at";

    private final DataSource dataSource;

    public UserStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Stores a new user; empty when the fleet has one of that username already.
     *
     * @throws IllegalArgumentException when the device is not the tenant's
     */
    public Optional<Long> insert(long tenantId, String username, String role, Long device, String passwordHash)
            throws SQLException {
        return Transaction.run(dataSource, c -> {
            requireDevice(c, tenantId, device);
            try (PreparedStatement st = c.prepareStatement("INSERT INTO users (tenant_id, username, role, imei,"
                    + " password_hash) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, username) DO NOTHING"
                    + " RETURNING id")) {
                st.setLong(1, tenantId);
                st.setString(2, username);
                st.setString(3, role);
                setDevice(st, 4, device);
                st.setString(5, passwordHash);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
                }
            }
        });
    }

    /** A page of a tenant's users, and whether more follow. */
    public record Page(List<StoredUser> users, boolean more) {
    }

    /**
     * At most {@code limit} of the tenant's users whose username sorts after {@code afterUsername} (from the first when
     * null), by username: a fleet with a user for every driver lists them in bounded pages.
     */
    public Page page(long tenantId, String afterUsername, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE tenant_id = ?"
                     + " AND (?::text IS NULL OR username > ?) ORDER BY username LIMIT ?")) {
            st.setLong(1, tenantId);
            st.setString(2, afterUsername);
            st.setString(3, afterUsername);
            st.setInt(4, limit + 1);
            List<StoredUser> users = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    users.add(user(rs));
                }
            }
            boolean more = users.size() > limit;
            return new Page(more ? users.subList(0, limit) : users, more);
        }
    }

    /** The tenant's user {@code id}, or empty. */
    public Optional<StoredUser> find(long tenantId, long id) throws SQLException {
        return select(COLUMNS, tenantId, id, UserStore::user);
    }

    /** What a sign-in to the fleet named {@code tenantName} as {@code username} checks, or empty. */
    public Optional<Credentials> credentials(String tenantName, String username) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT u.id, u.tenant_id, u.username, u.role, u.imei,"
                     + " u.password_hash, CASE WHEN u.locked_until > now()"
                     + " THEN ceil(extract(epoch FROM u.locked_until - now()))::bigint ELSE 0 END"
                     + " FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE t.name = ? AND u.username = ?")) {
            st.setString(1, tenantName);
            st.setString(2, username);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(new Credentials(rs.getLong(1), rs.getLong(2), rs.getString(3),
                        rs.getString(4), device(rs, 5), rs.getString(6), rs.getLong(7))) : Optional.empty();
            }
        }
    }

    /** The password hash of the tenant's user {@code id}, or empty. */
    public Optional<String> passwordHash(long tenantId, long id) throws SQLException {
        return select("password_hash", tenantId, id, rs -> rs.getString(1));
    }

    /**
     * Counts a failed sign-in of user {@code id}; when {@code lockFor} gives a duration for the new count, the
     * account is locked that long.
     */
    public Failure recordFailure(long id, IntFunction<Duration> lockFor) throws SQLException {
        return Transaction.run(dataSource, c -> {
            int failures;
            try (PreparedStatement st = c.prepareStatement("UPDATE users SET failed_attempts = failed_attempts + 1"
                    + " WHERE id = ? RETURNING failed_attempts")) {
                st.setLong(1, id);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return new Failure(0, null);
                    }
                    failures = rs.getInt(1);
                }
            }
            Duration lock = lockFor.apply(failures);
            if (lock != null) {
                try (PreparedStatement st = c.prepareStatement("UPDATE users SET locked_until = now()"
                        + " + make_interval(secs => ?) WHERE id = ?")) {
                    st.setDouble(1, lock.toSeconds());
                    st.setLong(2, id);
                    st.executeUpdate();
                }
            }
            return new Failure(failures, lock);
        });
    }

    /** A successful sign-in: the count of failures starts again. */
    public void recordSuccess(long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("UPDATE users SET failed_attempts = 0, locked_until = NULL"
                     + " WHERE id = ? AND (failed_attempts <> 0 OR locked_until IS NOT NULL)")) {
            st.setLong(1, id);
            st.executeUpdate();
        }
    }

    /**
     * Changes the role (and a driver's device) of the tenant's user {@code id}; false when there is no such user.
     *
     * @throws IllegalArgumentException when the device is not the tenant's
     */
    public boolean changeRole(long tenantId, long id, String role, Long device) throws SQLException {
        return Transaction.run(dataSource, c -> {
            requireDevice(c, tenantId, device);
            try (PreparedStatement st = c.prepareStatement("UPDATE users SET role = ?, imei = ?, updated_at = now()"
                    + " WHERE tenant_id = ? AND id = ?")) {
                st.setString(1, role);
                setDevice(st, 2, device);
                st.setLong(3, tenantId);
                st.setLong(4, id);
                return st.executeUpdate() > 0;
            }
        });
    }

    /**
     * A user's change of their own password: sets the password hash of the tenant's user {@code id}, unlocks the
     * account and ends its sessions except the one whose hash is {@code keepSession}; the credential epoch stays, so
     * the user keeps the driver zones they placed. False when there is no such user.
     */
    public boolean changePassword(long tenantId, long id, String passwordHash, byte[] keepSession)
            throws SQLException {
        return setPassword(tenantId, id, passwordHash, Objects.requireNonNull(keepSession, "keepSession"));
    }

    /**
     * Someone else's reset of the password of the tenant's user {@code id} (an admin's): sets the hash, unlocks the
     * account, ends all its sessions and starts a new credential epoch, so whoever signs in with the new password
     * owns none of the driver zones placed before. False when there is no such user.
     */
    public boolean resetPassword(long tenantId, long id, String passwordHash) throws SQLException {
        return setPassword(tenantId, id, passwordHash, null);
    }

    /**
     * The credential epoch of the tenant's user {@code id}, or empty: it changes when someone else resets the
     * password ({@link #resetPassword}).
     */
    public Optional<Long> credentialEpoch(long tenantId, long id) throws SQLException {
        return select("credential_epoch", tenantId, id, rs -> rs.getLong(1));
    }

    /** Reads what a result row holds. */
    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** The {@code columns} of the tenant's user {@code id}, read by {@code row}; empty when there is none. */
    private <T> Optional<T> select(String columns, long tenantId, long id, Row<T> row) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT " + columns + " FROM users WHERE tenant_id = ?"
                     + " AND id = ?")) {
            st.setLong(1, tenantId);
            st.setLong(2, id);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(row.read(rs)) : Optional.empty();
            }
        }
    }

    /** A reset ({@code keepSession} null: every session ends, a new epoch starts) or the user's own change. */
    private boolean setPassword(long tenantId, long id, String passwordHash, byte[] keepSession) throws SQLException {
        return Transaction.run(dataSource, c -> {
            try (PreparedStatement st = c.prepareStatement("UPDATE users SET password_hash = ?, failed_attempts = 0,"
                    + " locked_until = NULL, updated_at = now()"
                    + (keepSession == null ? ", credential_epoch = credential_epoch + 1" : "")
                    + " WHERE tenant_id = ? AND id = ?")) {
                st.setString(1, passwordHash);
                st.setLong(2, tenantId);
                st.setLong(3, id);
                if (st.executeUpdate() == 0) {
                    return false;
                }
            }
            try (PreparedStatement st = c.prepareStatement("DELETE FROM user_sessions WHERE user_id = ?"
                    + (keepSession == null ? "" : " AND session_hash <> ?"))) {
                st.setLong(1, id);
                if (keepSession != null) {
                    st.setBytes(2, keepSession);
                }
                st.executeUpdate();
            }
            return true;
        });
    }

    /** Lifts a lock-out of the tenant's user {@code id}; false when there is no such user. */
    public boolean unlock(long tenantId, long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("UPDATE users SET failed_attempts = 0, locked_until = NULL,"
                     + " updated_at = now() WHERE tenant_id = ? AND id = ?")) {
            st.setLong(1, tenantId);
            st.setLong(2, id);
            return st.executeUpdate() > 0;
        }
    }

    /** Deletes the tenant's user {@code id} and its sessions; false when there is no such user. */
    public boolean delete(long tenantId, long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("DELETE FROM users WHERE tenant_id = ? AND id = ?")) {
            st.setLong(1, tenantId);
            st.setLong(2, id);
            return st.executeUpdate() > 0;
        }
    }

    private static void requireDevice(Connection c, long tenantId, Long device) throws SQLException {
        if (device != null && !Tenants.hasDevice(c, tenantId, device)) {
            throw new IllegalArgumentException("this fleet has no device " + device);
        }
    }

    private static StoredUser user(ResultSet rs) throws SQLException {
        return new StoredUser(rs.getLong(1), rs.getString(2), rs.getString(3), device(rs, 4), rs.getInt(5),
                instant(rs, 6), instant(rs, 7), instant(rs, 8));
    }
}
