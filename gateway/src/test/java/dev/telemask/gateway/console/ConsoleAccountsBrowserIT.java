package dev.telemask.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemask.gateway.GatewayTestBase;
import dev.telemask.gateway.TestDatabase;
import dev.telemask.gateway.account.PasswordHashes;
import dev.telemask.storage.query.UserStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's password sign-in in headless Chromium, against a real gateway: a wrong password is refused, the
 * right one shows the fleet with a cookie the page's script cannot read, a reload keeps the session, an admin makes
 * a user in the page, the admin changes their own password, sign-out ends the session on the server, and wrong
 * passwords lock the account out.
 */
class ConsoleAccountsBrowserIT extends GatewayTestBase.ForOtherPackages {
    private static final String PASSWORD = "a console admin's passphrase";
    private static final String NEW_USER = "new.viewer@example.com";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConsoleBrowser browser =
            new ConsoleBrowser(Path.of(System.getProperty("telemask.console.dir", "target/console-e2e")));

    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.EMBEDDED;
    }

    @BeforeAll
    void seed() throws Exception {
        device(officePolicy);
        new UserStore(gateway.dataSource()).insert(tenant, "ada", "admin", null,
                new PasswordHashes(PasswordHashes.Parameters.OWASP).hash(PASSWORD)).orElseThrow();
    }

    @Test
    void anAdminSignsInSeesTheFleetSignsOutAndWrongPasswordsLockAnAccount() throws Exception {
        browser.assumeReady();
        JsonNode result = browser.run("console-accounts.mjs", Map.of(
                "baseUrl", "http://127.0.0.1:" + gateway.httpPort(),
                "fleet", "acme",
                "username", "Ada",
                "password", PASSWORD,
                "changedPassword", "the admin's second passphrase",
                "newUser", NEW_USER,
                "newPassword", "the new viewer's passphrase",
                "outDir", browser.dir().toString()));
        assertFalse(result.has("failure"), () -> "the browser script failed: " + result.get("failure").asText());
        assertEquals(List.of(), JSON.convertValue(result.get("consoleErrors"), List.class), "no script errors");

        assertEquals("401", result.at("/wrong/status").asText(), result.toString());
        assertEquals("The fleet, username or password is wrong.", result.at("/wrong/message").asText());
        assertTrue(result.at("/wrong/passwordCleared").asBoolean(), "a refused password leaves the field");

        assertEquals("ada · admin · fleet acme", result.get("who").asText());
        assertEquals(1, result.get("deviceRows").asInt(), "the fleet's device is listed");
        assertEquals("session", result.get("signedInKind").asText());
        assertTrue(result.at("/cookie/httpOnly").asBoolean(), result.toString());
        assertEquals("Strict", result.at("/cookie/sameSite").asText());
        assertEquals("/", result.at("/cookie/path").asText());
        assertFalse(result.get("scriptSeesCookie").asBoolean(), "the page's script cannot read the session");
        assertTrue(result.get("tokenInStorage").isNull(), "no credential in the page's storage");
        assertEquals(result.get("who").asText(), result.get("whoAfterReload").asText(), "a reload stays signed in");

        assertTrue(result.get("shortPasswordError").asText().contains("12 to 256 characters"), result.toString());
        assertTrue(result.get("newUserRow").asText().contains(NEW_USER), result.get("newUserRow").asText());
        assertEquals("viewer", result.get("newUserRole").asText());
        assertEquals(1, auditRows("user.create", "user:ada"), "made through the page, by the signed-in admin");

        assertEquals("is not your current password", result.get("wrongCurrentPassword").asText());
        assertEquals("Password changed; your other sessions ended.", result.get("passwordChanged").asText());
        assertEquals(200, result.get("stillSignedIn").asInt(), "the session that changed the password goes on");
        assertEquals(1, auditRows("user.password.change", "user:ada"));

        assertEquals(401, result.get("afterSignOut").asInt(), "the session ended on the server");
        assertFalse(result.get("cookieAfterSignOut").asBoolean(), "the cookie is removed");
        assertEquals(1, auditRows("session.delete", "user:ada"));

        JsonNode lockout = result.get("lockout");
        for (int i = 0; i < 5; i++) {
            assertEquals("401", lockout.get(i).get("status").asText(), "wrong password " + i + ": " + lockout);
        }
        assertEquals("423", lockout.get(5).get("status").asText(), "the sixth try meets the lock-out: " + lockout);
        assertTrue(lockout.get(5).get("message").asText().startsWith("Too many failed sign-ins: this account is"
                + " locked"), lockout.toString());
        assertEquals("423", result.at("/lockedWithRightPassword/status").asText(),
                "while locked, even the right password is refused");
        assertEquals(5, auditRows("session.failure", "user:" + NEW_USER));
        assertEquals(1, auditRows("user.lock", "user:" + NEW_USER));
        assertEquals(0, auditRows("session.create", "user:" + NEW_USER));
        assertEquals(1, auditRows("session.create", "user:ada"));
        assertNull(scalar("SELECT string_agg(details::text, ' ') FROM audit_log WHERE details::text LIKE"
                + " '%passphrase%' OR details::text LIKE '%wrong password%'"), "no password is audited");

        for (JsonNode screenshot : result.get("screenshots")) {
            assertTrue(Files.size(Path.of(screenshot.asText())) > 10_000, "screenshot taken: " + screenshot);
        }
    }

    /** Audit rows of {@code action} by the user whose actor ends in the username of {@code actor}. */
    private long auditRows(String action, String actor) throws Exception {
        String username = actor.substring("user:".length());
        return Long.parseLong(scalar("SELECT count(*) FROM audit_log WHERE action = '" + action + "' AND actor LIKE"
                + " 'user:%:" + username + "'"));
    }

    private String scalar(String sql) throws Exception {
        try (Connection c = gateway.dataSource().getConnection(); PreparedStatement st = c.prepareStatement(sql);
             ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
