package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemask.privacy.HiddenDisc;
import dev.telemask.privacy.PrivacyZone;
import dev.telemask.storage.DeviceZone;
import dev.telemask.storage.IngestDeviceLookup;
import dev.telemask.storage.SealedZones;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A driver's zone belongs to the driver credential that placed it, and the fleet's admin is the adversary: with a
 * driver token it minted, a driver user it created, or a driver user whose password it reset, it can neither move,
 * shrink, grow nor remove the zone (each attempt is refused, audited, and changes nothing: the device's records at
 * home stay hidden). A zone whose owner is gone keeps hiding and nobody removes it.
 */
abstract class DeviceZoneOwnershipContract extends ApiServerContract {
    private static final double HOME_LAT = 52.5123456;
    private static final double HOME_LON = 13.4234567;
    private static final String HOME = "{\"name\": \"home\", \"latitude\": " + HOME_LAT + ", \"longitude\": "
            + HOME_LON + ", \"radiusMetres\": 400}";
    private static final String PASSWORD = "correct horse battery";
    private static final byte[] ZONE_KEY = "telemask-ownership-test-zone-key".getBytes(StandardCharsets.US_ASCII);

    /** A credential: a bearer token, or a signed-in session's cookie and CSRF token. */
    private record Credential(String token, Map<String, String> headers) {
        static Credential bearer(String token) {
            return new Credential(token, Map.of());
        }
    }

    /** Every way to change or remove a zone that the owner has and nobody else: move, shrink, grow, rename, remove. */
    private static final List<String[]> CHANGES = List.of(
            new String[] {"PUT", "{\"latitude\": 48.1, \"longitude\": 11.5}"},
            new String[] {"PUT", "{\"radiusMetres\": 200}"},
            new String[] {"PUT", "{\"radiusMetres\": 800}"},
            new String[] {"PUT", "{\"name\": \"not home\"}"},
            new String[] {"DELETE", null});

    @Test
    void anAdminWithADriverTokenItMintedCannotMoveResizeOrRemoveTheDriversZone() {
        Fleet f = fleet("zone-owner-token");
        Credential driver = Credential.bearer(server.token(f.name(), Role.DRIVER, f.imei()));
        String zoneId = place(f, driver);
        String before = row(zoneId);
        Credential minted = Credential.bearer(mint(f).get("token").asText());

        for (String[] change : CHANGES) {
            assertRefused(send(minted, change[0], zone(f, zoneId), change[1]), "not-owner");
        }
        assertEquals(403, server.send("DELETE", f.admin(), zone(f, zoneId), null).status(), "the admin's own token");
        assertEquals(before, row(zoneId), "nothing changed");
        assertHidesHome(f, zoneId);
        assertEquals(CHANGES.size(), refusals(f), "every refused attempt is audited");
        String audit = server.queryString("SELECT string_agg(details::text, ' ') FROM audit_log WHERE action ="
                + " 'device-zone.refused' AND target = 'device:" + f.imei() + "'");
        for (String attempt : List.of("device-zone.move", "device-zone.resize", "device-zone.change",
                "device-zone.remove")) {
            assertTrue(audit.contains(attempt), attempt + " in " + audit);
        }

        assertFalse(yours(f, minted, zoneId), "listed as not the minted token's");
        assertTrue(yours(f, driver, zoneId));
        String theirs = place(f, minted);
        assertTrue(yours(f, minted, theirs), "any driver credential adds zones: adding only hides more");
        assertRefused(send(driver, "DELETE", zone(f, theirs), null), "not-owner");
        assertEquals(200, send(minted, "PUT", zone(f, theirs), "{\"radiusMetres\": 300}").status());
        assertEquals(204, send(minted, "DELETE", zone(f, theirs), null).status());

        ApiTestServer.Response grown = send(driver, "PUT", zone(f, zoneId), "{\"radiusMetres\": 800}");
        assertEquals(200, grown.status(), grown.body());
        assertEquals(800, grown.json().get("radiusMetres").asInt());
        assertEquals(200, send(driver, "PUT", zone(f, zoneId), "{\"latitude\": 48.1, \"longitude\": 11.5}").status());
        assertEquals(204, send(driver, "DELETE", zone(f, zoneId), null).status(), "the owner removes its zone");
    }

    @Test
    void anAdminsPasswordResetTakesTheZoneFromWhoeverSignsInWithTheNewPassword() {
        Fleet f = fleet("zone-owner-user");
        long userId = createUser(f, "driver", PASSWORD);
        Credential driver = signIn(f, "driver", PASSWORD);
        String zoneId = place(f, driver);

        ApiTestServer.Response changed = send(driver, "PUT", "/api/v1/session/password", "{\"currentPassword\": \""
                + PASSWORD + "\", \"newPassword\": \"the driver's own new one\"}");
        assertEquals(204, changed.status(), changed.body());
        assertEquals(200, send(driver, "PUT", zone(f, zoneId), "{\"radiusMetres\": 500}").status(),
                "a user who changes their own password keeps their zones");
        String before = row(zoneId);

        assertEquals(204, server.send("PUT", f.admin(), "/api/v1/users/" + userId + "/password",
                "{\"password\": \"the admin's chosen one\"}").status());
        assertEquals(401, send(driver, "GET", "/api/v1/devices/" + f.imei() + "/zones", null).status(),
                "the reset ended the driver's session");
        Credential admin = signIn(f, "driver", "the admin's chosen one");
        for (String[] change : CHANGES) {
            assertRefused(send(admin, change[0], zone(f, zoneId), change[1]), "not-owner");
        }
        createUser(f, "fake-driver", PASSWORD);
        assertRefused(send(signIn(f, "fake-driver", PASSWORD), "DELETE", zone(f, zoneId), null), "not-owner");
        assertEquals(before, row(zoneId), "nothing changed");
        assertHidesHome(f, zoneId);
        assertEquals(CHANGES.size() + 1, refusals(f));
        assertFalse(yours(f, admin, zoneId));
        String own = place(f, admin);
        assertEquals(204, send(admin, "DELETE", zone(f, own), null).status(), "the new epoch manages its own zones");
    }

    @Test
    void aZoneWhoseOwnerIsGoneKeepsHidingAndNobodyRemovesIt() throws SQLException {
        Fleet f = fleet("zone-owner-gone");
        JsonNode first = mint(f);
        Credential owner = Credential.bearer(first.get("token").asText());
        Credential second = Credential.bearer(server.token(f.name(), Role.DRIVER, f.imei()));
        String zoneId = place(f, owner);
        String before = row(zoneId);
        assertEquals(204, server.send("DELETE", f.admin(), "/api/v1/tokens/" + first.get("id").asLong(), null)
                .status(), "the admin revokes the token that placed the zone");
        assertEquals(401, send(owner, "DELETE", zone(f, zoneId), null).status());
        for (Credential someone : List.of(second, Credential.bearer(mint(f).get("token").asText()))) {
            for (String[] change : CHANGES) {
                assertRefused(send(someone, change[0], zone(f, zoneId), change[1]), "not-owner");
            }
        }
        assertEquals(before, row(zoneId), "an orphaned zone stays as it was");
        assertHidesHome(f, zoneId);

        // A zone placed before zones had owners (the migration leaves them without one) is nobody's either.
        server.execute("INSERT INTO device_zones (id, imei, name, radius_metres, sealed_centre) SELECT 'zn_legacy"
                + f.imei() + "', imei, name, radius_metres, sealed_centre FROM device_zones WHERE id = '" + zoneId
                + "'");
        ApiTestServer.Response legacy = send(second, "DELETE", zone(f, "zn_legacy" + f.imei()), null);
        assertRefused(legacy, "orphaned");
        assertTrue(legacy.json().get("message").asText().contains("keeps hiding until the device is deleted"),
                legacy.body());
        assertEquals(2 * CHANGES.size() + 1, refusals(f));
    }

    private String place(Fleet f, Credential driver) {
        ApiTestServer.Response added = send(driver, "POST", "/api/v1/devices/" + f.imei() + "/zones", HOME);
        assertEquals(201, added.status(), added.body());
        return added.json().get("id").asText();
    }

    /** A driver token for the device as the admin mints it through the API: its id and secret. */
    private JsonNode mint(Fleet f) {
        ApiTestServer.Response minted = server.send("POST", f.admin(), "/api/v1/tokens", "{\"name\": \"posing as the"
                + " driver\", \"role\": \"driver\", \"device\": \"" + f.imei() + "\"}");
        assertEquals(201, minted.status(), minted.body());
        return minted.json();
    }

    private long createUser(Fleet f, String username, String password) {
        ApiTestServer.Response created = server.send("POST", f.admin(), "/api/v1/users", "{\"username\": \""
                + username + "\", \"role\": \"driver\", \"device\": \"" + f.imei() + "\", \"password\": \""
                + password + "\"}");
        assertEquals(201, created.status(), created.body());
        return created.json().get("id").asLong();
    }

    private Credential signIn(Fleet f, String username, String password) {
        ApiTestServer.Response answer = server.send("POST", null, "/api/v1/session", "{\"tenant\": \"" + f.name()
                + "\", \"username\": \"" + username + "\", \"password\": \"" + password + "\"}");
        assertEquals(201, answer.status(), answer.body());
        String cookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
        return new Credential(null, Map.of("Cookie", cookie.substring(0, cookie.indexOf(';')),
                "X-CSRF-Token", answer.json().get("csrfToken").asText()));
    }

    private ApiTestServer.Response send(Credential credential, String method, String path, String json) {
        return server.send(method, credential.token(), path, json, credential.headers());
    }

    private static String zone(Fleet f, String zoneId) {
        return "/api/v1/devices/" + f.imei() + "/zones/" + zoneId;
    }

    private boolean yours(Fleet f, Credential credential, String zoneId) {
        for (JsonNode zone : send(credential, "GET", "/api/v1/devices/" + f.imei() + "/zones", null).json()
                .get("zones")) {
            if (zone.get("id").asText().equals(zoneId)) {
                return zone.get("yours").asBoolean();
            }
        }
        throw new AssertionError("zone " + zoneId + " is not listed");
    }

    private static void assertRefused(ApiTestServer.Response response, String reason) {
        assertEquals(403, response.status(), response.body());
        String message = response.json().get("message").asText();
        assertTrue(message.contains(reason.equals("orphaned") ? "nobody may" : "belongs to the driver credential"),
                message);
    }

    /** The zone's stored row: name, radius, sealed centre and when it last changed. */
    private String row(String zoneId) {
        return server.queryString("SELECT name || ' ' || radius_metres || ' ' || sealed_centre || ' ' || updated_at"
                + " FROM device_zones WHERE id = '" + zoneId + "'");
    }

    private long refusals(Fleet f) {
        return server.queryLong("SELECT count(*) FROM audit_log WHERE action = 'device-zone.refused' AND target ="
                + " 'device:" + f.imei() + "'");
    }

    /**
     * The zone is among the device's own zones the gateway masks its records with (what it loads on a connection),
     * still centred on the home, and its hidden disc holds the home: a record there is hidden.
     */
    private void assertHidesHome(Fleet f, String zoneId) {
        DeviceZone zone;
        try {
            zone = new IngestDeviceLookup(server.dataSource).find(f.imei()).orElseThrow().ownZones().stream()
                    .filter(z -> z.id().equals(zoneId)).findFirst()
                    .orElseThrow(() -> new AssertionError("zone " + zoneId + " no longer masks the device"));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        SealedZones.Centre centre = ApiTestServer.ZONES.openCentre(zone.id(), zone.sealedCentre());
        assertEquals(new SealedZones.Centre(HOME_LAT, HOME_LON), centre);
        HiddenDisc disc = HiddenDisc.of(zone.applied(centre, PrivacyZone.MIN_RADIUS_METRES), ZONE_KEY);
        assertTrue(disc.contains((int) Math.round(HOME_LAT * 1e7), (int) Math.round(HOME_LON * 1e7)),
                "a record at home is hidden");
    }
}
