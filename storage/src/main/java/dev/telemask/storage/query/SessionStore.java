package dev.telemask.storage.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

import static dev.telemask.storage.query.ApiTokenStore.device;
import static dev.telemask.storage.query.PositionQuery.instant;

/**
 * Signed-in console sessions, each kept as the SHA-256 of its cookie's random id. A session lives until it has been
 * idle for the given time or reaches its absolute expiry (both on the database's clock), is ended, or its user goes;
 * the user's role and device are read afresh on every call, so a change applies at once.
 */
public final class SessionStore {
    /** Whom a live session stands for. */
    public record SignedIn(long sessionId, long userId, long tenantId, String tenantName, String username,
                           String role, Long device, Instant expiresAt) {
    }

    /** How often a session's last use is written: not on every call, which would write on every read. */
    private static final Duration TOUCH_EVERY = Duration.ofSeconds(30);

    private final DataSource dataSource;
    private final Duration idle;
    private final Duration absolute;

    /** Sessions that end after {@code idle} without use, and {@code absolute} after sign-in in any case. */
    public SessionStore(DataSource dataSource, Duration idle, Duration absolute) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.idle = Objects.requireNonNull(idle, "idle");
        this.absolute = Objects.requireNonNull(absolute, "absolute");
    }

    /** Starts a session of user {@code userId}, forgetting the user's sessions that have ended; returns its expiry. */
    public Instant create(long userId, byte[] hash) throws SQLException {
        return Transaction.run(dataSource, c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM user_sessions WHERE user_id = ?"
                    + " AND (expires_at <= now() OR last_seen_at <= now() - make_interval(secs => ?))")) {
                st.setLong(1, userId);
                st.setDouble(2, idle.toSeconds());
                st.executeUpdate();
            }
            try (PreparedStatement st = c.prepareStatement("INSERT INTO user_sessions (user_id, session_hash,"
                    + " expires_at) VALUES (?, ?, now() + make_interval(secs => ?)) RETURNING expires_at")) {
                st.setLong(1, userId);
                st.setBytes(2, hash);
                st.setDouble(3, absolute.toSeconds());
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return instant(rs, 1);
                }
            }
        });
    }

    /** Whom the live session with this hash stands for (and notes its use), or empty. */
    public Optional<SignedIn> live(byte[] hash) throws SQLException {
        return find(hash, true);
    }

    /**
     * Whom the live session with this hash stands for, without counting it as used: for a stream's periodic check,
     * which must not keep an unattended page's session alive.
     */
    public Optional<SignedIn> check(byte[] hash) throws SQLException {
        return find(hash, false);
    }

    private Optional<SignedIn> find(byte[] hash, boolean use) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            SignedIn signedIn;
            boolean stale;
            try (PreparedStatement st = c.prepareStatement("SELECT s.id, u.id, u.tenant_id, t.name, u.username,"
                    + " u.role, u.imei, s.expires_at, s.last_seen_at < now() - make_interval(secs => ?)"
                    + " FROM user_sessions s JOIN users u ON u.id = s.user_id JOIN tenants t ON t.id = u.tenant_id"
                    + " WHERE s.session_hash = ? AND s.expires_at > now()"
                    + " AND s.last_seen_at > now() - make_interval(secs => ?)")) {
                st.setDouble(1, TOUCH_EVERY.toSeconds());
                st.setBytes(2, hash);
                st.setDouble(3, idle.toSeconds());
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    signedIn = new SignedIn(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), device(rs, 7), instant(rs, 8));
                    stale = rs.getBoolean(9);
                }
            }
            if (use && stale) {
                try (PreparedStatement st = c.prepareStatement("UPDATE user_sessions SET last_seen_at = now()"
                        + " WHERE id = ?")) {
                    st.setLong(1, signedIn.sessionId());
                    st.executeUpdate();
                }
            }
            return Optional.of(signedIn);
        }
    }

    /** Ends the session with this hash; false when there was none. */
    public boolean delete(byte[] hash) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("DELETE FROM user_sessions WHERE session_hash = ?")) {
            st.setBytes(1, hash);
            return st.executeUpdate() > 0;
        }
    }

    /** Ends every session of user {@code userId}. */
    public int deleteAll(long userId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("DELETE FROM user_sessions WHERE user_id = ?")) {
            st.setLong(1, userId);
            return st.executeUpdate();
        }
    }
}
