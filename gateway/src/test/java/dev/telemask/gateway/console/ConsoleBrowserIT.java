package dev.telemask.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemask.gateway.DeviceClient;
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
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fleet console end to end: a real gateway with a device that drove a business trip and a private trip, the
 * console in headless Chromium signed in as the fleet's admin and then as the driver. The map draws the business
 * trip, nothing the browser receives or shows holds a coordinate of the private trip, and the driver's switch
 * reaches the API. Screenshots land in target/console-e2e.
 */
class ConsoleBrowserIT extends GatewayTestBase.ForOtherPackages {
    private static final int GRID_METRES = 200;
    /** Coarsened to a 200 m grid, with a privacy zone away from the track; Vilnius time. */
    private static final String FIELD_STAFF_POLICY = """
            {"version": 1, "consent": {"location": true, "driverIdentity": true, "telemetry": true},
             "coarsening": {"gridMetres": %d},
             "zones": [{"name": "home", "latitude": 54.6800, "longitude": 25.2300, "radiusMetres": 400}]}"""
            .formatted(GRID_METRES);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ConsoleBrowser browser =
            new ConsoleBrowser(Path.of(System.getProperty("telemask.console.dir", "target/console-e2e")));
    private long imei;
    private LocalDate day;
    private String adminToken;
    private String driverToken;

    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.EMBEDDED;
    }

    @BeforeAll
    void seed() throws Exception {
        imei = device(policy("field-staff", FIELD_STAFF_POLICY));
        ApiTokens tokens = new ApiTokens(gateway.dataSource());
        adminToken = tokens.create("acme", Role.ADMIN, null, "console-admin").token();
        driverToken = tokens.create("acme", Role.DRIVER, imei, "console-driver").token();

        // Yesterday, so the day is whole and well inside retention.
        day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        long morning = day.atTime(8, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
        try (DeviceClient device = connectAccepted(imei)) {
            device.sendFrame(ConsoleDrives.businessTrip(morning));
            assertEquals(ConsoleDrives.RECORDS_PER_TRIP + 1, device.readAck(), "business trip stored");
            device.sendFrame(ConsoleDrives.privateTrip(morning + 4 * 3_600_000L));
            assertEquals(ConsoleDrives.RECORDS_PER_TRIP + 1, device.readAck(), "private trip stored");
        }
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
                "privateNeedles", ConsoleDrives.privateNeedles(),
                "businessNeedles", ConsoleDrives.businessNeedles(GRID_METRES),
                "outDir", browser.dir().toString()));
        assertFalse(result.has("failure"), () -> "the browser script failed: " + result.get("failure").asText());

        assertTrue(result.get("businessLines").asInt() >= 1, "the business trip is drawn as a line: " + result);
        assertTrue(result.get("coarseCells").asInt() >= 1, "coarsened points are drawn as cells: " + result);
        assertEquals(1, result.get("zones").asInt(), "the policy's privacy zone is drawn for the admin");
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
        for (JsonNode screenshot : result.get("screenshots")) {
            assertTrue(Files.size(Path.of(screenshot.asText())) > 10_000, "screenshot taken: " + screenshot);
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
