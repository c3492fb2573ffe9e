package dev.telemask.storage.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

import static dev.telemask.storage.query.PositionQuery.instant;

/**
 * The fleet API's tokens as stored: the SHA-256 of each secret (never the secret), its clear prefix, role, driver's
 * device and expiry. Expiry is judged on the database's clock.
 */
public final class ApiTokenStore {
    /** A token just stored. */
    public record Inserted(long id, long tenantId, Instant expiresAt) {
    }

    /** A token as listed: never its hash. */
    public record StoredToken(long id, String name, String role, Long device, String prefix, Instant createdAt,
                              Instant revokedAt, Instant expiresAt, boolean live) {
    }

    /** Whom a live token stands for. */
    public record Holder(long id, String name, long tenantId, String role, Long device) {
    }

    private final DataSource dataSource;

    public ApiTokenStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Stores a token of the fleet named {@code tenantName}.
     *
     * @throws IllegalArgumentException when there is no such fleet or the device is not the fleet's
     */
    public Inserted insert(String tenantName, String role, Long device, String name, byte[] hash, String prefix,
                           Duration expiresIn) throws SQLException {
        return Transaction.run(dataSource, c -> insert(c, tenant(c, tenantName), role, device, name, hash, prefix,
                expiresIn, "fleet " + tenantName));
    }

    /** Who makes a token through the API: a signed-in user ({@code user} true) or a token, by id. */
    public record Maker(boolean user, long id) {
    }

    /**
     * Stores a token of the tenant {@code tenantId} made by {@code maker}, expiring {@code expiresIn} after now (null:
     * never) and, when made with a token, when that token expires at the latest. Empty when the maker no longer holds
     * an admin's rights in the tenant: a user no longer its admin, a token revoked or expired. The maker's row is
     * locked until the token is stored, so that a demotion or revocation at the same moment revokes the new token too.
     *
     * @throws IllegalArgumentException when the device is not the tenant's
     */
    public Optional<Inserted> insert(long tenantId, Maker maker, String role, Long device, String name, byte[] hash,
                                     String prefix, Duration expiresIn) throws SQLException {
        return Transaction.run(dataSource, c -> {
            Optional<MakerRights> rights = maker.user() ? adminUser(c, tenantId, maker.id())
                    : adminToken(c, tenantId, maker.id());
            if (rights.isEmpty()) {
                return Optional.<Inserted>empty();
            }
            Inserted inserted = insert(c, tenantId, role, device, name, hash, prefix, expiresIn, "this fleet");
            try (PreparedStatement st = c.prepareStatement("UPDATE api_tokens SET minted_by_user = ?,"
                    + " minted_by_token = ?, expires_at = least(expires_at, ?::timestamptz) WHERE id = ?"
                    + " RETURNING expires_at")) {
                st.setObject(1, rights.get().rootUser(), Types.BIGINT);
                st.setObject(2, maker.user() ? null : maker.id(), Types.BIGINT);
                Instant makersExpiry = rights.get().expiresAt();
                st.setObject(3, makersExpiry == null ? null : makersExpiry.atOffset(java.time.ZoneOffset.UTC),
                        Types.TIMESTAMP_WITH_TIMEZONE);
                st.setLong(4, inserted.id());
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return Optional.of(new Inserted(inserted.id(), tenantId, instant(rs, 1)));
                }
            }
        });
    }

    /** What a token's maker passes on: the user at the root of its chain (if any), and when it expires (if ever). */
    private record MakerRights(Long rootUser, Instant expiresAt) {
    }

    private static Optional<MakerRights> adminUser(Connection c, long tenantId, long id) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT id FROM users WHERE id = ? AND tenant_id = ?"
                + " AND role = 'admin' FOR SHARE")) {
            st.setLong(1, id);
            st.setLong(2, tenantId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(new MakerRights(id, null)) : Optional.empty();
            }
        }
    }

    private static Optional<MakerRights> adminToken(Connection c, long tenantId, long id) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT minted_by_user, expires_at FROM api_tokens"
                + " WHERE id = ? AND tenant_id = ? AND role = 'admin' AND revoked_at IS NULL"
                + " AND (expires_at IS NULL OR expires_at > now()) FOR SHARE")) {
            st.setLong(1, id);
            st.setLong(2, tenantId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(new MakerRights(rs.getObject(1, Long.class), instant(rs, 2)))
                        : Optional.empty();
            }
        }
    }

    private static Inserted insert(Connection c, long tenantId, String role, Long device, String name, byte[] hash,
                                   String prefix, Duration expiresIn, String tenantName) throws SQLException {
        if (device != null && !Tenants.hasDevice(c, tenantId, device)) {
            throw new IllegalArgumentException(tenantName + " has no device " + device);
        }
        try (PreparedStatement st = c.prepareStatement("INSERT INTO api_tokens"
                + " (tenant_id, name, role, token_hash, imei, token_prefix, expires_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, now() + make_interval(secs => ?)) RETURNING id, expires_at")) {
            st.setLong(1, tenantId);
            st.setString(2, name);
            st.setString(3, role);
            st.setBytes(4, hash);
            setDevice(st, 5, device);
            st.setString(6, prefix);
            if (expiresIn == null) {
                st.setNull(7, Types.DOUBLE);
            } else {
                st.setDouble(7, expiresIn.toMillis() / 1000.0);
            }
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return new Inserted(rs.getLong(1), tenantId, instant(rs, 2));
            }
        }
    }

    /** Revokes the tenant's live token {@code id}; false when the tenant has no such live token. */
    public boolean revoke(long tenantId, long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("UPDATE api_tokens SET revoked_at = now()"
                     + " WHERE id = ? AND tenant_id = ? AND revoked_at IS NULL")) {
            st.setLong(1, id);
            st.setLong(2, tenantId);
            return st.executeUpdate() > 0;
        }
    }

    /** Revokes the live token with this id; false when none is live. */
    public boolean revokeById(long id) throws SQLException {
        return revokeWhere("id = ?", st -> st.setLong(1, id));
    }

    /** Revokes the live token with this clear prefix; false when none is live. */
    public boolean revokeByPrefix(String prefix) throws SQLException {
        return revokeWhere("token_prefix = ?", st -> st.setString(1, prefix));
    }

    private boolean revokeWhere(String where, Binding binding) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("UPDATE api_tokens SET revoked_at = now() WHERE " + where
                     + " AND revoked_at IS NULL")) {
            binding.bind(st);
            return st.executeUpdate() > 0;
        }
    }

    /** The tenant's tokens, revoked ones included; empty when there is no such tenant. */
    public List<StoredToken> list(String tenantName) throws SQLException {
        return list("n.name = ?", st -> st.setString(1, tenantName), Integer.MAX_VALUE);
    }

    /** A page of a tenant's tokens, and whether more follow. */
    public record Page(List<StoredToken> tokens, boolean more) {
    }

    /**
     * At most {@code limit} of the tenant's tokens (revoked and expired ones included) with an id above
     * {@code afterId}, in id order: a fleet that gave every driver a token lists them in bounded pages.
     */
    public Page page(long tenantId, long afterId, int limit) throws SQLException {
        List<StoredToken> tokens = list("t.tenant_id = ? AND t.id > ?", st -> {
            st.setLong(1, tenantId);
            st.setLong(2, afterId);
        }, limit + 1);
        boolean more = tokens.size() > limit;
        return new Page(more ? tokens.subList(0, limit) : tokens, more);
    }

    private interface Binding {
        void bind(PreparedStatement st) throws SQLException;
    }

    private List<StoredToken> list(String where, Binding binding, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT t.id, t.name, t.role, t.imei, t.token_prefix,"
                     + " t.created_at, t.revoked_at, t.expires_at,"
                     + " t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())"
                     + " FROM api_tokens t JOIN tenants n ON n.id = t.tenant_id"
                     + " WHERE " + where + " ORDER BY t.id LIMIT " + limit)) {
            binding.bind(st);
            List<StoredToken> tokens = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    tokens.add(new StoredToken(rs.getLong(1), rs.getString(2), rs.getString(3), device(rs, 4),
                            rs.getString(5), instant(rs, 6), instant(rs, 7), instant(rs, 8), rs.getBoolean(9)));
                }
            }
            return tokens;
        }
    }

    /** Whom the live (not revoked, not expired) token with this hash stands for, or empty. */
    public Optional<Holder> live(byte[] hash) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT id, name, tenant_id, role, imei FROM api_tokens"
                     + " WHERE token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())")) {
            st.setBytes(1, hash);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Holder(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                        device(rs, 5)));
            }
        }
    }

    private static long tenant(Connection c, String name) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT id FROM tenants WHERE name = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("no fleet '" + name + "'");
                }
                return rs.getLong(1);
            }
        }
    }

    static void setDevice(PreparedStatement st, int index, Long device) throws SQLException {
        if (device == null) {
            st.setNull(index, Types.BIGINT);
        } else {
            st.setLong(index, device);
        }
    }

    static Long device(ResultSet rs, int column) throws SQLException {
        long imei = rs.getLong(column);
        return rs.wasNull() ? null : imei;
    }
}
