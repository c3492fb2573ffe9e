package dev.telemask.gateway.api;

import dev.telemask.storage.query.Transaction;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The fleet API's bearer tokens: made with 32 random bytes, shown once, stored only as their SHA-256 (a leaked
 * database does not leak access) with a short clear prefix by which a person can name a token.
 */
public final class ApiTokens {
    /** Every token starts with this, so that a leaked one is recognisable (secret scanners). */
    public static final String SCHEME = "tmk_";
    private static final int PREFIX_LENGTH = SCHEME.length() + 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A token just made: the clear text exists only here. */
    public record Created(long id, long tenantId, String token, String prefix, Instant expiresAt) {
    }

    /** A token as listed: never its secret. */
    public record Listed(long id, String name, Role role, Long device, String prefix, Instant createdAt,
                         Instant revokedAt, Instant expiresAt, boolean live) {
    }

    private final DataSource dataSource;

    public ApiTokens(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Makes a token of the fleet named {@code tenantName}, expiring {@code expiresIn} after now (null: never).
     *
     * @throws IllegalArgumentException when there is no such fleet, the role and device do not fit, or the device is
     *                                  not the fleet's
     */
    public Created create(String tenantName, Role role, Long device, String name, Duration expiresIn)
            throws SQLException {
        requireDeviceFits(role, device, "a device");
        return Transaction.run(dataSource, c -> insert(c, tenant(c, tenantName), role, device, name, expiresIn,
                "fleet " + tenantName));
    }

    /**
     * Makes a token in an existing tenant (the API's caller's) that expires {@code expiresIn} after now (the
     * database's clock, which also judges it).
     *
     * @throws IllegalArgumentException when the role and device do not fit, or the device is not the tenant's
     */
    public Created create(long tenantId, Role role, Long device, String name, Duration expiresIn) throws SQLException {
        requireDeviceFits(role, device, "a device");
        return Transaction.run(dataSource, c -> insert(c, tenantId, role, device, name, expiresIn, "this fleet"));
    }

    private static void requireDeviceFits(Role role, Long device, String deviceOption) {
        if ((role == Role.DRIVER) != (device != null)) {
            throw new IllegalArgumentException(role == Role.DRIVER
                    ? "a driver token needs " + deviceOption : "only a driver token is bound to a device");
        }
    }

    private static Created insert(Connection c, long tenantId, Role role, Long device, String name,
                                  Duration expiresIn, String tenantName) throws SQLException {
        if (device != null && !tenantHasDevice(c, tenantId, device)) {
            throw new IllegalArgumentException(tenantName + " has no device " + device);
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = SCHEME + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String prefix = token.substring(0, PREFIX_LENGTH);
        try (PreparedStatement st = c.prepareStatement("INSERT INTO api_tokens"
                + " (tenant_id, name, role, token_hash, imei, token_prefix, expires_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, now() + make_interval(secs => ?)) RETURNING id, expires_at")) {
            st.setLong(1, tenantId);
            st.setString(2, name == null ? role.dbName() : name);
            st.setString(3, role.dbName());
            st.setBytes(4, hash(token));
            if (device == null) {
                st.setNull(5, java.sql.Types.BIGINT);
            } else {
                st.setLong(5, device);
            }
            st.setString(6, prefix);
            if (expiresIn == null) {
                st.setNull(7, java.sql.Types.DOUBLE);
            } else {
                st.setDouble(7, expiresIn.toMillis() / 1000.0);
            }
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return new Created(rs.getLong(1), tenantId, token, prefix, instant(rs, 2));
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

    /** Revokes the token with this id (digits) or clear prefix ({@code tmk_...}); false when none is live. */
    public boolean revoke(String idOrPrefix) throws SQLException {
        boolean byId = idOrPrefix.chars().allMatch(Character::isDigit) && !idOrPrefix.isEmpty();
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("UPDATE api_tokens SET revoked_at = now() WHERE "
                     + (byId ? "id = ?" : "token_prefix = ?") + " AND revoked_at IS NULL")) {
            if (byId) {
                st.setLong(1, Long.parseLong(idOrPrefix));
            } else {
                st.setString(1, idOrPrefix.length() > PREFIX_LENGTH
                        ? idOrPrefix.substring(0, PREFIX_LENGTH) : idOrPrefix);
            }
            return st.executeUpdate() > 0;
        }
    }

    /** The tenant's tokens, revoked ones included; empty when there is no such tenant. */
    public List<Listed> list(String tenantName) throws SQLException {
        return list("n.name = ?", st -> st.setString(1, tenantName));
    }

    /** The tenant's tokens, revoked and expired ones included. */
    public List<Listed> list(long tenantId) throws SQLException {
        return list("t.tenant_id = ?", st -> st.setLong(1, tenantId));
    }

    private interface Binding {
        void bind(PreparedStatement st) throws SQLException;
    }

    private List<Listed> list(String where, Binding binding) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT t.id, t.name, t.role, t.imei, t.token_prefix,"
                     + " t.created_at, t.revoked_at, t.expires_at,"
                     + " t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())"
                     + " FROM api_tokens t JOIN tenants n ON n.id = t.tenant_id"
                     + " WHERE " + where + " ORDER BY t.id")) {
            binding.bind(st);
            List<Listed> tokens = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long imei = rs.getLong(4);
                    Long device = rs.wasNull() ? null : imei;
                    tokens.add(new Listed(rs.getLong(1), rs.getString(2), Role.parse(rs.getString(3)), device,
                            rs.getString(5), instant(rs, 6), instant(rs, 7), instant(rs, 8), rs.getBoolean(9)));
                }
            }
            return tokens;
        }
    }

    /** The caller a live (not revoked, not expired) token stands for, or empty. */
    public Optional<Caller> authenticate(String token) throws SQLException {
        if (token == null || !token.startsWith(SCHEME)) {
            return Optional.empty();
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT id, name, tenant_id, role, imei FROM api_tokens"
                     + " WHERE token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())")) {
            st.setBytes(1, hash(token));
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long imei = rs.getLong(5);
                Long device = rs.wasNull() ? null : imei;
                return Optional.of(new Caller(rs.getLong(1), rs.getString(2), rs.getLong(3),
                        Role.parse(rs.getString(4)), device));
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

    private static boolean tenantHasDevice(Connection c, long tenantId, long imei) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT 1 FROM devices WHERE imei = ? AND tenant_id = ?")) {
            st.setLong(1, imei);
            st.setLong(2, tenantId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
