package dev.telemask.gateway.api;

import dev.telemask.storage.query.ApiTokenStore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
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

    private final ApiTokenStore store;

    public ApiTokens(DataSource dataSource) {
        this.store = new ApiTokenStore(dataSource);
    }

    /**
     * Makes a token of the fleet named {@code tenantName}, expiring {@code expiresIn} after now (null: never).
     *
     * @throws IllegalArgumentException when there is no such fleet, the role and device do not fit, or the device is
     *                                  not the fleet's
     */
    public Created create(String tenantName, Role role, Long device, String name, Duration expiresIn)
            throws SQLException {
        return make(role, device, (hash, prefix) -> Optional.of(store.insert(tenantName, role.dbName(), device,
                nameOr(name, role), hash, prefix, expiresIn))).orElseThrow();
    }

    /**
     * Makes a token in the tenant of {@code maker} (the API's caller, an admin) that expires {@code expiresIn} after
     * now (the database's clock, which also judges it), and with the maker's token at the latest. The token follows
     * its maker: it is revoked when the signed-in admin who made it stops being an admin, or when the token it was made
     * with is revoked. Empty when the maker's rights ended before the token was stored.
     *
     * @throws IllegalArgumentException when the role and device do not fit, or the device is not the tenant's
     */
    public Optional<Created> create(Caller maker, Role role, Long device, String name, Duration expiresIn)
            throws SQLException {
        ApiTokenStore.Maker madeBy = new ApiTokenStore.Maker(maker.signedIn(), maker.tokenId());
        return make(role, device, (hash, prefix) -> store.insert(maker.tenantId(), madeBy, role.dbName(), device,
                nameOr(name, role), hash, prefix, expiresIn));
    }

    /** Stores a token's hash and prefix; empty when it may not be made. */
    private interface Insert {
        Optional<ApiTokenStore.Inserted> insert(byte[] hash, String prefix) throws SQLException;
    }

    private static Optional<Created> make(Role role, Long device, Insert insert) throws SQLException {
        requireDeviceFits(role, device);
        String token = newToken();
        String prefix = token.substring(0, PREFIX_LENGTH);
        return insert.insert(hash(token), prefix).map(stored -> new Created(stored.id(), stored.tenantId(), token,
                prefix, stored.expiresAt()));
    }

    private static void requireDeviceFits(Role role, Long device) {
        if ((role == Role.DRIVER) != (device != null)) {
            throw new IllegalArgumentException(role == Role.DRIVER
                    ? "a driver token needs a device" : "only a driver token is bound to a device");
        }
    }

    private static String nameOr(String name, Role role) {
        return name == null ? role.dbName() : name;
    }

    private static String newToken() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return SCHEME + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** Revokes the tenant's live token {@code id}; false when the tenant has no such live token. */
    public boolean revoke(long tenantId, long id) throws SQLException {
        return store.revoke(tenantId, id);
    }

    /** Revokes the token with this id (digits) or clear prefix ({@code tmk_...}); false when none is live. */
    public boolean revoke(String idOrPrefix) throws SQLException {
        if (!idOrPrefix.isEmpty() && idOrPrefix.chars().allMatch(Character::isDigit)) {
            return store.revokeById(Long.parseLong(idOrPrefix));
        }
        return store.revokeByPrefix(idOrPrefix.length() > PREFIX_LENGTH
                ? idOrPrefix.substring(0, PREFIX_LENGTH) : idOrPrefix);
    }

    /** The tenant's tokens, revoked ones included; empty when there is no such tenant. */
    public List<Listed> list(String tenantName) throws SQLException {
        return listed(store.list(tenantName));
    }

    /** A page of the tenant's tokens (revoked and expired ones included), and whether more follow. */
    public record Page(List<Listed> tokens, boolean more) {
    }

    /** At most {@code limit} of the tenant's tokens with an id above {@code afterId}, in id order. */
    public Page page(long tenantId, long afterId, int limit) throws SQLException {
        ApiTokenStore.Page page = store.page(tenantId, afterId, limit);
        return new Page(listed(page.tokens()), page.more());
    }

    private static List<Listed> listed(List<ApiTokenStore.StoredToken> stored) {
        return stored.stream().map(t -> new Listed(t.id(), t.name(), Role.parse(t.role()), t.device(), t.prefix(),
                t.createdAt(), t.revokedAt(), t.expiresAt(), t.live())).toList();
    }

    /** The caller a live (not revoked, not expired) token stands for, or empty. */
    public Optional<Caller> authenticate(String token) throws SQLException {
        if (token == null || !token.startsWith(SCHEME)) {
            return Optional.empty();
        }
        return store.live(hash(token)).map(h -> new Caller(h.id(), h.name(), h.tenantId(), Role.parse(h.role()),
                h.device()));
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
