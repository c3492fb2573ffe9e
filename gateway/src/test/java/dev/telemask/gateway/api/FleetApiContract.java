package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fleet API over HTTP on a real database: every endpoint's happy path and its errors, roles, tenant isolation,
 * audit.
 */
abstract class FleetApiContract extends ApiServerContract {
    static final Instant DAY = Instant.parse("2026-03-09T06:00:00Z");
    static final String RANGE = "from=2026-03-09T00:00:00Z&to=2026-03-10T00:00:00Z";
    private static final String POLICY = """
            {"version": 1, "consent": {"location": true, "driverIdentity": false, "telemetry": true},
             "coarsening": {"gridMetres": 500}}""";

    static String imei(long imei) {
        return Long.toString(imei);
    }

    @Test
    void withoutAValidTokenEverythingIs401AndSaysWhy() {
        Fleet f = fleet("auth");
        ApiTestServer.Response missing = server.get(null, "/api/v1/devices");
        assertEquals(401, missing.status());
        assertEquals("unauthorized", missing.json().get("error").asText());
        assertEquals("Bearer", missing.headers().firstValue("WWW-Authenticate").orElse(null));
        assertEquals(401, server.get("tmk_not-a-token", "/api/v1/devices").status());
        assertEquals(401, server.send("GET", null, "/api/v1/devices/" + f.imei() + "/positions", null).status());

        String token = server.token(f.name(), Role.VIEWER, null);
        assertEquals(200, server.get(token, "/api/v1/devices").status());
        server.execute("UPDATE api_tokens SET revoked_at = now() WHERE token_hash = decode('"
                + java.util.HexFormat.of().formatHex(ApiTokens.hash(token)) + "', 'hex')");
        assertEquals(401, server.get(token, "/api/v1/devices").status());
    }

    @Test
    void unknownPathsAndMethodsAnswerJson() {
        Fleet f = fleet("paths");
        ApiTestServer.Response unknown = server.get(f.admin(), "/api/v1/nothing-here");
        assertEquals(404, unknown.status());
        assertEquals("not_found", unknown.json().get("error").asText());
        ApiTestServer.Response wrongMethod = server.send("PUT", f.admin(), "/api/v1/devices", "{}");
        assertEquals(405, wrongMethod.status());
        assertEquals("method_not_allowed", wrongMethod.json().get("error").asText());
        assertEquals("GET, POST", wrongMethod.headers().firstValue("Allow").orElse(null));
        assertEquals("no-store", wrongMethod.headers().firstValue("Cache-Control").orElse(null));
        assertEquals("DELETE, GET, PATCH", server.send("PUT", f.admin(), "/api/v1/devices/" + f.imei(), "{}")
                .headers().firstValue("Allow").orElse(null));
        assertEquals(404, server.get(f.admin(), "/api/v2/devices").status());
        assertEquals(200, server.get(null, "/api/v1/openapi.json").status(), "the description needs no token");
    }

    @Test
    void devicesAreRegisteredLabelledGivenAPolicyAndDeleted() {
        Fleet f = fleet("devices");
        long policy = server.send("POST", f.admin(), "/api/v1/policies",
                "{\"name\": \"work\", \"document\": " + POLICY + "}").json().get("id").asLong();
        long imei = IMEIS.incrementAndGet();

        ApiTestServer.Response created = server.send("POST", f.admin(), "/api/v1/devices",
                "{\"imei\": \"" + imei + "\", \"label\": \"van 1\", \"policyId\": " + policy + "}");
        assertEquals(201, created.status(), created.body());
        assertEquals(imei(imei), created.json().get("imei").asText());
        assertEquals(policy, created.json().get("policyId").asLong());

        JsonNode list = server.get(f.admin(), "/api/v1/devices").json().get("devices");
        assertEquals(2, list.size());

        ApiTestServer.Response patched = server.send("PATCH", f.admin(), "/api/v1/devices/" + imei,
                "{\"label\": \"van 2\", \"policyId\": null}");
        assertEquals(200, patched.status(), patched.body());
        assertEquals("van 2", patched.json().get("label").asText());
        assertTrue(patched.json().get("policyId").isNull());
        assertEquals("van 2", server.get(f.admin(), "/api/v1/devices/" + imei).json().get("label").asText());

        assertEquals(409, server.send("POST", f.admin(), "/api/v1/devices", "{\"imei\": " + imei + "}").status());
        insertSealedRow(imei);
        assertEquals(204, server.send("DELETE", f.admin(), "/api/v1/devices/" + imei, null).status());
        assertEquals(404, server.get(f.admin(), "/api/v1/devices/" + imei).status());
        assertEquals(0, server.queryLong("SELECT count(*) FROM sealed_positions WHERE imei = " + imei),
                "the device's undecided records go with it");
    }

    @Test
    void theDeviceListIsBoundedAndPagedByImei() {
        Fleet f = fleet("device-pages");
        List<String> registered = new ArrayList<>(List.of(imei(f.imei())));
        for (int i = 0; i < 4; i++) {
            long imei = IMEIS.incrementAndGet();
            assertEquals(201, server.send("POST", f.admin(), "/api/v1/devices", "{\"imei\": \"" + imei + "\"}")
                    .status());
            registered.add(imei(imei));
        }
        List<List<JsonNode>> pages = pagesOfTwo(f.admin(), "/api/v1/devices", "devices");
        List<String> listed = pages.stream().flatMap(List::stream).map(d -> d.get("imei").asText()).toList();
        assertEquals(registered.stream().sorted().toList(), listed, "every device once, in IMEI order");
        assertEquals(3, pages.size());
        assertBadRequest(server.get(f.admin(), "/api/v1/devices?limit=0"), "limit");
        assertBadRequest(server.get(f.admin(), "/api/v1/devices?limit=10001"), "limit");
        assertBadRequest(server.get(f.admin(), "/api/v1/devices?cursor=abc"), "cursor");

        // A driver's list is its own device, read alone: never the whole fleet filtered afterwards.
        String driver = server.token(f.name(), Role.DRIVER, Long.parseLong(registered.get(2)));
        JsonNode own = server.get(driver, "/api/v1/devices").json();
        assertEquals(1, own.get("devices").size(), own.toString());
        assertEquals(registered.get(2), own.get("devices").get(0).get("imei").asText());
        assertTrue(own.get("nextCursor").isNull(), own.toString());
    }

    @Test
    void anImeiWithALeadingZeroIsAnsweredWithItsFifteenDigitsEverywhereAndWorksAsAPath() {
        // IMEIs whose reporting body is 01 (PTCRB) start with a zero; the device key is the number.
        Fleet f = fleet("zero-imei");
        String first = "012345678901234";
        String second = "012345678901235";
        for (String imei : List.of(first, second)) {
            ApiTestServer.Response made = server.send("POST", f.admin(), "/api/v1/devices",
                    "{\"imei\": \"" + imei + "\"}");
            assertEquals(201, made.status(), made.body());
            assertEquals(imei, made.json().get("imei").asText(), "as registered");
        }
        List<String> listed = pagesOfTwo(f.admin(), "/api/v1/devices", "devices").stream().flatMap(List::stream)
                .map(d -> d.get("imei").asText()).toList();
        assertEquals(List.of(first, second, imei(f.imei())), listed, "every device once, its cursor usable");

        String driver = server.token(f.name(), Role.DRIVER, Long.parseLong(first));
        String own = server.get(driver, "/api/v1/session").json().get("device").asText();
        assertEquals(first, own, "the driver's device as the console reads it");
        ApiTestServer.Response privateMode = server.send("POST", driver, "/api/v1/devices/" + own + "/private-mode",
                "{\"until\": \"2026-03-10T18:00:00Z\"}");
        assertEquals(200, privateMode.status(), "the driver's switch, on the device the API named: "
                + privateMode.body());
        for (String path : List.of("/consent", "/zones", "/positions?" + RANGE)) {
            ApiTestServer.Response answer = server.get(f.admin(), "/api/v1/devices/" + first + path);
            assertEquals(200, answer.status(), path + ": " + answer.body());
            assertFalse(answer.body().contains("\"12345678901234\""), path + ": " + answer.body());
        }
        JsonNode tokens = server.get(f.admin(), "/api/v1/tokens").json().get("items");
        assertTrue(tokens.toString().contains("\"device\":\"" + first + "\""), tokens.toString());
    }

    @Test
    void theTokenListIsBoundedAndPagedById() {
        Fleet f = fleet("token-pages");
        for (int i = 0; i < 4; i++) {
            assertEquals(201, server.send("POST", f.admin(), "/api/v1/tokens", "{\"name\": \"desk " + i
                    + "\", \"role\": \"viewer\"}").status());
        }
        List<Long> all = new ArrayList<>();
        server.get(f.admin(), "/api/v1/tokens").json().get("items").forEach(t -> all.add(t.get("id").asLong()));
        assertTrue(all.size() >= 5, "the admin's token and the four made: " + all);
        List<List<JsonNode>> pages = pagesOfTwo(f.admin(), "/api/v1/tokens", "items");
        List<Long> listed = pages.stream().flatMap(List::stream).map(t -> t.get("id").asLong()).toList();
        assertEquals(all.stream().sorted().toList(), listed, "every token once, in id order");
        assertEquals((all.size() + 1) / 2, pages.size());
        assertBadRequest(server.get(f.admin(), "/api/v1/tokens?limit=0"), "limit");
        assertBadRequest(server.get(f.admin(), "/api/v1/tokens?limit=1001"), "limit");
        assertBadRequest(server.get(f.admin(), "/api/v1/tokens?cursor=abc"), "cursor");
        assertBadRequest(server.get(f.admin(), "/api/v1/tokens?cursor=99999999999999999999"), "cursor");
    }

    @Test
    void badDeviceInputNamesTheParameter() {
        Fleet f = fleet("baddevice");
        Fleet other = fleet("otherpolicy");
        long theirPolicy = server.send("POST", other.admin(), "/api/v1/policies",
                "{\"name\": \"p\", \"document\": " + POLICY + "}").json().get("id").asLong();

        assertBadRequest(server.send("POST", f.admin(), "/api/v1/devices", "{\"imei\": \"12345\"}"), "imei");
        assertBadRequest(server.send("POST", f.admin(), "/api/v1/devices", "{\"label\": \"x\"}"), "imei");
        assertBadRequest(server.send("POST", f.admin(), "/api/v1/devices", "{not json"), "body");
        assertBadRequest(server.send("POST", f.admin(), "/api/v1/devices",
                "{\"imei\": \"" + IMEIS.incrementAndGet() + "\", \"policyId\": " + theirPolicy + "}"), "policyId");
        assertBadRequest(server.send("PATCH", f.admin(), "/api/v1/devices/" + f.imei(), "{}"), "body");
        assertBadRequest(server.get(f.admin(), "/api/v1/devices/abc"), "imei");
        ApiTestServer.Response big = server.send("POST", f.admin(), "/api/v1/devices",
                "{\"label\": \"" + "x".repeat(FleetApi.MAX_BODY_BYTES) + "\"}");
        assertEquals(413, big.status());
        assertEquals("payload_too_large", big.json().get("error").asText());
    }

    @Test
    void eventsAreServedAsJsonGeoJsonAndCsvLikeATrack() throws Exception {
        Fleet f = fleet("eventformats");
        long tenant = server.tenant(f.name());
        server.execute("INSERT INTO device_events (tenant_id, imei, device_time, event_io, kind, latitude, longitude,"
                + " speed, treatment, received_at) VALUES (" + tenant + ", " + f.imei() + ", '2026-03-09T06:01:00Z',"
                + " 239, 'overspeed', 525010000, 134000000, 120, 0, now()), (" + tenant + ", " + f.imei()
                + ", '2026-03-09T07:00:00Z', 0, 'device_online', NULL, NULL, NULL, 0, now())");
        String viewer = server.token(f.name(), Role.VIEWER, null);
        String events = "/api/v1/events?" + RANGE + "&device=" + f.imei();

        ApiTestServer.Response json = server.get(viewer, events);
        assertEquals(200, json.status(), json.body());
        assertEquals(2, json.json().get("events").size());
        assertEquals(json.json(), server.get(viewer, events + "&format=json").json());

        ApiTestServer.Response geo = server.get(viewer, events + "&format=geojson");
        assertEquals(200, geo.status(), geo.body());
        assertEquals("application/geo+json", geo.headers().firstValue("Content-Type").orElse(null));
        JsonNode features = geo.json().get("features");
        assertEquals("FeatureCollection", geo.json().get("type").asText());
        assertEquals(2, features.size());
        assertEquals("[13.4,52.501]", features.get(0).get("geometry").get("coordinates").toString());
        assertEquals("overspeed", features.get(0).get("properties").get("kind").asText());
        assertEquals(120, features.get(0).get("properties").get("speed").asInt());
        assertFalse(features.get(0).get("properties").has("latitude"), "coordinates only in the geometry");
        assertTrue(features.get(1).get("geometry").isNull(), "an event without a position has no geometry");
        assertEquals(json.json().get("events").get(1).get("id"), features.get(1).get("properties").get("id"));

        ApiTestServer.Response csv = server.get(viewer, events + "&format=csv");
        assertEquals(200, csv.status(), csv.body());
        assertTrue(csv.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"), csv.headers().toString());
        assertTrue(csv.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment"));
        String first = json.json().get("events").get(0).get("id").asText();
        String second = json.json().get("events").get(1).get("id").asText();
        assertEquals(EventFormat.CSV_HEADER
                + first + "," + f.imei() + ",overspeed,2026-03-09T06:01:00Z,,52.501,13.4,120,exact\r\n"
                + second + "," + f.imei() + ",device_online,2026-03-09T07:00:00Z,,,,,exact\r\n", csv.body());

        ApiTestServer.Response page = server.get(viewer, events + "&format=csv&limit=1");
        String cursor = page.headers().firstValue("X-Next-Cursor").orElseThrow();
        assertTrue(page.body().contains(",overspeed,") && !page.body().contains("device_online"), page.body());
        ApiTestServer.Response rest = server.get(viewer, events + "&format=csv&limit=1&cursor=" + cursor);
        assertTrue(rest.body().contains(",device_online,"), rest.body());
        assertTrue(rest.headers().firstValue("X-Next-Cursor").isEmpty(), "the last page");

        assertBadRequest(server.get(viewer, events + "&format=gpx"), "format");
        assertBadRequest(server.get(viewer, events + "&format=xml"), "format");
    }

    /** A home nobody may read back: 52.5123456, 13.4234567. */
    private static final double HOME_LAT = 52.5123456;
    private static final double HOME_LON = 13.4234567;

    /** Fails when {@code text} holds the home, as 1e-7 integers or as decimals of 4 or more places. */
    static void assertNoHome(String text, String where) {
        for (String needle : List.of("525123456", "134234567", "52.5123", "13.4234", "52,5123", "13,4234")) {
            assertFalse(text.contains(needle), where + " holds the zone centre (" + needle + "): " + text);
        }
    }

    /** The hidden disc the gateway masks the device's zone with (under a key of this test's), as it loads it. */
    private dev.telemask.privacy.HiddenDisc maskingDisc(long imei, String zoneId) {
        try {
            dev.telemask.storage.DeviceZone zone = new dev.telemask.storage.IngestDeviceLookup(server.dataSource)
                    .find(imei).orElseThrow().ownZones().stream().filter(z -> z.id().equals(zoneId)).findFirst()
                    .orElseThrow();
            return dev.telemask.privacy.HiddenDisc.of(zone.applied(ApiTestServer.ZONES.openCentre(zoneId,
                    zone.sealedCentre()), 200), "fleet-api-test".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String zonePolicy(String zones) {
        return "{\"version\": 1, \"consent\": {\"location\": true, \"driverIdentity\": false, \"telemetry\": true},"
                + " \"driverZones\": {\"minRadiusMetres\": 200}, \"zones\": " + zones + "}";
    }

    @Test
    void zoneCentresAreWriteOnlyAndStoredSealed() {
        Fleet f = fleet("zones");
        String viewer = server.token(f.name(), Role.VIEWER, null);
        String driver = server.token(f.name(), Role.DRIVER, f.imei());
        ApiTestServer.Response created = server.send("POST", f.admin(), "/api/v1/policies",
                "{\"name\": \"homes\", \"document\": " + zonePolicy("[{\"name\": \"home\", \"latitude\": " + HOME_LAT
                        + ", \"longitude\": " + HOME_LON + ", \"radiusMetres\": 300}]") + "}");
        assertEquals(201, created.status(), created.body());
        assertNoHome(created.body(), "the answer to POST");
        long id = created.json().get("id").asLong();
        JsonNode zone = created.json().get("document").get("zones").get(0);
        String zoneId = zone.get("id").asText();
        assertEquals("home", zone.get("name").asText());
        assertEquals(300, zone.get("radiusMetres").asInt());
        assertEquals("sealed", zone.get("centre").asText());
        assertTrue(zone.get("hides").get("discRadiusMetres").isArray());
        assertEquals(200, server.send("PATCH", f.admin(), "/api/v1/devices/" + f.imei(),
                "{\"policyId\": " + id + "}").status());

        for (String token : List.of(f.admin(), viewer)) {
            assertNoHome(server.get(token, "/api/v1/policies/" + id).body(), "GET /policies/{id}");
            assertNoHome(server.get(token, "/api/v1/policies").body(), "GET /policies");
        }
        assertEquals(403, server.get(driver, "/api/v1/policies/" + id).status());

        // kept by id without coordinates: the sealed centre stays, renamed and resized as sent
        ApiTestServer.Response kept = server.send("PUT", f.admin(), "/api/v1/policies/" + id,
                "{\"document\": " + zonePolicy("[{\"id\": \"" + zoneId + "\", \"name\": \"house\", \"radiusMetres\": 400,"
                        + " \"centre\": \"sealed\", \"hides\": {}}]") + "}");
        assertEquals(200, kept.status(), kept.body());
        assertNoHome(kept.body(), "the answer to PUT");
        assertEquals(zoneId, kept.json().get("document").get("zones").get(0).get("id").asText());
        assertEquals(400, kept.json().get("document").get("zones").get(0).get("radiusMetres").asInt());
        String stored = storedDocument(id);
        assertEquals(new dev.telemask.storage.SealedZones.Centre(HOME_LAT, HOME_LON),
                ApiTestServer.ZONES.centres(stored).get(zoneId), "the kept zone has its centre");

        assertBadRequest(server.send("PUT", f.admin(), "/api/v1/policies/" + id,
                "{\"document\": " + zonePolicy("[{\"id\": \"zunknown\", \"radiusMetres\": 400}]") + "}"), "document");

        // moved, then removed: the audit names the zone, never where
        assertEquals(200, server.send("PUT", f.admin(), "/api/v1/policies/" + id, "{\"document\": "
                + zonePolicy("[{\"id\": \"" + zoneId + "\", \"latitude\": 48.1, \"longitude\": 11.5,"
                + " \"radiusMetres\": 400}]") + "}").status());
        assertEquals(new dev.telemask.storage.SealedZones.Centre(48.1, 11.5),
                ApiTestServer.ZONES.centres(storedDocument(id)).get(zoneId));
        assertEquals(200, server.send("PUT", f.admin(), "/api/v1/policies/" + id, "{\"document\": "
                + zonePolicy("[]") + "}").status());
        String audit = auditOf(f);
        assertTrue(audit.contains("\"moved\"") && audit.contains(zoneId), audit);
        assertNoHome(audit, "the audit log");
        assertNoHome(server.get(f.admin(), "/api/v1/devices/" + f.imei() + "/export").body(), "the export");
        assertNoHome(server.dump(), "the database");
    }

    @Test
    void clearZoneCentresLeftByAnOlderVersionAreSealedAtStartUpInPlace() throws Exception {
        Fleet f = fleet("old-zones");
        long id = server.send("POST", f.admin(), "/api/v1/policies", "{\"name\": \"old\", \"document\": "
                + zonePolicy("[]") + "}").json().get("id").asLong();
        server.execute("INSERT INTO policy_versions (policy_id, version, document, created_by) VALUES (" + id
                + ", 2, '" + zonePolicy("[{\"name\": \"home\", \"latitude\": " + HOME_LAT + ", \"longitude\": "
                + HOME_LON + ", \"radiusMetres\": 300}]") + "', 'an older version')");
        assertNoHome(server.get(f.admin(), "/api/v1/policies/" + id).body(), "a clear document's view");

        assertTrue(dev.telemask.storage.ZoneSealing.run(server.dataSource, ApiTestServer.ZONES) >= 1);
        assertEquals(0, dev.telemask.storage.ZoneSealing.run(server.dataSource, ApiTestServer.ZONES),
                "nothing left to seal");
        assertNoHome(server.dump(), "the database after start-up");
        String opened = ApiTestServer.ZONES.open(storedDocument(id));
        dev.telemask.privacy.PrivacyZone zone = dev.telemask.privacy.PolicyJson.parse(opened).zones().get(0);
        assertEquals(HOME_LAT, zone.latitude(), "exactly the same centre: the hidden region does not move");
        assertEquals(HOME_LON, zone.longitude());
    }

    @Test
    void driversPlaceMoveAndRemoveTheirOwnZonesThatNobodyReadsBack() {
        Fleet f = fleet("driver-zones");
        String viewer = server.token(f.name(), Role.VIEWER, null);
        String driver = server.token(f.name(), Role.DRIVER, f.imei());
        long policy = server.send("POST", f.admin(), "/api/v1/policies", "{\"name\": \"p\", \"document\": "
                + zonePolicy("[]") + "}").json().get("id").asLong();
        assertEquals(200, server.send("PATCH", f.admin(), "/api/v1/devices/" + f.imei(),
                "{\"policyId\": " + policy + "}").status());
        String zones = "/api/v1/devices/" + f.imei() + "/zones";
        String home = "{\"name\": \"home\", \"latitude\": " + HOME_LAT + ", \"longitude\": " + HOME_LON
                + ", \"radiusMetres\": 300}";

        assertEquals(403, server.send("POST", f.admin(), zones, home).status(), "an admin places no driver zone");
        assertEquals(403, server.send("POST", viewer, zones, home).status());
        assertBadRequest(server.send("POST", driver, zones, home.replace("300", "100")), "radiusMetres");
        long before = server.queryLong("SELECT switch_version FROM devices WHERE imei = " + f.imei());
        ApiTestServer.Response added = server.send("POST", driver, zones, home);
        assertEquals(201, added.status(), added.body());
        assertNoHome(added.body(), "the answer to the driver");
        assertTrue(server.queryLong("SELECT switch_version FROM devices WHERE imei = " + f.imei()) > before,
                "the change holds for records received after it returned");
        String zoneId = added.json().get("id").asText();

        for (String token : List.of(f.admin(), viewer, driver)) {
            ApiTestServer.Response list = server.get(token, zones);
            assertEquals(200, list.status(), list.body());
            assertEquals(zoneId, list.json().get("zones").get(0).get("id").asText());
            assertEquals(200, list.json().get("minRadiusMetres").asInt());
            assertNoHome(list.body(), "GET zones");
        }
        // The admin raises the drivers' minimum above the zone: the engine hides it as a 600 m zone whose disc is
        // drawn for 300 m, and the listing says so instead of the smaller region of a 300 m zone.
        assertEquals(200, server.send("PUT", f.admin(), "/api/v1/policies/" + policy, "{\"document\": "
                + zonePolicy("[]").replace("200", "600") + "}").status());
        com.fasterxml.jackson.databind.JsonNode enlarged = server.get(viewer, zones).json().get("zones").get(0);
        assertEquals(300, enlarged.get("radiusMetres").asInt());
        assertEquals(600, enlarged.get("appliedRadiusMetres").asInt());
        dev.telemask.privacy.HiddenDisc.Extent applied = dev.telemask.privacy.HiddenDisc.extentOf(300, 600);
        assertEquals(Math.round(applied.discRadiusMinMetres()),
                enlarged.get("hides").get("discRadiusMetres").get(0).asLong(), enlarged.toString());
        assertEquals(Math.round(applied.discRadiusMaxMetres()),
                enlarged.get("hides").get("discRadiusMetres").get(1).asLong(), enlarged.toString());
        assertEquals(200, server.send("PUT", f.admin(), "/api/v1/policies/" + policy, "{\"document\": "
                + zonePolicy("[]") + "}").status());

        // The driver resizes the zone across classes, up and down: the disc stays the one drawn for the 300 m the
        // zone was placed with, widened or narrowed by 2.5 times the change, so no second outline of the home.
        dev.telemask.privacy.HiddenDisc placed = maskingDisc(f.imei(), zoneId);
        for (int radius : new int[] {900, 200, 300}) {
            assertEquals(200, server.send("PUT", driver, zones + "/" + zoneId, "{\"radiusMetres\": " + radius + "}")
                    .status());
            dev.telemask.privacy.HiddenDisc resized = maskingDisc(f.imei(), zoneId);
            assertEquals(placed.centreLatitude(), resized.centreLatitude(), "resized to " + radius);
            assertEquals(placed.centreLongitude(), resized.centreLongitude());
            assertEquals(placed.radiusMetres() + 2.5 * (radius - 300), resized.radiusMetres(), 1e-6);
        }

        long other = IMEIS.incrementAndGet();
        server.device(f.name(), other);
        String otherDriver = server.token(f.name(), Role.DRIVER, other);
        assertEquals(404, server.get(otherDriver, zones).status(), "another device's driver sees nothing");

        ApiTestServer.Response renamed = server.send("PUT", driver, zones + "/" + zoneId, "{\"name\": \"house\"}");
        assertEquals(200, renamed.status(), renamed.body());
        assertEquals("house", renamed.json().get("name").asText());
        assertEquals(200, server.send("PUT", driver, zones + "/" + zoneId,
                "{\"latitude\": 48.1, \"longitude\": 11.5}").status());
        assertEquals(new dev.telemask.storage.SealedZones.Centre(48.1, 11.5), ApiTestServer.ZONES.openCentre(zoneId,
                server.queryString("SELECT sealed_centre FROM device_zones WHERE id = '" + zoneId + "'")));
        assertBadRequest(server.send("PUT", driver, zones + "/" + zoneId, "{\"latitude\": 48.1}"), "longitude");
        assertEquals(200, server.send("PUT", driver, zones + "/" + zoneId, home).status());

        assertNoHome(auditOf(f), "the audit log");
        assertNoHome(server.get(f.admin(), "/api/v1/devices/" + f.imei() + "/export").body(), "the export");
        assertNoHome(server.dump(), "the database");

        assertEquals(204, server.send("DELETE", driver, zones + "/" + zoneId, null).status());
        assertEquals(404, server.send("DELETE", driver, zones + "/" + zoneId, null).status());
        assertEquals(0, server.get(driver, zones).json().get("zones").size());
        String audit = auditOf(f);
        for (String action : List.of("device-zone.add", "device-zone.change", "device-zone.move",
                "device-zone.remove")) {
            assertTrue(audit.contains(action), action + " in " + audit);
        }
    }

    /** The fleet's audit rows as text (the API reads them in the clock's last month, the rows are written now). */
    private String auditOf(Fleet f) {
        return server.queryString("SELECT string_agg(action || ' ' || COALESCE(target, '') || ' '"
                + " || COALESCE(details::text, ''), E'\\n') FROM audit_log WHERE tenant_id = (SELECT id FROM tenants"
                + " WHERE name = '" + f.name() + "')");
    }

    private String storedDocument(long policyId) {
        return server.queryString("SELECT document::text FROM policy_versions WHERE policy_id = " + policyId
                + " ORDER BY version DESC LIMIT 1");
    }

    @Test
    void policiesAreValidatedFieldByFieldAndVersioned() {
        Fleet f = fleet("policies");
        ApiTestServer.Response invalid = server.send("POST", f.admin(), "/api/v1/policies", """
                {"name": "bad", "document": {"version": 1, "consent": {"location": true, "driverIdentity": true,
                 "telemetry": true}, "coarsening": {"gridMetres": 5},
                 "zones": [{"latitude": 52.5, "longitude": 13.4, "radiusMetres": -1}]}}""");
        assertBadRequest(invalid, "document");
        List<String> fields = new ArrayList<>();
        invalid.json().get("errors").forEach(e -> fields.add(e.get("parameter").asText()));
        assertTrue(fields.contains("document.coarsening.gridMetres"), fields.toString());
        assertTrue(fields.contains("document.zones[0].radiusMetres"), fields.toString());
        assertBadRequest(server.send("POST", f.admin(), "/api/v1/policies", "{\"document\": " + POLICY + "}"), "name");

        ApiTestServer.Response created = server.send("POST", f.admin(), "/api/v1/policies",
                "{\"name\": \"work\", \"document\": " + POLICY + "}");
        assertEquals(201, created.status(), created.body());
        long id = created.json().get("id").asLong();
        assertEquals(1, created.json().get("version").asInt());
        assertEquals(409, server.send("POST", f.admin(), "/api/v1/policies",
                "{\"name\": \"work\", \"document\": " + POLICY + "}").status());

        ApiTestServer.Response changed = server.send("PUT", f.admin(), "/api/v1/policies/" + id,
                "{\"document\": " + POLICY.replace("500", "1000") + "}");
        assertEquals(200, changed.status(), changed.body());
        assertEquals(2, changed.json().get("version").asInt());
        assertEquals(1000, changed.json().get("document").get("coarsening").get("gridMetres").asInt());
        assertEquals(2, changed.json().get("versions").size());
        assertTrue(changed.json().get("versions").get(1).get("createdBy").asText().startsWith("token:"));
        assertBadRequest(server.send("PUT", f.admin(), "/api/v1/policies/" + id, "{\"document\": {}}"), "document");

        JsonNode listed = server.get(f.admin(), "/api/v1/policies").json().get("policies");
        assertEquals(1, listed.size());
        assertEquals(2, server.get(f.admin(), "/api/v1/policies/" + id).json().get("version").asInt());
        assertEquals(404, server.get(f.admin(), "/api/v1/policies/999999").status());
        assertBadRequest(server.get(f.admin(), "/api/v1/policies/x"), "id");
        assertEquals(2, server.queryLong("SELECT count(*) FROM audit_log WHERE target = 'policy:" + id + "'"));
    }

    @Test
    void theTrackIsServedMaskedInEveryFormat() {
        Fleet f = fleet("track");
        new StoredTrack(server, f.imei(), DAY).businessTrip(48_1000000).privateTrip().businessTrip(48_5000000);

        JsonNode json = server.get(f.admin(), "/api/v1/devices/" + f.imei() + "/positions?" + RANGE).json();
        JsonNode positions = json.get("positions");
        assertEquals(11, positions.size());
        assertTrue(json.get("nextCursor").isNull());
        JsonNode first = positions.get(0);
        assertEquals(48.1, first.get("latitude").asDouble(), 1e-9);
        assertEquals("exact", first.get("treatment").asText());
        assertEquals(10_000, first.get("io").get("16").asLong());
        for (int i = 4; i < 7; i++) {
            JsonNode p = positions.get(i);
            assertEquals("private", p.get("treatment").asText());
            assertNotNull(p.get("time"));
            for (String masked : List.of("latitude", "longitude", "speed", "altitude", "angle", "satellites")) {
                assertNull(p.get(masked), masked + " of a private record");
            }
        }

        ApiTestServer.Response geo = server.get(f.admin(), "/api/v1/devices/" + f.imei() + "/positions?format=geojson&"
                + RANGE);
        assertEquals("application/geo+json", geo.headers().firstValue("Content-Type").orElse(null));
        JsonNode features = geo.json().get("features");
        assertEquals(48.1, features.get(0).get("geometry").get("coordinates").get(1).asDouble(), 1e-9);
        assertTrue(features.get(5).get("geometry").isNull());
        assertEquals("private", features.get(5).get("properties").get("treatment").asText());

        String csv = server.get(f.admin(), "/api/v1/devices/" + f.imei() + "/positions?format=csv&" + RANGE).body();
        String[] lines = csv.split("\r\n");
        assertEquals(12, lines.length);
        assertTrue(lines[1].contains(",exact,48.1,13.4,"), lines[1]);
        assertTrue(lines[6].contains(",private,,,,,,,"), lines[6]);

        String gpx = server.get(f.admin(), "/api/v1/devices/" + f.imei() + "/positions?format=gpx&" + RANGE).body();
        assertEquals(8, gpx.split("<trkpt").length - 1, "only the located records are points");
        assertEquals(2, gpx.split("<trkseg>").length - 1, "the private trip is a gap between segments");
    }

    @Test
    void pagesReturnEveryRowExactlyOnce() {
        Fleet f = fleet("pages");
        server.execute("INSERT INTO positions (imei, device_time, receive_time, priority, longitude, latitude,"
                + " event_io, treatment, record_key) SELECT " + f.imei() + ", t, t, 0, 1, 1, e, 0, e"
                + " FROM generate_series(0, 1199) i, generate_series(0, 1) e,"
                + " LATERAL (SELECT TIMESTAMPTZ '2026-03-09T00:00:00Z' + i * INTERVAL '1 minute' AS t) x");
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            ApiTestServer.Response page = server.get(f.admin(), "/api/v1/devices/" + f.imei() + "/positions?limit=700&"
                    + RANGE + (cursor == null ? "" : "&cursor=" + cursor));
            assertEquals(200, page.status(), page.body());
            JsonNode json = page.json();
            assertTrue(json.get("positions").size() <= 700);
            json.get("positions").forEach(p -> assertTrue(seen.add(p.get("time").asText() + "/"
                    + p.get("eventIo").asInt()), "served twice: " + p));
            cursor = json.get("nextCursor").isNull() ? null : json.get("nextCursor").asText();
            assertEquals(cursor, page.headers().firstValue("X-Next-Cursor").orElse(null));
            pages++;
        } while (cursor != null);
        assertEquals(1440 * 2 - 2 * (1440 - 1200), seen.size(), "every row of the day once");
        assertEquals(4, pages);
    }

    @Test
    void trackParametersAreCheckedAndNamed() {
        Fleet f = fleet("params");
        String path = "/api/v1/devices/" + f.imei() + "/positions?";
        assertBadRequest(server.get(f.admin(), path + "from=2026-03-09T00:00:00Z&to=2026-03-08T00:00:00Z"), "from");
        assertBadRequest(server.get(f.admin(), path + "from=2024-01-01T00:00:00Z&to=2026-03-08T00:00:00Z"), "to");
        assertBadRequest(server.get(f.admin(), path + "from=yesterday"), "from");
        assertBadRequest(server.get(f.admin(), path + "limit=0"), "limit");
        assertBadRequest(server.get(f.admin(), path + "limit=100001"), "limit");
        assertBadRequest(server.get(f.admin(), path + "format=kml"), "format");
        assertBadRequest(server.get(f.admin(), path + "cursor=garbage"), "cursor");
        ApiTestServer.Response defaulted = server.get(f.admin(), path);
        assertEquals(200, defaulted.status());
        assertEquals(NOW.minusSeconds(86_400).toString(), defaulted.json().get("from").asText());
    }

    @Test
    void tripsCarryPointsOnlyWhenBusiness() {
        Fleet f = fleet("trips");
        new StoredTrack(server, f.imei(), DAY).businessTrip(48_1000000).privateTrip()
                // A trip that turned private part-way: its first record was stored exact, yet the trip shows no end.
                .record(true, 48_9000000, 13_4000000, StoredTrack.EXACT).record(true, null, null, StoredTrack.PRIVATE)
                .record(false, null, null, StoredTrack.PRIVATE);
        JsonNode trips = server.get(f.admin(), "/api/v1/devices/" + f.imei() + "/trips?" + RANGE).json().get("trips");
        assertEquals(3, trips.size(), trips.toString());
        JsonNode business = trips.get(0);
        assertFalse(business.get("private").asBoolean());
        assertEquals(48.101, business.get("startPoint").get("latitude").asDouble(), 1e-9);
        assertEquals(48.103, business.get("endPoint").get("latitude").asDouble(), 1e-9);
        assertEquals(500, business.get("distanceMetres").asLong(), "odometer from the first to the last record");
        for (JsonNode trip : List.of(trips.get(1), trips.get(2))) {
            assertTrue(trip.get("private").asBoolean());
            assertNull(trip.get("startPoint"));
            assertNull(trip.get("endPoint"));
            assertTrue(trip.get("distanceMetres").asLong() > 0);
        }
        assertFalse(trips.toString().contains("48.9"), "no coordinate of a private trip: " + trips);
    }

    @Test
    void consentIsAppendedWithWhoAndWhen() {
        Fleet f = fleet("consent");
        String path = "/api/v1/devices/" + f.imei() + "/consent";
        ApiTestServer.Response put = server.send("PUT", f.admin(), path,
                "{\"location\": false, \"telemetry\": true, \"reason\": \"driver asked\"}");
        assertEquals(200, put.status(), put.body());
        assertFalse(put.json().get("current").get("location").asBoolean());
        assertTrue(put.json().get("current").get("driverIdentity").isNull());
        server.send("PUT", f.admin(), path, "{\"location\": true}");

        JsonNode consent = server.get(f.admin(), path).json();
        assertTrue(consent.get("current").get("location").asBoolean());
        assertEquals(3, consent.get("history").size());
        assertEquals("driver asked", consent.get("history").get(0).get("reason").asText());
        assertTrue(consent.get("history").get(0).get("changedBy").asText().startsWith("token:"));
        assertEquals(3, server.queryLong("SELECT count(*) FROM consent_history WHERE imei = " + f.imei()));

        assertBadRequest(server.send("PUT", f.admin(), path, "{\"location\": \"yes\"}"), "location");
        assertBadRequest(server.send("PUT", f.admin(), path, "{\"gps\": true}"), "gps");
        assertBadRequest(server.send("PUT", f.admin(), path, "{}"), "body");
    }

    @Test
    void theDriverSwitchesPrivateModeOnItsOwnDeviceOnly() {
        Fleet f = fleet("private");
        long other = IMEIS.incrementAndGet();
        server.device(f.name(), other);
        String driver = server.token(f.name(), Role.DRIVER, f.imei());
        String path = "/api/v1/devices/" + f.imei() + "/private-mode";

        ApiTestServer.Response on = server.send("POST", driver, path, "{\"until\": \"2026-03-10T18:00:00Z\"}");
        assertEquals(200, on.status(), on.body());
        assertEquals("2026-03-10T18:00:00Z", on.json().get("privateUntil").asText());
        assertEquals("2026-03-10T18:00:00Z", Instant.ofEpochMilli(server.queryLong(
                "SELECT (extract(epoch FROM private_until) * 1000)::bigint FROM devices WHERE imei = " + f.imei()))
                .toString());
        ApiTestServer.Response off = server.send("DELETE", driver, path, null);
        assertEquals(200, off.status(), off.body());
        // Ended at the call, not forgotten: a record received while it was on and judged again later stays private.
        Instant ended = Instant.parse(off.json().get("privateUntil").asText());
        assertTrue(ended.isBefore(Instant.parse("2026-03-10T18:00:00Z")), "ended before its time: " + ended);
        assertEquals(ended.toEpochMilli(), server.queryLong("SELECT (extract(epoch FROM private_until) * 1000)::bigint"
                + " FROM devices WHERE imei = " + f.imei()));
        assertEquals(200, server.send("DELETE", driver, path, null).status(), "off again");
        assertEquals(ended.toEpochMilli(), server.queryLong("SELECT (extract(epoch FROM private_until) * 1000)::bigint"
                + " FROM devices WHERE imei = " + f.imei()), "an end is never moved later");

        assertBadRequest(server.send("POST", driver, path, "{\"until\": \"2026-03-01T00:00:00Z\"}"), "until");
        assertBadRequest(server.send("POST", driver, path, "{\"until\": \"2027-01-01T00:00:00Z\"}"), "until");
        assertBadRequest(server.send("POST", driver, path, "{}"), "until");
        assertEquals(404, server.send("POST", driver, "/api/v1/devices/" + other + "/private-mode",
                "{\"until\": \"2026-03-10T18:00:00Z\"}").status());
        assertEquals(3, server.queryLong("SELECT count(*) FROM audit_log WHERE action LIKE 'private-mode.%'"
                + " AND target = 'device:" + f.imei() + "'"), "on, off and off again");
    }

    @Test
    void exportContainsEverythingStoredAndNoPrivateCoordinates() {
        Fleet f = fleet("export");
        long policy = server.send("POST", f.admin(), "/api/v1/policies",
                "{\"name\": \"work\", \"document\": " + POLICY + "}").json().get("id").asLong();
        server.send("PATCH", f.admin(), "/api/v1/devices/" + f.imei(), "{\"policyId\": " + policy + "}");
        server.send("PUT", f.admin(), "/api/v1/devices/" + f.imei() + "/consent", "{\"location\": true}");
        new StoredTrack(server, f.imei(), DAY).businessTrip(48_1000000).privateTrip();
        server.get(f.admin(), "/api/v1/devices/" + f.imei() + "/positions?" + RANGE);
        insertSealedRow(f.imei());

        ApiTestServer.Response export = server.get(f.admin(), "/api/v1/devices/" + f.imei() + "/export");
        assertEquals(200, export.status(), export.body());
        assertTrue(export.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment"));
        JsonNode doc = export.json();
        assertEquals(imei(f.imei()), doc.get("device").get("imei").asText());
        assertEquals(policy, doc.get("policy").get("id").asLong());
        assertEquals(500, doc.get("policy").get("document").get("coarsening").get("gridMetres").asInt());
        assertEquals(1, doc.get("consent").size());
        assertEquals(7, doc.get("positions").size());
        assertFalse(export.body().contains("c0ffee"), "no sealed bytes in the export");
        assertEquals(2, doc.get("trips").size());
        assertTrue(doc.get("trips").get(1).get("private").asBoolean());
        assertNull(doc.get("trips").get(1).get("startPoint"));
        for (int i = 4; i < 7; i++) {
            assertNull(doc.get("positions").get(i).get("latitude"));
        }
        List<String> actions = new ArrayList<>();
        doc.get("audit").forEach(a -> actions.add(a.get("action").asText()));
        assertTrue(actions.contains("positions.read") && actions.contains("consent.change"), actions.toString());
        assertEquals(7, server.queryLong("SELECT (details->>'rows')::bigint FROM audit_log WHERE action = 'export'"
                + " AND target = 'device:" + f.imei() + "'"));
    }

    @Test
    void anExportReadsTheSameWhileRecordsWaitSealed() {
        // Polled while a trip starts at home, a count of the records waiting would say when the first of them came,
        // though the zone hides them: the time from home to the first visible point, which measures the way.
        Fleet f = fleet("export-sealed");
        new StoredTrack(server, f.imei(), DAY).businessTrip(48_1000000);
        JsonNode before = exportedWithoutItsOwnTraces(f);
        insertSealedRow(f.imei());
        assertEquals(before, exportedWithoutItsOwnTraces(f));
    }

    /** The device's export without what one export adds to the next: its time, and its audit row. */
    private JsonNode exportedWithoutItsOwnTraces(Fleet f) {
        ApiTestServer.Response export = server.get(f.admin(), "/api/v1/devices/" + f.imei() + "/export");
        assertEquals(200, export.status(), export.body());
        com.fasterxml.jackson.databind.node.ObjectNode doc = (com.fasterxml.jackson.databind.node.ObjectNode)
                export.json();
        doc.remove(List.of("exportedAt", "audit"));
        return doc;
    }

    @Test
    void exportCarriesTheDevicesEventsAndItsDriversZonesWithoutTheirCentres() {
        Fleet f = fleet("export-events");
        long tenant = server.tenant(f.name());
        // An event stores where and how fast the vehicle was: personal data the data subject is owed.
        server.execute("INSERT INTO device_events (tenant_id, imei, device_time, event_io, kind, latitude, longitude,"
                + " speed, treatment, received_at) VALUES (" + tenant + ", " + f.imei() + ", '2026-03-09T06:01:00Z',"
                + " 0, 'overspeed', 481234567, 113456789, 131, 0, now())");
        String driver = server.token(f.name(), Role.DRIVER, f.imei());
        assertEquals(201, server.send("POST", driver, "/api/v1/devices/" + f.imei() + "/zones",
                "{\"name\": \"clinic\", \"latitude\": 48.7654321, \"longitude\": 11.7654321, \"radiusMetres\": 300}")
                .status());

        ApiTestServer.Response export = server.get(f.admin(), "/api/v1/devices/" + f.imei() + "/export");
        assertEquals(200, export.status(), export.body());
        JsonNode doc = export.json();
        assertNotNull(doc.get("events"), "the export holds everything stored: " + export.body());
        assertEquals(1, doc.get("events").size(), export.body());
        JsonNode event = doc.get("events").get(0);
        assertEquals("overspeed", event.get("kind").asText());
        assertEquals(48.1234567, event.get("latitude").asDouble(), 1e-9);
        assertEquals(131, event.get("speed").asInt());
        assertNotNull(doc.get("zones"), export.body());
        assertEquals("clinic", doc.get("zones").get(0).get("name").asText(), export.body());
        assertEquals("sealed", doc.get("zones").get(0).get("centre").asText());
        assertFalse(export.body().contains("48.765") || export.body().contains("11.765"),
                "a zone's centre is write-only, in the export too: " + export.body());
    }

    /**
     * The outbox keeps what was forwarded of the device (an event's payload holds where the vehicle was) and to whom:
     * stored about the device, so in its export, naming the receiver by its origin (a webhook's path or query may hold
     * the fleet's credentials), never another device's deliveries.
     */
    @Test
    void exportCarriesWhatWasForwardedAndToWhom() {
        Fleet f = fleet("export-deliveries");
        long other = IMEIS.incrementAndGet();
        server.device(f.name(), other);
        long tenant = server.tenant(f.name());
        long hook = server.queryLong("INSERT INTO webhooks (tenant_id, url, kinds, secret, created_by) VALUES ("
                + tenant + ", 'https://hooks.example.org:8443/in?key=fleet-secret', '{geofence_enter}', 'sealed',"
                + " 'test') RETURNING id");
        for (long imei : new long[] {f.imei(), other}) {
            server.execute("INSERT INTO webhook_deliveries (webhook_id, tenant_id, imei, device_time, payload, state,"
                    + " delivered_at) VALUES (" + hook + ", " + tenant + ", " + imei + ", '2026-03-09T06:01:00Z',"
                    + " '{\"latitude\": 48.1357, \"imei\": \"" + imei + "\"}', 'delivered', now())");
        }

        ApiTestServer.Response export = server.get(f.admin(), "/api/v1/devices/" + f.imei() + "/export");
        assertEquals(200, export.status(), export.body());
        JsonNode deliveries = export.json().get("deliveries");
        assertNotNull(deliveries, "the export holds everything stored: " + export.body());
        assertEquals(1, deliveries.size(), export.body());
        JsonNode delivery = deliveries.get(0);
        assertEquals("https://hooks.example.org:8443", delivery.get("receiver").asText());
        assertEquals("delivered", delivery.get("state").asText());
        assertEquals(48.1357, delivery.get("payload").get("latitude").asDouble(), 1e-9);
        assertFalse(export.body().contains("fleet-secret"), export.body());
        assertFalse(export.body().contains(Long.toString(other)), "another device's delivery: " + export.body());
    }

    /**
     * The audit trail of a device's earlier registration (the same IMEI deleted and registered again, the vehicle
     * sold or given to another driver) is about someone else: the export of this registration leaves it out.
     */
    @Test
    void exportLeavesOutTheAuditOfTheDevicesEarlierRegistration() {
        Fleet f = fleet("export-reregistered");
        long tenant = server.tenant(f.name());
        server.execute("INSERT INTO audit_log (tenant_id, actor, action, target, details, at) VALUES (" + tenant
                + ", 'admin', 'device-zone.refused', 'device:" + f.imei() + "', '{\"name\": \"former driver home\"}',"
                + " (SELECT created_at FROM devices WHERE imei = " + f.imei() + ") - interval '1 day')");
        server.send("PUT", f.admin(), "/api/v1/devices/" + f.imei() + "/consent", "{\"location\": true}");

        ApiTestServer.Response export = server.get(f.admin(), "/api/v1/devices/" + f.imei() + "/export");
        assertEquals(200, export.status(), export.body());
        List<String> actions = new ArrayList<>();
        export.json().get("audit").forEach(a -> actions.add(a.get("action").asText()));
        assertTrue(actions.contains("consent.change"), actions.toString());
        assertFalse(export.body().contains("former driver home"), export.body());
    }

    /** A sealed row as the writer would leave it; its content is opaque to everything but the gateway's key. */
    private void insertSealedRow(long imei) {
        server.execute("INSERT INTO sealed_positions (imei, device_time, event_io, received_at, expires_at, key_id,"
                + " sealed) VALUES (" + imei + ", '2026-03-09T07:00:00Z', 0, now(), now() + interval '1 day', 'k1',"
                + " '\\xc0ffee')");
    }

    @Test
    void erasureRemovesTheRowsAndKeepsAnAuditRow() {
        Fleet f = fleet("erase");
        new StoredTrack(server, f.imei(), DAY).businessTrip(48_1000000).businessTrip(48_2000000);
        long tenant = server.tenant(f.name());
        long hook = server.queryLong("INSERT INTO webhooks (tenant_id, url, kinds, secret, created_by) VALUES ("
                + tenant + ", 'https://hooks.example.org/x', '{geofence_enter}', 'sealed', 'test') RETURNING id");
        for (String time : new String[] {"2026-03-09T06:01:00Z", "2026-03-09T07:00:00Z"}) {
            server.execute("INSERT INTO device_events (tenant_id, imei, device_time, event_io, kind, latitude,"
                    + " longitude, treatment, received_at) VALUES (" + tenant + ", " + f.imei() + ", '" + time
                    + "', 0, 'geofence_enter', 481000000, 110000000, 0, now())");
            server.execute("INSERT INTO webhook_deliveries (webhook_id, tenant_id, imei, device_time, payload)"
                    + " VALUES (" + hook + ", " + tenant + ", " + f.imei() + ", '" + time
                    + "', '{\"latitude\": 48.1}')");
        }
        String path = "/api/v1/devices/" + f.imei() + "/erase";
        ApiTestServer.Response erased = server.send("POST", f.admin(),
                path + "?from=2026-03-09T06:00:00Z&to=2026-03-09T06:04:00Z", null);
        assertEquals(200, erased.status(), erased.body());
        assertEquals(4, erased.json().get("erased").asLong());
        assertEquals(4, server.queryLong("SELECT count(*) FROM positions WHERE imei = " + f.imei()));
        assertEquals(0, server.queryLong("SELECT count(*) FROM positions WHERE imei = " + f.imei()
                + " AND device_time < '2026-03-09T06:04:00Z'"));
        assertEquals(1, server.queryLong("SELECT count(*) FROM device_events WHERE imei = " + f.imei()),
                "the erased range's events go with its positions");
        assertEquals(0, server.queryLong("SELECT count(*) FROM webhook_deliveries WHERE imei = " + f.imei()
                + " AND device_time < '2026-03-09T06:04:00Z'"), "and their deliveries, which hold their positions");
        assertEquals(1, server.queryLong("SELECT count(*) FROM webhook_deliveries WHERE imei = " + f.imei()));
        assertEquals("4", server.queryString("SELECT details->>'rows' FROM audit_log WHERE action = 'erase'"
                + " AND target = 'device:" + f.imei() + "'"));
        assertBadRequest(server.send("POST", f.admin(), path + "?to=2026-03-09T06:04:00Z", null), "from");
        assertBadRequest(server.send("POST", f.admin(), path + "?from=2026-03-09T06:04:00Z", null), "to");
    }

    @Test
    void anErasureOfTheNewestRecordsLeavesNoLastSeenTimeThatDatesThem() {
        Fleet f = fleet("erase-seen");
        // Two trips, 06:00-06:03 and 06:04-06:07; the gateway noted when it last stored records of the device, as it
        // does about once a minute: when the second trip's last record arrived.
        new StoredTrack(server, f.imei(), DAY).businessTrip(48_1000000).businessTrip(48_2000000);
        server.execute("UPDATE devices SET last_seen_at = '2026-03-09T06:07:20Z' WHERE imei = " + f.imei());
        String device = "/api/v1/devices/" + f.imei();
        assertEquals("2026-03-09T06:07:20Z", server.get(f.admin(), device).json().get("lastSeenAt").asText());

        assertEquals(200, server.send("POST", f.admin(), device + "/erase?from=2026-03-09T06:04:00Z"
                + "&to=2026-03-09T12:00:00Z", null).status());
        JsonNode lastSeen = server.get(f.admin(), device).json().get("lastSeenAt");
        assertTrue(lastSeen.isNull() || Instant.parse(lastSeen.asText()).isBefore(Instant.parse("2026-03-09T06:04:00Z")),
                "the device list, the live map and a dump still said when the erased trip was driven: " + lastSeen);
        assertEquals("2026-03-09T06:03:00Z", lastSeen.asText(), "when its newest remaining record arrived");

        assertEquals(200, server.send("POST", f.admin(), device + "/erase?from=2026-03-09T00:00:00Z"
                + "&to=2026-03-10T00:00:00Z", null).status());
        assertTrue(server.get(f.admin(), device).json().get("lastSeenAt").isNull(), "nothing left: never seen");
    }

    @Test
    void restrictionIsSetAndLifted() {
        Fleet f = fleet("restrict");
        String path = "/api/v1/devices/" + f.imei() + "/restrict";
        assertTrue(server.send("POST", f.admin(), path, null).json().get("restricted").asBoolean());
        assertEquals(1, server.queryLong("SELECT count(*) FROM devices WHERE restricted AND imei = " + f.imei()));
        assertFalse(server.send("DELETE", f.admin(), path, null).json().get("restricted").asBoolean());
        assertEquals(0, server.queryLong("SELECT count(*) FROM devices WHERE restricted AND imei = " + f.imei()));
    }

    /**
     * A switch whose audit row cannot be written is not switched: the restriction, the private mode, the consent and
     * the device's policy (also the one it is registered with) change only together with the row that says who
     * changed them, when and to what.
     */
    @Test
    void aSwitchThatCannotBeAuditedIsNotMade() {
        Fleet f = fleet("unaudited");
        long policy = server.send("POST", f.admin(), "/api/v1/policies",
                "{\"name\": \"work\", \"document\": " + POLICY + "}").json().get("id").asLong();
        String device = "/api/v1/devices/" + f.imei();
        String target = "device:" + f.imei();
        long unregistered = IMEIS.incrementAndGet();
        server.execute("CREATE FUNCTION refuse_audit_" + f.imei() + "() RETURNS trigger LANGUAGE plpgsql AS $$"
                + " BEGIN IF NEW.target IN ('" + target + "', 'device:" + unregistered + "') THEN"
                + " RAISE EXCEPTION 'audit refused'; END IF; RETURN NEW; END $$");
        server.execute("CREATE TRIGGER refuse_audit_" + f.imei() + " BEFORE INSERT ON audit_log FOR EACH ROW"
                + " EXECUTE FUNCTION refuse_audit_" + f.imei() + "()");
        try {
            assertEquals(500, server.send("POST", f.admin(), device + "/restrict", null).status());
            assertEquals(500, server.send("PUT", f.admin(), device + "/consent", "{\"location\": false}").status());
            assertEquals(500, server.send("POST", f.admin(), device + "/private-mode",
                    "{\"until\": \"2026-03-10T18:00:00Z\"}").status());
            assertEquals(500, server.send("PATCH", f.admin(), device, "{\"policyId\": " + policy + "}").status());
            assertEquals(500, server.send("POST", f.admin(), "/api/v1/devices",
                    "{\"imei\": \"" + unregistered + "\", \"policyId\": " + policy + "}").status());
        } finally {
            server.execute("DROP TRIGGER refuse_audit_" + f.imei() + " ON audit_log");
            server.execute("DROP FUNCTION refuse_audit_" + f.imei() + "()");
        }
        assertEquals(0, server.queryLong("SELECT count(*) FROM devices WHERE imei = " + f.imei()
                + " AND (restricted OR private_until IS NOT NULL OR policy_id IS NOT NULL)"), "switched unaudited");
        assertEquals(0, server.queryLong("SELECT count(*) FROM consent_history WHERE imei = " + f.imei()),
                "consent withdrawn unaudited");
        assertEquals(0, server.queryLong("SELECT count(*) FROM devices WHERE imei = " + unregistered),
                "registered with its policy unaudited");

        assertEquals(200, server.send("PUT", f.admin(), device + "/consent", "{\"location\": false}").status());
        assertEquals(200, server.send("PATCH", f.admin(), device, "{\"policyId\": " + policy + "}").status());
        assertEquals("false", server.queryString("SELECT details->>'location' FROM audit_log"
                + " WHERE action = 'consent.change' AND target = '" + target + "'"), "the audit says what changed");
        assertEquals(Long.toString(policy), server.queryString("SELECT details->>'policyId' FROM audit_log"
                + " WHERE action = 'device.update' AND target = '" + target + "'"), "and to which policy");
    }

    @Test
    void readsOfLocationDataAreAuditedAndAdminsReadTheAudit() {
        Fleet f = fleet("audit");
        new StoredTrack(server, f.imei(), DAY).businessTrip(48_1000000);
        String viewer = server.token(f.name(), Role.VIEWER, null);
        server.get(viewer, "/api/v1/devices/" + f.imei() + "/positions?" + RANGE);
        server.get(viewer, "/api/v1/devices/" + f.imei() + "/trips?" + RANGE);

        // Audit rows carry the database's time, not the API's (fixed) clock.
        String around = "from=" + Instant.now().minusSeconds(86_400) + "&to=" + Instant.now().plusSeconds(86_400);
        JsonNode entries = server.get(f.admin(), "/api/v1/audit?" + around).json().get("entries");
        JsonNode read = null;
        for (JsonNode e : entries) {
            if (e.get("action").asText().equals("positions.read")) {
                read = e;
            }
        }
        assertNotNull(read, entries.toString());
        assertEquals("device:" + f.imei(), read.get("target").asText());
        assertEquals(4, read.get("details").get("rows").asLong());
        assertEquals("2026-03-09T00:00:00Z", read.get("details").get("from").asText());
        assertTrue(read.get("actor").asText().endsWith(":viewer-test"));
        assertEquals(2, entries.size(), "only this tenant's rows: " + entries);

        assertEquals(403, server.get(viewer, "/api/v1/audit").status());
        assertBadRequest(server.get(f.admin(), "/api/v1/audit?limit=x"), "limit");
        JsonNode page = server.get(f.admin(), "/api/v1/audit?limit=1&" + around).json();
        assertEquals(1, page.get("entries").size());
        JsonNode next = server.get(f.admin(), "/api/v1/audit?limit=1&" + around + "&cursor="
                + page.get("nextCursor").asText()).json();
        assertEquals("positions.read", next.get("entries").get(0).get("action").asText());
    }

    @Test
    void rolesLimitWhatATokenMayDo() {
        Fleet f = fleet("roles");
        long other = IMEIS.incrementAndGet();
        server.device(f.name(), other);
        String viewer = server.token(f.name(), Role.VIEWER, null);
        String driver = server.token(f.name(), Role.DRIVER, f.imei());
        String device = "/api/v1/devices/" + f.imei();

        for (String[] call : new String[][] {
                {"POST", "/api/v1/devices", "{\"imei\": \"356307042449999\"}"},
                {"PATCH", device, "{\"label\": \"x\"}"}, {"DELETE", device, null},
                {"POST", "/api/v1/policies", "{}"}, {"PUT", "/api/v1/policies/1", "{}"},
                {"PUT", device + "/consent", "{\"location\": true}"},
                {"POST", device + "/private-mode", "{\"until\": \"2026-03-10T18:00:00Z\"}"},
                {"GET", device + "/export", null}, {"POST", device + "/erase?" + RANGE, null},
                {"POST", device + "/restrict", null}, {"DELETE", device + "/restrict", null},
                {"GET", "/api/v1/audit", null}}) {
            ApiTestServer.Response r = server.send(call[0], viewer, call[1], call[2]);
            assertEquals(403, r.status(), "viewer " + call[0] + " " + call[1]);
            assertEquals("forbidden", r.json().get("error").asText());
        }
        assertEquals(200, server.get(viewer, device + "/positions").status());
        assertEquals(200, server.get(viewer, "/api/v1/policies").status());

        assertEquals(200, server.get(driver, device + "/positions").status());
        assertEquals(200, server.get(driver, device + "/trips").status());
        assertEquals(200, server.get(driver, device + "/consent").status());
        assertEquals(404, server.get(driver, "/api/v1/devices/" + other + "/positions").status());
        assertEquals(403, server.get(driver, "/api/v1/policies").status());
        assertEquals(403, server.get(driver, device + "/export").status());
        JsonNode listed = server.get(driver, "/api/v1/devices").json().get("devices");
        assertEquals(1, listed.size());
        assertEquals(imei(f.imei()), listed.get(0).get("imei").asText());
    }

    @Test
    void adminsMakeExpiringTokensShownOnceListThemAndRevokeThem() {
        Fleet f = fleet("tokens");
        Fleet other = fleet("tokens-other");
        ApiTestServer.Response made = server.send("POST", f.admin(), "/api/v1/tokens",
                "{\"name\": \"dispatch desk\", \"role\": \"viewer\", \"expiresIn\": \"P30D\"}");
        assertEquals(201, made.status(), made.body());
        String secret = made.json().get("token").asText();
        long id = made.json().get("id").asLong();
        assertTrue(secret.startsWith("tmk_"));
        assertEquals(200, server.get(secret, "/api/v1/devices").status(), "the new token works");
        assertEquals(403, server.send("POST", secret, "/api/v1/tokens", "{\"name\": \"x\", \"role\": \"admin\"}")
                .status(), "a viewer makes no tokens");

        JsonNode listed = server.get(f.admin(), "/api/v1/tokens").json().get("items");
        JsonNode entry = null;
        for (JsonNode t : listed) {
            if (t.get("id").asLong() == id) {
                entry = t;
            }
        }
        assertTrue(entry != null && entry.get("live").asBoolean() && entry.get("expiresAt").isTextual(), listed.toString());
        assertFalse(listed.toString().contains(secret.substring(12)), "a listing never holds a secret");
        assertFalse(server.get(other.admin(), "/api/v1/tokens").body().contains("dispatch desk"),
                "another fleet does not see them");
        assertEquals(404, server.send("DELETE", other.admin(), "/api/v1/tokens/" + id, null).status(),
                "nor revokes them");

        assertBadRequest(server.send("POST", f.admin(), "/api/v1/tokens",
                "{\"name\": \"d\", \"role\": \"driver\"}"), "device");
        assertBadRequest(server.send("POST", f.admin(), "/api/v1/tokens",
                "{\"name\": \"d\", \"role\": \"viewer\", \"expiresIn\": \"P2Y\"}"), "expiresIn");
        assertBadRequest(server.send("POST", f.admin(), "/api/v1/tokens", "{\"role\": \"viewer\"}"), "name");
        assertBadRequest(server.send("POST", f.admin(), "/api/v1/tokens",
                "{\"name\": \"d\", \"role\": \"driver\", \"device\": \"" + other.imei() + "\"}"), "device");

        assertEquals(204, server.send("DELETE", f.admin(), "/api/v1/tokens/" + id, null).status());
        assertEquals(401, server.get(secret, "/api/v1/devices").status(), "a revoked token is refused");
        assertEquals(404, server.send("DELETE", f.admin(), "/api/v1/tokens/" + id, null).status());
        JsonNode shortLived = server.send("POST", f.admin(), "/api/v1/tokens",
                "{\"name\": \"short\", \"role\": \"viewer\"}").json();
        assertEquals(200, server.get(shortLived.get("token").asText(), "/api/v1/devices").status());
        server.execute("UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = "
                + shortLived.get("id").asLong());
        assertEquals(401, server.get(shortLived.get("token").asText(), "/api/v1/devices").status(),
                "an expired token is refused");
        assertTrue(server.queryString("SELECT string_agg(action, ',') FROM audit_log WHERE actor IS NOT NULL"
                + " AND target = 'token:" + id + "'").contains("token.revoke"));
    }

    @Test
    void aLiveStreamEndsWhenItsTokenIsRevokedAndNoOtherDoes() throws Exception {
        Fleet f = fleet("live-revoke");
        JsonNode made = server.send("POST", f.admin(), "/api/v1/tokens",
                "{\"name\": \"wall screen\", \"role\": \"viewer\"}").json();
        java.time.Duration within = java.time.Duration.ofSeconds(10);
        try (LiveStream revoked = new LiveStream(server.port(), made.get("token").asText());
             LiveStream kept = new LiveStream(server.port(), f.admin())) {
            revoked.await(f.imei(), e -> true, within);
            kept.await(f.imei(), e -> true, within);
            assertEquals(204, server.send("DELETE", f.admin(), "/api/v1/tokens/" + made.get("id").asLong(), null)
                    .status());
            assertTrue(revoked.endsWithin(within), "a revoked token's stream goes on");
            assertFalse(kept.endsWithin(java.time.Duration.ZERO), "a live token's stream ended with it");
        }
    }

    @Test
    void anotherTenantsDeviceIsIndistinguishableFromAMissingOne() {
        Fleet a = fleet("tenant-a");
        Fleet b = fleet("tenant-b");
        new StoredTrack(server, b.imei(), DAY).businessTrip(48_7000000);
        long bPolicy = server.send("POST", b.admin(), "/api/v1/policies",
                "{\"name\": \"secret\", \"document\": " + POLICY + "}").json().get("id").asLong();
        long missing = IMEIS.incrementAndGet();

        String[][] calls = {
                {"GET", ""}, {"PATCH", "", "{\"label\": \"mine\"}"}, {"DELETE", ""},
                {"GET", "/positions?" + RANGE}, {"GET", "/positions?format=csv&" + RANGE},
                {"GET", "/trips?" + RANGE},
                {"GET", "/consent"}, {"PUT", "/consent", "{\"location\": false}"},
                {"POST", "/private-mode", "{\"until\": \"2026-03-10T18:00:00Z\"}"}, {"DELETE", "/private-mode"},
                {"GET", "/export"}, {"POST", "/erase?" + RANGE}, {"POST", "/restrict"}, {"DELETE", "/restrict"}};
        for (String[] call : calls) {
            String body = call.length > 2 ? call[2] : null;
            ApiTestServer.Response theirs = server.send(call[0], a.admin(), "/api/v1/devices/" + b.imei() + call[1],
                    body);
            ApiTestServer.Response none = server.send(call[0], a.admin(), "/api/v1/devices/" + missing + call[1],
                    body);
            assertEquals(404, theirs.status(), call[0] + " " + call[1]);
            assertEquals(none.body().replace(imei(missing), "X"), theirs.body().replace(imei(b.imei()), "X"),
                    call[0] + " " + call[1] + " answers like a missing device");
        }
        assertEquals(404, server.get(a.admin(), "/api/v1/policies/" + bPolicy).status());
        assertEquals(404, server.send("PUT", a.admin(), "/api/v1/policies/" + bPolicy,
                "{\"document\": " + POLICY + "}").status());
        assertFalse(server.get(a.admin(), "/api/v1/devices").body().contains(imei(b.imei())));
        assertFalse(server.get(a.admin(), "/api/v1/policies").body().contains("secret"));
        assertEquals(409, server.send("POST", a.admin(), "/api/v1/devices", "{\"imei\": \"" + b.imei() + "\"}")
                .status(), "the IMEI is taken; nothing of the device is shown");

        // Nothing of B's changed.
        assertEquals(4, server.queryLong("SELECT count(*) FROM positions WHERE imei = " + b.imei()));
        assertEquals(0, server.queryLong("SELECT count(*) FROM consent_history WHERE imei = " + b.imei()));
        assertEquals(0, server.queryLong("SELECT count(*) FROM devices WHERE imei = " + b.imei()
                + " AND (restricted OR private_until IS NOT NULL OR label IS NOT NULL)"));
        assertEquals(1, server.queryLong("SELECT max(version) FROM policy_versions WHERE policy_id = " + bPolicy));
        assertEquals(0, server.queryLong("SELECT count(*) FROM audit_log a JOIN tenants t ON t.id = a.tenant_id"
                + " WHERE t.name = '" + a.name() + "' AND a.target = 'device:" + b.imei() + "'"));
    }

    @Test
    void registeringImeisOfOtherFleetsCannotListThem() {
        Fleet prober = fleet("prober");
        Fleet other = fleet("probed");
        ApiTestServer.Response own = server.send("POST", prober.admin(), "/api/v1/devices",
                "{\"imei\": \"" + prober.imei() + "\"}");
        assertEquals(409, own.status());
        assertEquals("your fleet has device " + prober.imei() + " already", own.json().get("message").asText());

        // Each refusal says the IMEI is in use, never which fleet holds it; a bulk scan is cut short.
        List<Long> theirs = new ArrayList<>();
        for (int i = 0; i < RefusedRegistrations.RULE.threshold(); i++) {
            long imei = IMEIS.incrementAndGet();
            server.send("POST", other.admin(), "/api/v1/devices", "{\"imei\": \"" + imei + "\"}");
            theirs.add(imei);
        }
        for (long imei : theirs) {
            ApiTestServer.Response refused = server.send("POST", prober.admin(), "/api/v1/devices",
                    "{\"imei\": \"" + imei + "\"}");
            assertEquals(409, refused.status());
            assertFalse(refused.body().contains(other.name()), refused.body());
        }
        for (long imei : new long[] {IMEIS.incrementAndGet(), other.imei()}) {
            ApiTestServer.Response locked = server.send("POST", prober.admin(), "/api/v1/devices",
                    "{\"imei\": \"" + imei + "\"}");
            assertEquals(429, locked.status(), "a free IMEI and a taken one answer alike while locked");
            assertTrue(locked.headers().firstValue("Retry-After").isPresent());
        }
        assertEquals(0, server.queryLong("SELECT count(*) FROM devices d JOIN tenants t ON t.id = d.tenant_id"
                + " WHERE t.name = '" + prober.name() + "'") - 1, "nothing registered while locked");
        assertEquals(201, server.send("POST", other.admin(), "/api/v1/devices",
                "{\"imei\": \"" + IMEIS.incrementAndGet() + "\"}").status(), "other fleets register as before");
    }

    /**
     * Reads a paged list two items a page, following {@code nextCursor} (at most ten pages), checking each page's size
     * and that the header names the same cursor as the body; returns the pages' items ({@code key}).
     */
    private List<List<JsonNode>> pagesOfTwo(String token, String path, String key) {
        List<List<JsonNode>> pages = new ArrayList<>();
        String cursor = null;
        do {
            ApiTestServer.Response page = server.get(token, path + "?limit=2" + (cursor == null ? "" : "&cursor="
                    + cursor));
            assertEquals(200, page.status(), page.body());
            JsonNode json = page.json();
            assertNotNull(json.get(key), page.body());
            assertTrue(json.get(key).size() <= 2, "a page holds at most the limit: " + page.body());
            List<JsonNode> items = new ArrayList<>();
            json.get(key).forEach(items::add);
            pages.add(items);
            cursor = json.path("nextCursor").isTextual() ? json.get("nextCursor").asText() : null;
            assertEquals(cursor, page.headers().firstValue("X-Next-Cursor").orElse(null));
        } while (cursor != null && pages.size() < 10);
        return pages;
    }

    static void assertBadRequest(ApiTestServer.Response response, String parameter) {
        assertEquals(400, response.status(), response.body());
        JsonNode json = response.json();
        assertEquals("bad_request", json.get("error").asText());
        assertEquals(parameter, json.get("parameter").asText(), response.body());
        assertFalse(response.body().contains("Exception") || response.body().contains("\tat "), response.body());
    }
}
