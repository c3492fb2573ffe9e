package dev.telemask.gateway.api;

import dev.telemask.storage.query.SessionStore;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Optional;

/**
 * Establishes the caller of an API call: a bearer token ({@code Authorization: Bearer tmk_...}) or, without one, a
 * console session's cookie. A call authenticated by the cookie that changes anything must also send the session's
 * CSRF token in {@value #CSRF_HEADER}: a browser sends the cookie along with another site's requests, but only the
 * console's own script knows that token. A session stands for its user in its own fleet only.
 */
final class Authenticator {
    /** The session cookie: HttpOnly, SameSite=Strict, Path=/, Secure over TLS. */
    static final String COOKIE = "telemask_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    /** Every session id starts with this, so that a leaked one is recognisable. */
    static final String SESSION_SCHEME = "tms_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ApiTokens tokens;
    private final SessionStore sessions;

    Authenticator(ApiTokens tokens, SessionStore sessions) {
        this.tokens = tokens;
        this.sessions = sessions;
    }

    /** The caller of {@code request}; 401 without a live credential, 403 for a cookie call without its CSRF token. */
    Caller authenticate(HttpServerRequest request) throws SQLException {
        String header = request.getHeader("Authorization");
        if (header != null) {
            if (header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw ApiError.unauthorized("send a token: Authorization: Bearer tmk_...");
            }
            return tokens.authenticate(header.substring(7).trim())
                    .orElseThrow(() -> ApiError.unauthorized("the token is unknown, revoked or expired"));
        }
        Cookie cookie = request.getCookie(COOKIE);
        if (cookie == null) {
            throw ApiError.unauthorized("sign in (POST /api/v1/session) or send a token: Authorization: Bearer tmk_...");
        }
        Caller caller = session(cookie.getValue(), true)
                .orElseThrow(() -> ApiError.unauthorized("the session has ended; sign in again"));
        if (changesState(request.method()) && !csrfMatches(cookie.getValue(), request.getHeader(CSRF_HEADER))) {
            throw ApiError.forbidden("a call signed in by cookie that changes anything needs the " + CSRF_HEADER
                    + " header the sign-in answered");
        }
        return caller;
    }

    /** The caller a credential (a token or a session id) stands for now, or empty: for streams that outlive a call. */
    Optional<Caller> recheck(String credential) throws SQLException {
        return credential != null && credential.startsWith(SESSION_SCHEME) ? session(credential, false)
                : tokens.authenticate(credential);
    }

    /** The caller of session {@code id}; {@code use} counts the call as the session's use (idle expiry). */
    private Optional<Caller> session(String id, boolean use) throws SQLException {
        if (id == null || !id.startsWith(SESSION_SCHEME)) {
            return Optional.empty();
        }
        return (use ? sessions.live(hash(id)) : sessions.check(hash(id))).map(s -> new Caller(s.userId(), s.username(), s.tenantId(),
                Role.parse(s.role()), s.device(), true));
    }

    /** A new session id: 256 random bits. */
    static String newSessionId() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return SESSION_SCHEME + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** What the database keeps of a session id. */
    static byte[] hash(String sessionId) {
        return ApiTokens.hash(sessionId);
    }

    /**
     * The session's CSRF token, derived from its id (which the page's script never sees: the cookie is HttpOnly), so
     * that nothing more is stored and a leaked database yields none.
     */
    static String csrfToken(String sessionId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(ApiTokens.hash("csrf:" + sessionId));
    }

    private static boolean csrfMatches(String sessionId, String sent) {
        return sent != null && MessageDigest.isEqual(csrfToken(sessionId).getBytes(StandardCharsets.US_ASCII),
                sent.strip().getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean changesState(HttpMethod method) {
        return method != HttpMethod.GET && method != HttpMethod.HEAD && method != HttpMethod.OPTIONS;
    }
}
