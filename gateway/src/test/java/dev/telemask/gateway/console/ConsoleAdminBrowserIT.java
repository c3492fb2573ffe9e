package dev.telemask.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's administration in headless Chromium, against a real gateway: an admin registers a device (a bad
 * IMEI shows the API's reason beside the field), edits a policy in the form (a grace window above the limit shows
 * the API's reason beside that field; good values save version 2) with a privacy zone placed on the map, whose
 * centre appears nowhere after a reload; makes a token that is shown once and works, revokes it, relabels and
 * removes the device. A viewer sees none of these controls, and the API refuses the calls behind them.
 */
class ConsoleAdminBrowserIT extends GatewayTestBase.ForOtherPackages {
    private static final String POLICY = """
            {"name": "field-staff", "document": {"version": 1,
             "consent": {"location": true, "driverIdentity": true, "telemetry": true},
             "coarsening": {"gridMetres": 200},
             "zones": [{"name": "depot", "latitude": 54.6000, "longitude": 25.0000, "radiusMetres": 400}]}}""";
    /** Markup on purpose: the console must show these as text. */
    private static final String LABEL = "van <b>9</b>";
    private static final String ZONE_NAME = "<b>school</b>";
    private static final String TOKEN_NAME = "<i>dispatch</i> tablet";
    private static final String NEW_IMEI = "356307042441013";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ConsoleBrowser browser =
            new ConsoleBrowser(Path.of(System.getProperty("telemask.console.dir", "target/console-e2e")));
    private String adminToken;
    private String viewerToken;
    private long policyId;
    private long viewerDevice;

    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.EMBEDDED;
    }

    @BeforeAll
    void seed() throws Exception {
        ApiTokens tokens = new ApiTokens(gateway.dataSource());
        adminToken = tokens.create("acme", Role.ADMIN, null, "console-admin", null).token();
        viewerToken = tokens.create("acme", Role.VIEWER, null, "console-viewer", null).token();
        // Through the API, as an admin would: the depot's centre is sealed and the zone gets its id.
        policyId = JSON.readTree(api("POST", "/policies", POLICY, 201)).get("id").asLong();
        viewerDevice = device(policyId);
    }

    @Test
    void adminManagesTheFleetInThePageAndAViewerCannot() throws Exception {
        browser.assumeReady();
        JsonNode result = browser.run("console-admin.mjs", Map.ofEntries(
                Map.entry("baseUrl", "http://127.0.0.1:" + gateway.httpPort()),
                Map.entry("adminToken", adminToken),
                Map.entry("viewerToken", viewerToken),
                Map.entry("policyId", policyId),
                Map.entry("viewerImei", Long.toString(viewerDevice)),
                Map.entry("imei", NEW_IMEI),
                Map.entry("label", LABEL),
                Map.entry("relabel", "van 9 (north)"),
                Map.entry("zoneName", ZONE_NAME),
                Map.entry("tokenName", TOKEN_NAME),
                Map.entry("outDir", browser.dir().toString())));
        assertFalse(result.has("failure"), () -> "the browser script failed: " + result.get("failure").asText()
                + "\nthe pages said: " + result.get("failureMessages"));
        assertEquals(List.of(), JSON.convertValue(result.get("consoleErrors"), List.class), "no script errors");

        // Register: the bad IMEI's reason beside the IMEI field, then the device listed with its label as text.
        assertTrue(result.get("imeiError").asText().contains("exactly 15 digits"), result.toString());
        assertTrue(result.get("imeiErrorBesideField").asBoolean(), "the reason sits after the IMEI field");
        assertEquals(0, result.get("imeiErrorAfter").asInt(), "the reason goes once the device is registered");
        assertTrue(result.get("registeredRow").asText().contains(LABEL), result.get("registeredRow").asText());
        assertTrue(result.get("registeredRow").asText().contains("field-staff"), "its policy is listed");
        assertEquals(0, result.get("registeredLabelMarkup").asInt(), "the label's markup is not parsed");

        // Policy: a new one under a taken name is refused beside the name field.
        assertTrue(result.get("nameTakenError").asText().contains("already has a policy named"), result.toString());
        // The form read the stored document; the API's reason for the grace window beside that field.
        assertEquals("200", result.get("policyFormBefore").get("grid").asText(), result.toString());
        assertTrue(result.get("policyFormBefore").get("zones").get(0).asText().contains("centre sealed"),
                result.get("policyFormBefore").toString());
        assertTrue(result.get("graceError").asText().contains("must be between PT0S and PT1H"), result.toString());
        assertTrue(result.get("graceErrorBesideField").asBoolean(), "the reason sits after the grace window field");
        assertEquals(200, result.get("saveStatus").asInt(), result.toString());
        assertTrue(result.get("policyStatus").asText().contains("version 2"), result.toString());
        assertEquals(0, result.get("graceErrorsAfterSave").asInt(), "no reason left once saved");
        JsonNode sent = result.get("sentZones");
        assertEquals(2, sent.size(), sent.toString());
        assertTrue(sent.get(0).has("id") && !sent.get(0).has("latitude"),
                "the depot is sent back by its id, without a centre (the console has none): " + sent);
        assertNotNull(result.get("zoneCentre"), "the zone placed on the map was sent with its centre");

        JsonNode policy = JSON.readTree(api("GET", "/policies/" + policyId, null, 200));
        assertEquals(2, policy.get("version").asInt(), policy.toString());
        JsonNode document = policy.get("document");
        assertEquals("PT3M", document.at("/privateTrips/graceWindow").asText(), document.toString());
        assertEquals(300, document.at("/coarsening/gridMetres").asInt(), document.toString());
        assertEquals("Europe/Vilnius", document.at("/privateTrips/businessSchedule/timeZone").asText());
        assertEquals("[\"07:00-12:00\",\"13:00-19:00\"]",
                document.at("/privateTrips/businessSchedule/days/monday").toString());
        JsonNode zones = document.get("zones");
        assertEquals(2, zones.size(), zones.toString());
        assertEquals(ZONE_NAME, zones.get(1).get("name").asText());
        assertEquals(250, zones.get(1).get("radiusMetres").asInt());
        assertEquals("sealed", zones.get(1).get("centre").asText());
        assertEquals("sealed", zones.get(0).get("centre").asText(), "the depot kept its centre: " + zones);
        assertEquals(1, auditRows("policy.update", "policy:" + policyId));

        // The zone after a reload: by name and radius, drawn nowhere, its centre in no page nor response.
        for (String listed : List.of("zonesAfterSave", "zonesAfterReload")) {
            JsonNode zone = result.get(listed).get(1);
            assertEquals(ZONE_NAME, zone.get("name").asText(), listed + ": " + result.get(listed));
            assertEquals("250", zone.get("radius").asText(), listed + ": " + result.get(listed));
            assertEquals("centre sealed", zone.get("centre").asText(), listed + ": " + result.get(listed));
        }
        assertEquals(0, result.get("zoneNameMarkup").asInt(), "the zone's name is text");
        assertEquals(0, result.get("zoneCirclesAfterSave").asInt(), "nothing drawn where the zone was placed");
        assertEquals(0, result.get("zoneDrawingsAfterReload").asInt(), "no zone drawn after the reload");
        assertTrue(result.get("responsesAfterReload").asInt() > 3, "the check saw the API's answers");
        assertEquals(4, result.get("zoneNeedles").size(), result.toString());
        assertEquals(List.of(), JSON.convertValue(result.get("zoneCentreFound"), List.class),
                "the zone's centre is nowhere in the page or the API's answers after the reload");

        // Token: shown once, it worked; hidden when done; revoked, it is refused.
        assertTrue(result.get("secretWarning").asText().contains("Shown once"), result.toString());
        assertEquals("tmk_", result.get("secretPrefix").asText());
        assertEquals(200, result.get("secretWorks").asInt(), "the new token works");
        assertEquals("Copied.", result.get("copyStatus").asText());
        assertTrue(result.get("clipboardHoldsSecret").asBoolean(), "the copy button copies the token");
        assertFalse(result.get("secretStillInPage").asBoolean(), "the secret leaves the page when done");
        assertTrue(result.get("tokenRow").asText().contains(TOKEN_NAME), result.get("tokenRow").asText());
        assertEquals(0, result.get("tokenNameMarkup").asInt());
        assertTrue(result.get("tokenRowAfterRevoke").asText().contains("revoked"), result.toString());
        assertEquals(401, result.get("secretAfterRevoke").asInt(), "the revoked token is refused");
        JsonNode listed = null;
        for (JsonNode token : JSON.readTree(api("GET", "/tokens", null, 200)).get("items")) {
            if (TOKEN_NAME.equals(token.get("name").asText())) {
                listed = token;
            }
        }
        assertNotNull(listed, "the token is the API's");
        assertEquals("viewer", listed.get("role").asText());
        assertFalse(listed.get("live").asBoolean());
        Duration lifetime = Duration.between(Instant.parse(listed.get("createdAt").asText()),
                Instant.parse(listed.get("expiresAt").asText()));
        assertEquals(Duration.ofDays(30), lifetime, "the chosen expiry");
        assertEquals(1, auditRows("token.create", "token:" + listed.get("id").asText()));
        assertEquals(1, auditRows("token.revoke", "token:" + listed.get("id").asText()));

        // Relabel, then remove: the device is gone from the API, each step audited.
        assertTrue(result.get("relabelledRow").asText().contains("van 9 (north)"), result.toString());
        assertTrue(result.get("removeQuestion").asText().contains(NEW_IMEI), result.toString());
        assertEquals(404, status("GET", "/devices/" + NEW_IMEI, adminToken));
        for (String action : List.of("device.register", "device.update", "device.delete")) {
            assertEquals(1, auditRows(action, "device:" + NEW_IMEI), action);
        }

        // The viewer: no admin control in the page, and the API refuses every admin call.
        assertTrue(result.get("viewerRole").asText().contains("viewer"), result.toString());
        assertEquals(List.of(), JSON.convertValue(result.get("viewerAdminControlsVisible"), List.class),
                "buttons the viewer sees: " + result.get("viewerButtons"));
        List<String> notRefused = new ArrayList<>();
        result.get("viewerRefused").properties().forEach(call -> {
            if (call.getValue().asInt() != 403) {
                notRefused.add(call.getKey() + "=" + call.getValue());
            }
        });
        assertEquals(List.of(), notRefused, "every admin call answers a viewer 403");
        assertEquals("field-staff", JSON.readTree(api("GET", "/policies/" + policyId, null, 200)).get("name")
                .asText());
        assertEquals(2, JSON.readTree(api("GET", "/policies/" + policyId, null, 200)).get("version").asInt(),
                "the viewer's edit did not save");

        for (JsonNode screenshot : result.get("screenshots")) {
            assertTrue(Files.size(Path.of(screenshot.asText())) > 10_000, "screenshot taken: " + screenshot);
        }
    }

    private long auditRows(String action, String target) throws Exception {
        String sql = "SELECT count(*) FROM audit_log WHERE action = ? AND target = ? AND actor LIKE '%console-admin%'";
        try (Connection c = gateway.dataSource().getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, action);
            st.setString(2, target);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private int status(String method, String path, String token) throws Exception {
        return send(method, path, null, token).statusCode();
    }

    private String api(String method, String path, String body, int expected) throws Exception {
        HttpResponse<String> response = send(method, path, body, adminToken);
        assertEquals(expected, response.statusCode(), () -> method + " " + path + ": " + response.body());
        return response.body();
    }

    private HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.httpPort() + "/api/v1" + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token);
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
