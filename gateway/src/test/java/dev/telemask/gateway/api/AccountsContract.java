package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemask.storage.ChangeFeed;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.telemask.gateway.api.ApiTestServer.LIVE;

/**
 * Console accounts over HTTP on a real database: sign-in and its cookie, sessions that act like tokens in their own
 * fleet only, CSRF refusal, lock-out without telling who exists, password changes that end other sessions, user
 * administration and its audit. Sign-ins from 127.0.0.1 here stay below the per-address lock-out (20 failures), which
 * its own test meets on a server of its own.
 */
abstract class AccountsContract extends ApiServerContract {
    private static final String PASSWORD = "correct horse battery";

    /**
     * The lock-out's Retry-After: the fifteen minutes it lasts, less what has passed since it began (the seconds a
     * loaded machine takes between the failure and this answer; far less than the minute allowed here).
     */
    private static void assertFifteenMinutesAtMost(Answer answer) {
        int seconds = Integer.parseInt(answer.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(seconds > 840 && seconds <= 900, "Retry-After " + seconds);
    }

    /** A call's answer; {@code session} the cookie's value it set, if any. */
    record Answer(int status, String body, java.net.http.HttpHeaders headers) {
        JsonNode json() {
            try {
                return ApiRequest.JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        String setCookie() {
            return headers.firstValue("Set-Cookie").orElse(null);
        }

        String session() {
            String cookie = setCookie();
            assertNotNull(cookie, "a Set-Cookie header: " + body);
            return cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
        }
    }

    /** A signed-in browser: its cookie and CSRF token. */
    record Session(String cookie, String csrf) {
    }

    /** A user made by the fleet's admin through the API; returns its id. */
    long user(Fleet fleet, String username, String role, Long device) {
        Answer created = call("POST", "/users", fleet.admin(), null, "{\"username\": \"" + username
                + "\", \"role\": \"" + role + "\", \"password\": \"" + PASSWORD + "\""
                + (device == null ? "" : ", \"device\": \"" + device + "\"") + "}");
        assertEquals(201, created.status(), created.body());
        return created.json().get("id").asLong();
    }

    Answer signIn(String tenant, String username, String password) {
        return call("POST", "/session", null, null, "{\"tenant\": \"" + tenant + "\", \"username\": \"" + username
                + "\", \"password\": \"" + password + "\"}");
    }

    Session session(Fleet fleet, String username) {
        Answer answer = signIn(fleet.name(), username, PASSWORD);
        assertEquals(201, answer.status(), answer.body());
        return new Session(answer.session(), answer.json().get("csrfToken").asText());
    }

    /** A call with a bearer token, or a session cookie (and, when given, its CSRF header). */
    Answer call(String method, String path, String token, Session session, String json) {
        return call(method, path, token, session == null ? null : session.cookie(),
                session == null ? null : session.csrf(), json);
    }

    Answer call(String method, String path, String token, String cookie, String csrf, String json) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(server.uri("/api/v1" + path)).method(method,
                json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        if (cookie != null) {
            builder.header("Cookie", "telemask_session=" + cookie);
        }
        if (csrf != null) {
            builder.header("X-CSRF-Token", csrf);
        }
        if (json != null) {
            builder.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> response = server.client().send(builder.build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    long auditRows(Fleet fleet, String action) {
        return server.queryLong("SELECT count(*) FROM audit_log a JOIN tenants t ON t.id = a.tenant_id"
                + " WHERE t.name = '" + fleet.name() + "' AND a.action = '" + action + "'");
    }

    @Test
    void signingInSetsAHardenedCookieAndTheSessionActsLikeAToken() {
        Fleet f = fleet("signin");
        long id = user(f, "Alice@Example.com", "admin", null);
        Answer answer = signIn(f.name(), "alice@example.com", PASSWORD);
        assertEquals(201, answer.status(), answer.body());
        JsonNode body = answer.json();
        assertEquals("admin", body.get("role").asText());
        assertEquals(f.name(), body.get("tenant").asText());
        assertEquals("alice@example.com", body.get("username").asText(), "usernames have no case");
        String cookie = answer.setCookie();
        List<String> attributes = List.of(cookie.toLowerCase(Locale.ROOT).split(";\\s*"));
        assertTrue(cookie.startsWith("telemask_session=tms_"), cookie);
        assertTrue(attributes.contains("httponly"), cookie);
        assertTrue(attributes.contains("samesite=strict"), cookie);
        assertTrue(attributes.contains("path=/"), cookie);
        assertTrue(attributes.contains("max-age=43200"), "an absolute expiry of 12 hours: " + cookie);
        assertFalse(attributes.contains("secure"), "plain HTTP here; Secure over TLS (HttpsIT): " + cookie);
        String session = answer.session();
        assertEquals(43, session.length() - "tms_".length(), "256 random bits, base64url");

        Session s = new Session(session, body.get("csrfToken").asText());
        Answer devices = call("GET", "/devices", null, s, null);
        assertEquals(200, devices.status(), devices.body());
        assertEquals(Long.toString(f.imei()), devices.json().get("devices").get(0).get("imei").asText());
        JsonNode who = call("GET", "/session", null, s.cookie(), null, null).json();
        assertEquals("alice@example.com", who.get("username").asText());
        assertEquals(s.csrf(), who.get("csrfToken").asText(), "a reloaded page gets the CSRF token again");

        String dump = server.dump();
        assertFalse(dump.contains(session), "the session id is stored only hashed");
        assertFalse(dump.contains(s.csrf()), "the CSRF token is not stored");
        assertFalse(dump.contains(PASSWORD), "the password is stored only hashed");
        assertTrue(server.queryString("SELECT password_hash FROM users WHERE id = " + id)
                .startsWith("$argon2id$v=19$m=19456,t=2,p=1$"));
        assertEquals(1, auditRows(f, "session.create"));
        assertEquals("user:" + id + ":alice@example.com", server.queryString("SELECT actor FROM audit_log"
                + " WHERE action = 'session.create' AND target = 'user:" + id + "'"));

        assertEquals(401, call("GET", "/devices", null, "tms_forged", null, null).status());
        server.execute("UPDATE user_sessions SET last_seen_at = now() - interval '31 minutes'");
        Answer idle = call("GET", "/devices", null, s, null);
        assertEquals(401, idle.status(), "a session idle for 30 minutes has ended");
    }

    @Test
    void aCookieCallThatChangesAnythingNeedsTheCsrfTokenAndATokenCallDoesNot() {
        Fleet f = fleet("csrf");
        user(f, "admin", "admin", null);
        Session s = session(f, "admin");
        String policy = "{\"name\": \"p%d\", \"document\": {\"version\": 1, \"consent\": {\"location\": true,"
                + " \"driverIdentity\": false, \"telemetry\": true}}}";
        Answer missing = call("POST", "/policies", null, s.cookie(), null, String.format(policy, 1));
        assertEquals(403, missing.status(), missing.body());
        assertTrue(missing.json().get("message").asText().contains("X-CSRF-Token"), missing.body());
        assertEquals(403, call("POST", "/policies", null, s.cookie(), "not-the-token", String.format(policy, 2))
                .status());
        Session other = session(f, "admin");
        assertEquals(403, call("POST", "/policies", null, s.cookie(), other.csrf(), String.format(policy, 3))
                .status(), "another session's CSRF token does not fit");
        assertEquals(0, server.queryLong("SELECT count(*) FROM policies p JOIN tenants t ON t.id = p.tenant_id"
                + " WHERE t.name = '" + f.name() + "'"), "nothing refused was made");
        assertEquals(201, call("POST", "/policies", null, s, String.format(policy, 4)).status());
        assertEquals(201, call("POST", "/policies", f.admin(), null, String.format(policy, 5)).status(),
                "a bearer token needs no CSRF token");

        Answer token = call("POST", "/tokens", null, s, "{\"name\": \"made by a signed-in admin\","
                + " \"role\": \"viewer\"}");
        assertEquals(201, token.status(), token.body());
        assertTrue(server.queryString("SELECT actor FROM audit_log WHERE action = 'token.create' AND target = 'token:"
                + token.json().get("id").asText() + "'").startsWith("user:"));
        assertEquals(200, call("GET", "/devices", token.json().get("token").asText(), null, null).status());
    }

    @Test
    void aSessionNeverReachesAnotherFleet() {
        Fleet mine = fleet("mine");
        Fleet theirs = fleet("theirs");
        user(mine, "dana", "admin", null);
        Session s = session(mine, "dana");
        assertEquals(404, call("GET", "/devices/" + theirs.imei(), null, s, null).status());
        assertEquals(404, call("GET", "/devices/" + theirs.imei() + "/positions?from=2026-03-09T00:00:00Z"
                + "&to=2026-03-10T00:00:00Z", null, s, null).status());
        JsonNode devices = call("GET", "/devices", null, s, null).json().get("devices");
        assertEquals(1, devices.size());
        assertEquals(Long.toString(mine.imei()), devices.get(0).get("imei").asText());
        assertEquals(0, call("GET", "/users", theirs.admin(), null, null).json().get("items").size(),
                "the other fleet's admin does not see this fleet's user");
        Answer elsewhere = signIn(theirs.name(), "dana", PASSWORD);
        assertEquals(401, elsewhere.status(), "a user signs in to their own fleet only");
        assertEquals(404, call("DELETE", "/users/" + server.queryLong("SELECT id FROM users WHERE username = 'dana'"),
                theirs.admin(), null, null).status(), "nor can another fleet's admin delete them");
    }

    @Test
    void repeatedFailuresLockTheAccountAndAnUnknownUserLooksTheSame() {
        Fleet f = fleet("lock");
        long id = user(f, "erin", "viewer", null);
        String wrongKnown = null;
        String wrongUnknown = null;
        for (int i = 0; i < 5; i++) {
            Answer known = signIn(f.name(), "erin", "wrong password " + i);
            assertEquals(401, known.status(), known.body());
            Answer unknown = signIn(f.name(), "nobody", "wrong password " + i);
            assertEquals(401, unknown.status(), unknown.body());
            wrongKnown = known.json().get("message").asText();
            wrongUnknown = unknown.json().get("message").asText();
        }
        assertEquals(wrongKnown, wrongUnknown, "the same words for a wrong password and an unknown user");
        assertEquals(wrongKnown, signIn("no-such-fleet", "erin", PASSWORD).json().get("message").asText());

        Answer locked = signIn(f.name(), "erin", PASSWORD);
        assertEquals(423, locked.status(), "locked: even the right password is refused: " + locked.body());
        Answer lockedUnknown = signIn(f.name(), "nobody", PASSWORD);
        assertEquals(423, lockedUnknown.status(), "an unknown user is 'locked' alike: " + lockedUnknown.body());
        assertEquals(locked.json().get("message").asText(), lockedUnknown.json().get("message").asText());
        assertFifteenMinutesAtMost(locked);
        assertFifteenMinutesAtMost(lockedUnknown);
        assertNotNull(server.queryString("SELECT locked_until FROM users WHERE id = " + id));

        assertEquals(10, auditRows(f, "session.failure"), "five failures of erin and five of an unknown user");
        assertEquals(1, auditRows(f, "user.lock"));
        assertEquals(1, auditRows(f, "session.refused"));
        assertFalse(server.queryString("SELECT coalesce(string_agg(coalesce(details::text, ''), ' '), '')"
                + " FROM audit_log").contains("wrong password"), "no password is ever audited");
        assertTrue(server.registry.get("telemask.api.signins").tag("outcome", "lockout").counter().count() >= 2);

        JsonNode listed = call("GET", "/users", f.admin(), null, null).json().get("items").get(0);
        assertEquals(5, listed.get("failedAttempts").asInt());
        assertFalse(listed.get("lockedUntil").isNull());
        assertEquals(204, call("POST", "/users/" + id + "/unlock", f.admin(), null, null).status());
        assertEquals(201, signIn(f.name(), "erin", PASSWORD).status(), "unlocked by an admin");
        assertEquals(1, auditRows(f, "user.unlock"));
    }

    @Test
    void failuresFromOneAddressAreThrottled() {
        ApiTestServer own = start(Clock.systemUTC());
        ApiTestServer shared = server;
        server = own;
        try {
            Fleet f = fleet("address");
            user(f, "frank", "viewer", null);
            for (int i = 0; i < 20; i++) {
                assertEquals(401, signIn(f.name(), "user" + i, "wrong").status(), "failure " + i);
            }
            Answer throttled = signIn(f.name(), "frank", PASSWORD);
            assertEquals(429, throttled.status(), "20 failures from one address: " + throttled.body());
            assertEquals("too_many_requests", throttled.json().get("error").asText());
            assertFifteenMinutesAtMost(throttled);
            assertEquals(1.0, own.registry.get("telemask.api.signins").tag("outcome", "throttled").counter().count());
        } finally {
            server = shared;
            own.close();
        }
    }

    @Test
    void changingOnesPasswordNeedsTheOldOneAndEndsTheOtherSessions() {
        Fleet f = fleet("password");
        user(f, "gina", "viewer", null);
        Session here = session(f, "gina");
        Session there = session(f, "gina");
        String change = "{\"currentPassword\": \"%s\", \"newPassword\": \"%s\"}";
        Answer wrong = call("PUT", "/session/password", null, here, String.format(change, "not it", "a new passphrase"));
        assertEquals(400, wrong.status(), wrong.body());
        assertEquals("currentPassword", wrong.json().get("parameter").asText());
        Answer tooShort = call("PUT", "/session/password", null, here, String.format(change, PASSWORD, "short"));
        assertEquals(400, tooShort.status());
        assertEquals("newPassword", tooShort.json().get("parameter").asText());
        assertEquals(403, call("PUT", "/session/password", null, here.cookie(), null,
                String.format(change, PASSWORD, "a new passphrase")).status(), "needs the CSRF token");

        assertEquals(204, call("PUT", "/session/password", null, here,
                String.format(change, PASSWORD, "a new passphrase")).status());
        assertEquals(200, call("GET", "/session", null, here, null).status(), "this session goes on");
        assertEquals(401, call("GET", "/session", null, there, null).status(), "the other session ended");
        assertEquals(401, signIn(f.name(), "gina", PASSWORD).status());
        assertEquals(201, signIn(f.name(), "gina", "a new passphrase").status());
        assertEquals(1, auditRows(f, "user.password.change"));
        assertEquals(400, call("PUT", "/session/password", f.admin(), null, String.format(change, "a", "b"))
                .status(), "a token has no password");
    }

    @Test
    void signingOutEndsTheSessionOnTheServer() {
        Fleet f = fleet("signout");
        user(f, "hugo", "viewer", null);
        Session s = session(f, "hugo");
        assertEquals(403, call("DELETE", "/session", null, s.cookie(), null, null).status(), "needs the CSRF token");
        Answer out = call("DELETE", "/session", null, s, null);
        assertEquals(200, out.status(), out.body());
        assertTrue(out.setCookie().toLowerCase(Locale.ROOT).contains("max-age=0"), out.setCookie());
        assertEquals(401, call("GET", "/devices", null, s, null).status(), "the cookie, kept, no longer works");
        assertEquals(0, server.queryLong("SELECT count(*) FROM user_sessions s JOIN users u ON u.id = s.user_id"
                + " WHERE u.username = 'hugo'"));
        assertEquals(1, auditRows(f, "session.delete"));
    }

    @Test
    void theUserListIsBoundedAndPagedByUsername() {
        Fleet f = fleet("user-pages");
        List<String> made = List.of("e5", "a.one@example.org", "c-three", "b+two", "d_four");
        made.forEach(username -> user(f, username, "viewer", null));
        List<String> listed = new java.util.ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Answer page = call("GET", "/users?limit=2" + (cursor == null ? "" : "&cursor="
                    + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8)), f.admin(), null, null);
            assertEquals(200, page.status(), page.body());
            JsonNode json = page.json();
            assertTrue(json.get("items").size() <= 2, "a page holds at most the limit: " + page.body());
            json.get("items").forEach(u -> listed.add(u.get("username").asText()));
            cursor = json.path("nextCursor").isTextual() ? json.get("nextCursor").asText() : null;
            assertEquals(cursor, page.headers().firstValue("X-Next-Cursor").orElse(null));
            pages++;
        } while (cursor != null && pages < 10);
        assertEquals(made.stream().sorted().toList(), listed, "every user once, by username");
        assertEquals(3, pages);
        for (String bad : List.of("limit=0", "limit=1001", "cursor=" + "a".repeat(129))) {
            Answer refused = call("GET", "/users?" + bad, f.admin(), null, null);
            assertEquals(400, refused.status(), bad + ": " + refused.body());
            assertEquals(bad.substring(0, bad.indexOf('=')), refused.json().get("parameter").asText(), bad);
        }
    }

    @Test
    void adminsManageUsersAndOthersCannot() {
        Fleet f = fleet("users");
        assertEquals("username", call("POST", "/users", f.admin(), null, "{\"username\": \"has space\","
                + " \"role\": \"admin\", \"password\": \"" + PASSWORD + "\"}").json().get("parameter").asText());
        assertEquals("password", call("POST", "/users", f.admin(), null, "{\"username\": \"ivy\","
                + " \"role\": \"admin\", \"password\": \"short\"}").json().get("parameter").asText());
        assertEquals("device", call("POST", "/users", f.admin(), null, "{\"username\": \"ivy\","
                + " \"role\": \"driver\", \"password\": \"" + PASSWORD + "\"}").json().get("parameter").asText());
        long ivy = user(f, "ivy", "driver", f.imei());
        assertEquals(409, call("POST", "/users", f.admin(), null, "{\"username\": \"IVY\", \"role\": \"viewer\","
                + " \"password\": \"" + PASSWORD + "\"}").status());
        String list = call("GET", "/users", f.admin(), null, null).body();
        assertFalse(list.contains("argon2"), "no hash is ever answered: " + list);

        Session driver = session(f, "ivy");
        assertEquals(Long.toString(f.imei()), call("GET", "/session", null, driver, null).json().get("device")
                .asText());
        assertEquals(403, call("GET", "/users", null, driver, null).status());
        assertEquals(403, call("POST", "/users", null, driver, "{\"username\": \"x\", \"role\": \"admin\","
                + " \"password\": \"" + PASSWORD + "\"}").status(), "a driver cannot make an admin");

        Answer promoted = call("PATCH", "/users/" + ivy, f.admin(), null, "{\"role\": \"viewer\"}");
        assertEquals(200, promoted.status(), promoted.body());
        assertEquals("viewer", call("GET", "/session", null, driver, null).json().get("role").asText(),
                "a role change applies to sessions at once");

        assertEquals(204, call("PUT", "/users/" + ivy + "/password", f.admin(), null,
                "{\"password\": \"reset by the admin\"}").status());
        assertEquals(401, call("GET", "/session", null, driver, null).status(), "a reset ends the user's sessions");
        Session again = new Session(signIn(f.name(), "ivy", "reset by the admin").session(), null);
        assertEquals(204, call("DELETE", "/users/" + ivy, f.admin(), null, null).status());
        assertEquals(401, call("GET", "/session", null, again, null).status(), "a deleted user's session ends");
        assertEquals(404, call("DELETE", "/users/" + ivy, f.admin(), null, null).status());
        for (String action : List.of("user.create", "user.update", "user.password.reset", "user.delete")) {
            assertEquals(1, auditRows(f, action), action);
        }
        assertFalse(server.dump().contains("reset by the admin"), "no password is stored or audited in clear");
    }

    @Test
    void aLiveStreamEndsWhenItsUsersRoleOrDeviceChanges() throws Exception {
        Fleet f = fleet("live-role");
        long other = IMEIS.incrementAndGet();
        server.device(f.name(), other);
        long demoted = user(f, "leaving-manager", "admin", null);
        long moved = user(f, "pool-driver", "driver", f.imei());
        user(f, "staying-viewer", "viewer", null);
        try (LiveStream manager = stream(session(f, "leaving-manager"));
             LiveStream driver = stream(session(f, "pool-driver"));
             LiveStream viewer = stream(session(f, "staying-viewer"))) {
            manager.await(other, e -> true, LIVE_WITHIN);
            driver.await(f.imei(), e -> true, LIVE_WITHIN);
            viewer.await(other, e -> true, LIVE_WITHIN);

            // The admin takes the fleet from one user and gives the other another vehicle: their sessions act on
            // the new role at once, and so must the streams they opened before.
            assertEquals(200, call("PATCH", "/users/" + demoted, f.admin(), null, "{\"role\": \"driver\","
                    + " \"device\": \"" + f.imei() + "\"}").status());
            assertEquals(200, call("PATCH", "/users/" + moved, f.admin(), null, "{\"role\": \"driver\","
                    + " \"device\": \"" + other + "\"}").status());
            assertTrue(manager.endsWithin(LIVE_WITHIN), "a demoted user's stream goes on showing the whole fleet");
            assertTrue(driver.endsWithin(LIVE_WITHIN), "a driver's stream goes on showing the vehicle taken away");
            assertFalse(viewer.endsWithin(java.time.Duration.ZERO), "a user whose role stayed keeps the stream");
        }
    }

    @Test
    void tokensAnAdminMadeEndWhenTheAdminIsDemotedOrDeleted() throws Exception {
        Fleet f = fleet("token-maker");
        long demoted = user(f, "demoted-admin", "admin", null);
        long deleted = user(f, "deleted-admin", "admin", null);
        user(f, "staying-admin", "admin", null);
        Session demotedSession = session(f, "demoted-admin");
        String adminToken = mint(null, demotedSession, "admin");
        String viewerToken = mint(null, demotedSession, "viewer");
        String madeWithTheToken = mint(adminToken, null, "admin");
        String deletedsToken = mint(null, session(f, "deleted-admin"), "admin");
        String staysToken = mint(null, session(f, "staying-admin"), "admin");
        List<String> ending = List.of(adminToken, viewerToken, madeWithTheToken, deletedsToken);
        LiveStream watching = LiveStream.withHeaders(server.port(), java.util.Map.of("Authorization",
                "Bearer " + madeWithTheToken));
        assertEquals(200, watching.status());

        assertEquals(200, call("PATCH", "/users/" + demoted, f.admin(), null, "{\"role\": \"viewer\"}").status());
        assertEquals(204, call("DELETE", "/users/" + deleted, f.admin(), null, null).status());
        try (watching) {
            assertTrue(watching.endsWithin(LIVE_WITHIN), "a stream opened with such a token ends with it");
        }
        for (String token : ending) {
            Answer refused = call("GET", "/devices", token, null, null);
            assertEquals(401, refused.status(), "a token outlives the admin rights of whoever made it: "
                    + refused.body());
        }
        assertEquals(4, auditRows(f, "token.revoke"), "each revocation is audited");
        assertEquals(200, call("GET", "/users", staysToken, null, null).status(), "an admin's token stays theirs");
        assertEquals(200, call("GET", "/users", f.admin(), null, null).status(), "the operator's token stays");

        assertEquals(200, call("PATCH", "/users/" + demoted, f.admin(), null, "{\"role\": \"admin\"}").status());
        assertEquals(401, call("GET", "/devices", adminToken, null, null).status(),
                "promoted again, the user gets no revoked token back");
        JsonNode listed = call("GET", "/tokens", f.admin(), null, null).json().get("items");
        long live = 0;
        for (JsonNode token : listed) {
            live += token.get("live").asBoolean() ? 1 : 0;
        }
        assertEquals(2, live, "the operator's token and the staying admin's: " + listed);
    }

    @Test
    void webhooksAnAdminMadeGoWhenTheAdminIsDemotedOrDeleted() {
        Fleet f = fleet("hook-maker");
        long demoted = user(f, "leaving-admin", "admin", null);
        long deleted = user(f, "fired-admin", "admin", null);
        user(f, "kept-admin", "admin", null);
        Session leaving = session(f, "leaving-admin");
        hook(null, leaving, "http://127.0.0.1:9/leaving");
        hook(mint(null, leaving, "admin"), null, "http://127.0.0.1:9/made-with-their-token");
        hook(null, session(f, "fired-admin"), "http://127.0.0.1:9/fired");
        hook(null, session(f, "kept-admin"), "http://127.0.0.1:9/kept");
        hook(f.admin(), null, "http://127.0.0.1:9/operator");

        assertEquals(200, call("PATCH", "/users/" + demoted, f.admin(), null, "{\"role\": \"viewer\"}").status());
        assertEquals(204, call("DELETE", "/users/" + deleted, f.admin(), null, null).status());
        List<String> left = new java.util.ArrayList<>();
        call("GET", "/webhooks", f.admin(), null, null).json().get("webhooks")
                .forEach(hook -> left.add(hook.get("url").asText()));
        assertEquals(List.of("http://127.0.0.1:9/kept", "http://127.0.0.1:9/operator"), left,
                "a former admin's webhooks no longer send them the fleet's data");
        assertEquals(3, auditRows(f, "webhook.delete"), "each removal is audited");
    }

    private void hook(String token, Session session, String url) {
        Answer made = call("POST", "/webhooks", token, session, "{\"url\": \"" + url
                + "\", \"kinds\": [\"position\"]}");
        assertEquals(201, made.status(), made.body());
    }

    @Test
    void revokingATokenEndsTheTokensMadeWithItAndNoneOutlivesIt() {
        Fleet f = fleet("token-chain");
        Answer parent = call("POST", "/tokens", f.admin(), null, "{\"name\": \"parent\", \"role\": \"admin\","
                + " \"expiresIn\": \"P7D\"}");
        assertEquals(201, parent.status(), parent.body());
        String child = mint(parent.json().get("token").asText(), null, "admin");
        String grandchild = mint(child, null, "viewer");
        JsonNode tokens = call("GET", "/tokens", f.admin(), null, null).json().get("items");
        for (JsonNode token : tokens) {
            if (token.get("id").asLong() > parent.json().get("id").asLong()) {
                assertEquals(parent.json().get("expiresAt").asText(), token.get("expiresAt").asText(),
                        "a token made with a token expires with it at the latest: " + token);
            }
        }
        assertEquals(204, call("DELETE", "/tokens/" + parent.json().get("id").asLong(), f.admin(), null, null)
                .status());
        assertEquals(401, call("GET", "/devices", child, null, null).status(), "the token made with a revoked one");
        assertEquals(401, call("GET", "/devices", grandchild, null, null).status(), "and the one made with that");
        assertEquals(200, call("GET", "/devices", f.admin(), null, null).status());
    }

    /** A token of {@code role} made through the API with a token or a session; returns its secret. */
    private String mint(String token, Session session, String role) {
        Answer made = call("POST", "/tokens", token, session, "{\"name\": \"made\", \"role\": \"" + role + "\"}");
        assertEquals(201, made.status(), made.body());
        String secret = made.json().get("token").asText();
        assertEquals(200, call("GET", "/devices", secret, null, null).status());
        return secret;
    }

    @Test
    void aRevokedCredentialEndsItsLiveStreamsAtOnceNotAtTheNextPeriodicCheck() throws Exception {
        LiveSettings hourly = new LiveSettings(LIVE.maxClients(), LIVE.maxBufferBytes(), LIVE.heartbeat(),
                java.time.Duration.ofHours(1));
        ApiTestServer own = ApiTestServer.start(Clock.systemUTC(), hourly);
        ApiTestServer shared = server;
        server = own;
        java.util.concurrent.CountDownLatch listening = new java.util.concurrent.CountDownLatch(1);
        try (ChangeFeed feed = ChangeFeed.start(own.dataSource, new ChangeFeed.Listener() {
            @Override
            public void deviceChanged(long imei) {
            }

            @Override
            public void policyChanged(long policyId) {
            }

            @Override
            public void everythingChanged() {
                listening.countDown();
            }
        })) {
            feed.watchPositions(own.api.liveFleet());
            assertTrue(listening.await(LIVE_WITHIN.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
            Fleet f = fleet("live-revoked");
            Answer viewer = call("POST", "/tokens", f.admin(), null, "{\"name\": \"wall map\", \"role\": \"viewer\"}");
            long gone = user(f, "gone-manager", "viewer", null);
            try (LiveStream byToken = LiveStream.withHeaders(own.port(), java.util.Map.of("Authorization",
                         "Bearer " + viewer.json().get("token").asText()));
                 LiveStream bySession = stream(session(f, "gone-manager"))) {
                assertEquals(200, byToken.status());
                assertEquals(204, call("DELETE", "/tokens/" + viewer.json().get("id").asText(), f.admin(), null, null)
                        .status());
                assertTrue(byToken.endsWithin(LIVE_WITHIN), "a revoked token's stream goes on until the hourly check");
                assertEquals(204, call("DELETE", "/users/" + gone, f.admin(), null, null).status());
                assertTrue(bySession.endsWithin(LIVE_WITHIN), "a deleted user's stream goes on until the hourly check");
            }
        } finally {
            server = shared;
            own.close();
        }
    }

    private static final java.time.Duration LIVE_WITHIN = java.time.Duration.ofSeconds(10);

    private LiveStream stream(Session session) throws IOException, InterruptedException {
        LiveStream stream = LiveStream.withHeaders(server.port(), java.util.Map.of("Cookie", "telemask_session="
                + session.cookie()));
        assertEquals(200, stream.status());
        return stream;
    }
}
