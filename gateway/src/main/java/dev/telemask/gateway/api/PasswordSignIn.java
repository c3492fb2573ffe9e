package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemask.gateway.account.FailureCounts;
import dev.telemask.gateway.account.LockoutRule;
import dev.telemask.gateway.account.PasswordHashes;
import dev.telemask.storage.query.SessionStore;
import dev.telemask.storage.query.Tenants;
import dev.telemask.storage.query.UserStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Signs a user in with fleet, username and password, and starts a session. Every refusal looks the same whether or
 * not the fleet or the user exists: an unknown user costs the same password check and is locked out after as many
 * failures (counted in memory), and a locked account is refused before its password is checked. Failures are also
 * counted per source address. Each outcome is counted in {@code telemask.api.signins} and audited in its fleet;
 * the password never is.
 */
final class PasswordSignIn {
    /** A signed-in session: the cookie's value exists only here and in the browser. */
    record Started(String sessionId, Caller caller, String tenant, Instant expiresAt) {
    }

    static final String WRONG = "the fleet, username or password is wrong";
    private static final int MAX_KEYS = 100_000;

    private final UserStore users;
    private final SessionStore sessions;
    private final Tenants tenants;
    private final PasswordHashes hashes;
    private final AuditTrail audit;
    private final MeterRegistry registry;
    private final FailureCounts byAddress;
    private final FailureCounts unknownUsers;

    PasswordSignIn(UserStore users, SessionStore sessions, Tenants tenants, PasswordHashes hashes, AuditTrail audit,
                   MeterRegistry registry, Clock clock) {
        this.users = users;
        this.sessions = sessions;
        this.tenants = tenants;
        this.hashes = hashes;
        this.audit = audit;
        this.registry = registry;
        this.byAddress = new FailureCounts(LockoutRule.ADDRESS, clock, MAX_KEYS, Duration.ofHours(1));
        this.unknownUsers = new FailureCounts(LockoutRule.ACCOUNT, clock, MAX_KEYS, Duration.ofDays(1));
    }

    /** Signs in, or throws the refusal: 401 wrong, 423 locked out, 429 too many failures from the address. */
    Started signIn(String tenant, String username, String password, String address) throws SQLException {
        long addressLock = byAddress.lockedForSeconds(address);
        if (addressLock > 0) {
            count("throttled");
            throw ApiError.tooManyRequests("too many failed sign-ins from this address; try again later",
                    seconds(addressLock));
        }
        String name = username.strip().toLowerCase(Locale.ROOT);
        Optional<UserStore.Credentials> found = users.credentials(tenant, name);
        if (found.isEmpty()) {
            return unknown(tenant, name, password, address);
        }
        UserStore.Credentials user = found.get();
        Caller caller = new Caller(user.id(), user.username(), user.tenantId(), Role.parse(user.role()),
                user.device(), true);
        ObjectNode details = ApiRequest.JSON.createObjectNode().put("address", address);
        if (user.lockedForSeconds() > 0) {
            count("locked");
            audit.change(caller, "session.refused", userTarget(user.id()), details.put("reason", "locked"));
            throw lockedOut(user.lockedForSeconds());
        }
        if (!hashes.verify(password, user.passwordHash())) {
            byAddress.fail(address);
            UserStore.Failure failure = users.recordFailure(user.id(), LockoutRule.ACCOUNT::lockFor);
            count("failure");
            audit.change(caller, "session.failure", userTarget(user.id()),
                    details.put("failedAttempts", failure.failedAttempts()));
            if (failure.lockedFor() != null) {
                count("lockout");
                audit.change(caller, "user.lock", userTarget(user.id()), ApiRequest.JSON.createObjectNode()
                        .put("lockedFor", failure.lockedFor().toString()).put("address", address));
            }
            throw ApiError.unauthorized(WRONG);
        }
        users.recordSuccess(user.id());
        String sessionId = Authenticator.newSessionId();
        Instant expiresAt = sessions.create(user.id(), Authenticator.hash(sessionId));
        count("success");
        audit.change(caller, "session.create", userTarget(user.id()), details);
        return new Started(sessionId, caller, tenant, expiresAt);
    }

    /** No such user (or fleet): the same work, the same answers, and as many tries before the same lock-out. */
    private Started unknown(String tenant, String username, String password, String address) throws SQLException {
        String key = tenant + "\n" + username;
        long lock = unknownUsers.lockedForSeconds(key);
        Optional<Long> tenantId = tenants.find(tenant);
        if (lock > 0) {
            count("locked");
            throw lockedOut(lock);
        }
        hashes.verifyNothing(password);
        byAddress.fail(address);
        Duration locked = unknownUsers.fail(key);
        count("failure");
        if (tenantId.isPresent()) {
            audit.account(tenantId.get(), "anonymous", "session.failure", "user:unknown",
                    ApiRequest.JSON.createObjectNode().put("address", address));
        }
        if (locked != null) {
            count("lockout");
        }
        throw ApiError.unauthorized(WRONG);
    }

    /** Checks {@code password} as the caller's current one, counting a wrong one as a failed sign-in. */
    boolean checkCurrent(Caller caller, String passwordHash, String password) throws SQLException {
        if (hashes.verify(password, passwordHash)) {
            return true;
        }
        users.recordFailure(caller.tokenId(), LockoutRule.ACCOUNT::lockFor);
        count("failure");
        return false;
    }

    static String userTarget(long id) {
        return "user:" + id;
    }

    private static ApiError lockedOut(long seconds) {
        return ApiError.locked("too many failed sign-ins: this account is locked for now; try again later or ask"
                + " an admin to unlock it", seconds(seconds));
    }

    private static int seconds(long seconds) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, seconds));
    }

    private void count(String outcome) {
        Counter.builder("telemask.api.signins").description("Console sign-ins by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }
}
