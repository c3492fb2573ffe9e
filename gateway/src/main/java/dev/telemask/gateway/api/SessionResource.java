package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemask.codec.Imei;
import dev.telemask.gateway.account.AccountPolicy;
import dev.telemask.gateway.account.PasswordHashes;
import dev.telemask.storage.query.SessionStore;
import dev.telemask.storage.query.UserStore;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * {@code /session}: console sign-in with fleet, username and password (a session cookie and its CSRF token), who is
 * signed in, sign-out (the session ends on the server), and a user's change of their own password, which ends their
 * other sessions.
 */
final class SessionResource {
    /** A session unused this long ends. */
    static final Duration IDLE = Duration.ofMinutes(30);
    /** A session ends this long after sign-in, however used. */
    static final Duration LONGEST = Duration.ofHours(12);
    private static final int MAX_FIELD = 256;

    private final PasswordSignIn signIn;
    private final SessionStore sessions;
    private final UserStore users;
    private final PasswordHashes hashes;
    private final AuditTrail audit;

    SessionResource(PasswordSignIn signIn, SessionStore sessions, UserStore users, PasswordHashes hashes,
                    AuditTrail audit) {
        this.signIn = signIn;
        this.sessions = sessions;
        this.users = users;
        this.hashes = hashes;
        this.audit = audit;
    }

    void register(Router router, Set<Role> everyone) {
        router.add("POST", "/session", Set.of(), this::create)
                .add("GET", "/session", everyone, this::show)
                .add("DELETE", "/session", everyone, this::delete)
                .add("PUT", "/session/password", everyone, this::changePassword);
    }

    private void create(ApiRequest request) throws SQLException {
        JsonNode body = request.jsonBody();
        String tenant = text(body, "tenant");
        String username = text(body, "username");
        String password = text(body, "password");
        PasswordSignIn.Started started = signIn.signIn(tenant, username, password, request.remoteHost());
        ObjectNode json = describe(started.caller(), started.tenant(), started.sessionId(), started.expiresAt());
        request.respond(201, json, Map.of("Set-Cookie", cookie(started.sessionId(), LONGEST, request.secure())));
    }

    private void show(ApiRequest request) throws SQLException {
        Caller caller = request.caller();
        if (!caller.signedIn()) {
            ObjectNode json = ApiRequest.JSON.createObjectNode().put("kind", "token").put("name", caller.tokenName())
                    .put("role", caller.role().dbName());
            json.put("device", caller.device() == null ? null : Imei.format(caller.device()));
            request.respond(200, json);
            return;
        }
        String id = request.cookie(Authenticator.COOKIE);
        SessionStore.SignedIn session = sessions.live(Authenticator.hash(id))
                .orElseThrow(() -> ApiError.unauthorized("the session has ended; sign in again"));
        request.respond(200, describe(caller, session.tenantName(), id, session.expiresAt()));
    }

    private void delete(ApiRequest request) throws SQLException {
        Caller caller = requireSession(request);
        sessions.delete(Authenticator.hash(request.cookie(Authenticator.COOKIE)));
        audit.change(caller, "session.delete", PasswordSignIn.userTarget(caller.tokenId()), null);
        request.respond(200, ApiRequest.JSON.createObjectNode().put("signedOut", true),
                Map.of("Set-Cookie", cookie("", Duration.ZERO, request.secure())));
    }

    private void changePassword(ApiRequest request) throws SQLException {
        Caller caller = requireSession(request);
        JsonNode body = request.jsonBody();
        String current = text(body, "currentPassword");
        String next = text(body, "newPassword");
        try {
            AccountPolicy.password(next);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("newPassword", e.getMessage());
        }
        String stored = users.passwordHash(caller.tenantId(), caller.tokenId())
                .orElseThrow(() -> ApiError.unauthorized("the session has ended; sign in again"));
        if (!signIn.checkCurrent(caller, stored, current)) {
            throw ApiError.badRequest("currentPassword", "is not your current password");
        }
        byte[] keep = Authenticator.hash(request.cookie(Authenticator.COOKIE));
        users.changePassword(caller.tenantId(), caller.tokenId(), hashes.hash(next), keep);
        audit.change(caller, "user.password.change", PasswordSignIn.userTarget(caller.tokenId()), null);
        request.respondEmpty(204);
    }

    private static Caller requireSession(ApiRequest request) {
        Caller caller = request.caller();
        if (!caller.signedIn()) {
            throw ApiError.badRequest("Authorization", "a token is not a session: tokens are revoked under /tokens");
        }
        return caller;
    }

    private static ObjectNode describe(Caller caller, String tenant, String sessionId, java.time.Instant expiresAt) {
        ObjectNode json = ApiRequest.JSON.createObjectNode();
        json.put("kind", "session");
        json.put("tenant", tenant);
        json.put("userId", caller.tokenId());
        json.put("username", caller.tokenName());
        json.put("role", caller.role().dbName());
        json.put("device", caller.device() == null ? null : Imei.format(caller.device()));
        json.put("csrfToken", Authenticator.csrfToken(sessionId));
        json.put("expiresAt", expiresAt.toString());
        return json;
    }

    /** The session cookie; an empty value with no lifetime removes it. */
    static String cookie(String value, Duration lifetime, boolean secure) {
        return Cookie.cookie(Authenticator.COOKIE, value).setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
                .setPath("/").setSecure(secure).setMaxAge(lifetime.toSeconds()).encode();
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || !node.isTextual() || node.asText().isEmpty() || node.asText().length() > MAX_FIELD) {
            throw ApiError.badRequest(field, "is required: a string of 1 to " + MAX_FIELD + " characters");
        }
        return node.asText();
    }
}
