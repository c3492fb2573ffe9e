package dev.telemask.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemask.simulator.DeviceClient;
import dev.telemask.gateway.GatewayTestBase;
import dev.telemask.gateway.TestDatabase;
import dev.telemask.gateway.api.ApiTokens;
import dev.telemask.gateway.api.Role;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fleet console end to end: a real gateway with a device that drove a business trip and a private trip, the
 * console in headless Chromium signed in as the fleet's admin and then as the driver. The map draws the business
 * trip, nothing the browser receives or shows holds a coordinate of the private trip, and the driver's switch
 * reaches the API. The admin also grants a consent flag (it reaches the history), downloads the export (business
 * positions in it, no private coordinate) and erases the shown day, which holds the private trip (the rows go, the
 * erasure's audit row stays). The driver places a zone of its own on the map; after a reload it is listed by name
 * and radius, and its centre is nowhere in the page. Screenshots land in target/console-e2e.
 */
class ConsoleBrowserIT extends GatewayTestBase.ForOtherPackages {
    private static final int GRID_METRES = 200;
    /** Coarsened to a 200 m grid, with a privacy zone away from the track; Vilnius time. */
    /** The zone hides a region kilometres wide around it (docs/POLICY.md): the drives keep well clear of it. */
    private static final String FIELD_STAFF_POLICY = """
            {"version": 1, "consent": {"location": true, "driverIdentity": true, "telemetry": true},
             "coarsening": {"gridMetres": %d},
             "zones": [{"name": "home", "latitude": 54.6000, "longitude": 25.0000, "radiusMetres": 400}]}"""
            .formatted(GRID_METRES);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Markup on purpose: the console must show it as text. */
    private static final String CONSENT_REASON = "e2e: driver agreed <i>in writing</i>";
    private static final String DRIVER_ZONE = "<b>home</b>";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ConsoleBrowser browser =
            new ConsoleBrowser(Path.of(System.getProperty("telemask.console.dir", "target/console-e2e")));
    private long imei;
    private LocalDate day;
    private String adminToken;
    private String driverToken;
    private Instant dayStart;
    private Instant dayEnd;
    private long storedThatDay;
    private long storedInPrivateTrip;

    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.EMBEDDED;
    }

    @BeforeAll
    void seed() throws Exception {
        imei = device(policy("field-staff", FIELD_STAFF_POLICY));
        ApiTokens tokens = new ApiTokens(gateway.dataSource());
        adminToken = tokens.create("acme", Role.ADMIN, null, "console-admin", null).token();
        driverToken = tokens.create("acme", Role.DRIVER, imei, "console-driver", null).token();

        // Yesterday, so the day is whole and well inside retention.
        day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        long morning = day.atTime(8, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
        try (DeviceClient device = connectAccepted(imei)) {
            device.sendFrame(ConsoleDrives.businessTrip(morning));
            assertEquals(ConsoleDrives.RECORDS_PER_TRIP + 1, device.readAck(), "business trip stored");
            device.sendFrame(ConsoleDrives.privateTrip(morning + 4 * 3_600_000L));
            assertEquals(ConsoleDrives.RECORDS_PER_TRIP + 1, device.readAck(), "private trip stored");
        }
        rows(imei); // until the engine has decided every record (a new device's first ones wait a moment)
        dayStart = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        dayEnd = dayStart.plus(Duration.ofDays(1));
        long privateStart = morning + 4 * 3_600_000L;
        storedThatDay = positionsBetween(dayStart, dayEnd);
        storedInPrivateTrip = positionsBetween(Instant.ofEpochMilli(privateStart),
                Instant.ofEpochMilli(privateStart + (ConsoleDrives.RECORDS_PER_TRIP + 1) * ConsoleDrives.MINUTE));
        assertTrue(storedInPrivateTrip > 0, "the private trip is stored, so its erasure can be seen");
        api("PATCH", "/devices/" + imei, "{\"label\": \"van 7 <b>Vilnius</b>\"}");
        api("PUT", "/devices/" + imei + "/consent",
                "{\"driverIdentity\": false, \"reason\": \"driver asked on 2026-03-02\"}");
    }

    @Test
    void adminSeesTheBusinessTripOnlyAndTheDriverSwitchesPrivateModeOn() throws Exception {
        browser.assumeReady();
        JsonNode result = browser.run(Map.of(
                "baseUrl", "http://127.0.0.1:" + gateway.httpPort(),
                "adminToken", adminToken,
                "driverToken", driverToken,
                "imei", Long.toString(imei),
                "day", day.toString(),
                "consentReason", CONSENT_REASON,
                "driverZoneName", DRIVER_ZONE,
                "privateNeedles", ConsoleDrives.privateNeedles(),
                "businessNeedles", ConsoleDrives.businessNeedles(GRID_METRES),
                "outDir", browser.dir().toString()));
        assertFalse(result.has("failure"), () -> "the browser script failed: " + result.get("failure").asText());

        assertTrue(result.get("businessLines").asInt() >= 1, "the business trip is drawn as a line: " + result);
        assertTrue(result.get("coarseCells").asInt() >= 1, "coarsened points are drawn as cells: " + result);
        assertEquals(0, result.get("zones").asInt(), "zone centres are write-only: the console has none to draw");
        assertEquals(1, result.get("privateTripRows").size(), "the private trip is listed: " + result);
        assertEquals(1, result.get("businessTripRows").size(), "the business trip is listed: " + result);
        assertTrue(result.get("privateTripRows").get(0).asText().contains("private"));
        assertTrue(result.get("devicesListed").get(0).asText().contains("van 7 <b>Vilnius</b>"),
                "the label shows as text, markup and all: " + result.get("devicesListed"));
        assertTrue(result.get("devicesListed").get(0).asText().contains("field-staff"), "policy name listed");
        assertTrue(result.get("consentHistoryRows").asInt() >= 1, "consent history shown");
        assertTrue(result.get("auditRows").asInt() >= 1, "audit log shown");
        assertTrue(result.get("policyShown").asBoolean(), "policy document shown");

        assertEquals(List.of(), JSON.convertValue(result.get("privateLeaks"), List.class),
                "no coordinate of the private trip reaches the browser (" + result.get("responses") + " responses)");
        assertFalse(result.get("businessFound").isEmpty(),
                "the leak check sees coordinates at all: the business trip's are there");
        assertEquals(List.of(), JSON.convertValue(result.get("consoleErrors"), List.class), "no script errors");

        assertTrue(result.get("privateUntilText").asText().startsWith("until "), result.toString());
        JsonNode device = JSON.readTree(api("GET", "/devices/" + imei, null));
        assertNotNull(device.get("privateUntil").textValue(), "the switch reached the API: " + device);
        assertTrue(Instant.parse(device.get("privateUntil").textValue()).isAfter(Instant.now()));

        // Consent: the grant went through the confirmation, shows as the newest history row, and is in the API.
        assertEquals(200, result.get("consentStatus").asInt(), result.toString());
        assertTrue(result.get("consentQuestion").asText().contains("grant location"), result.toString());
        assertEquals(result.get("consentHistoryRows").asInt() + 1, result.get("consentHistoryRowsAfter").asInt());
        assertTrue(result.get("consentNewestRow").asText().contains(CONSENT_REASON),
                "the reason shows as text, markup and all: " + result.get("consentNewestRow"));
        assertEquals(0, result.get("consentReasonMarkup").asInt(), "the reason's markup is not parsed");
        assertTrue(result.get("consentCurrent").asText().contains("location: granted"), result.toString());
        JsonNode consent = JSON.readTree(api("GET", "/devices/" + imei + "/consent", null));
        assertTrue(consent.get("current").get("location").asBoolean(), "location granted via the API: " + consent);
        JsonNode newest = consent.get("history").get(consent.get("history").size() - 1);
        assertEquals("location", newest.get("kind").asText(), consent.toString());
        assertTrue(newest.get("granted").asBoolean(), consent.toString());
        assertEquals(CONSENT_REASON, newest.get("reason").asText(), consent.toString());
        assertEquals(2, auditRows("consent.change", null), "the console's consent change is audited, as the seed's is");

        // Export: the downloaded document holds the business trip's positions and no private coordinate.
        assertEquals(imei + "-export.json", result.get("exportFileName").asText());
        assertEquals(Long.toString(imei), result.get("exportImei").asText());
        assertEquals(storedThatDay, result.get("exportPositions").asLong(), "every stored position exported");
        assertTrue(result.get("exportLocatedPositions").asInt() >= ConsoleDrives.RECORDS_PER_TRIP, result.toString());
        assertEquals(ConsoleDrives.businessNeedles(GRID_METRES),
                JSON.convertValue(result.get("exportBusinessFound"), List.class), "business positions exported");
        assertEquals(List.of(), JSON.convertValue(result.get("exportPrivateLeaks"), List.class),
                "no coordinate of the private trip in the export");
        assertEquals(1, auditRows("export", null), "the export is audited");

        // Erase: the shown day (it covers the private trip) is gone, and the erasure's audit row stays.
        assertEquals(200, result.get("eraseStatus").asInt(), result.toString());
        assertEquals(dayStart.toString(), result.get("erase").get("from").asText());
        assertEquals(dayEnd.toString(), result.get("erase").get("to").asText());
        assertEquals(storedThatDay, result.get("erase").get("erased").asLong(), result.toString());
        assertTrue(result.get("trackStatusAfterErase").asText().startsWith("0 records"), result.toString());
        assertEquals(0, positionsBetween(dayStart, dayEnd), "no position of the erased range is left");
        assertEquals(1, auditRows("erase", "{\"from\": \"" + dayStart + "\", \"to\": \"" + dayEnd + "\", \"rows\": "
                + storedThatDay + "}"), "the erasure's audit row, with its range and row count");

        // The driver's own zone: placed on the map, then listed by name and radius only, its centre nowhere.
        JsonNode sent = result.get("driverZoneSent");
        assertTrue(sent.get("latitude").isNumber() && sent.get("longitude").isNumber(), sent.toString());
        assertEquals(200, sent.get("radiusMetres").asInt(), sent.toString());
        assertEquals(0, result.get("driverZoneDrawingsAfterSave").asInt(), "nothing drawn where it was placed");
        assertEquals(0, result.get("driverZoneDrawingsAfterReload").asInt(), "no zone drawn after the reload");
        assertEquals(1, result.get("driverZonesAfterReload").size(), result.toString());
        String listed = result.get("driverZonesAfterReload").get(0).asText();
        assertTrue(listed.contains(DRIVER_ZONE) && listed.contains("200 m, centre sealed"), listed);
        assertEquals(0, result.get("driverZoneMarkup").asInt(), "the zone's name is text");
        assertTrue(result.get("driverResponsesAfterReload").asInt() > 3, "the check saw the API's answers");
        assertEquals(List.of(), JSON.convertValue(result.get("driverZoneCentreFound"), List.class),
                "the zone's centre (" + result.get("driverZoneNeedles") + ") is nowhere after the reload");
        JsonNode zones = JSON.readTree(api("GET", "/devices/" + imei + "/zones", null)).get("zones");
        assertEquals(1, zones.size(), zones.toString());
        assertEquals(DRIVER_ZONE, zones.get(0).get("name").asText());
        assertEquals("sealed", zones.get(0).get("centre").asText());

        for (JsonNode screenshot : result.get("screenshots")) {
            assertTrue(Files.size(Path.of(screenshot.asText())) > 10_000, "screenshot taken: " + screenshot);
        }
    }

    private long positionsBetween(Instant from, Instant to) throws SQLException {
        return count("SELECT count(*) FROM positions WHERE imei = ? AND device_time >= ? AND device_time < ?",
                from, to);
    }

    private long count(String sql, Instant from, Instant to) throws SQLException {
        try (Connection c = gateway.dataSource().getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setLong(1, imei);
            st.setObject(2, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
            st.setObject(3, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
            return single(st);
        }
    }

    /** Audit rows of {@code action} on the device by the admin's token, whose details contain {@code details}. */
    private long auditRows(String action, String details) throws SQLException {
        String sql = "SELECT count(*) FROM audit_log WHERE action = ? AND target = ? AND actor LIKE '%console-admin%'"
                + (details == null ? "" : " AND details @> ?::jsonb");
        try (Connection c = gateway.dataSource().getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, action);
            st.setString(2, "device:" + imei);
            if (details != null) {
                st.setString(3, details);
            }
            return single(st);
        }
    }

    private static long single(PreparedStatement st) throws SQLException {
        try (ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String api(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.httpPort() + "/api/v1" + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + adminToken);
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), () -> method + " " + path + ": " + response.body());
        return response.body();
    }
}
