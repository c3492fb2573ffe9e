package dev.telemask.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemask.codec.CommandMessage;
import dev.telemask.gateway.api.ApiTokens;
import dev.telemask.gateway.api.Role;
import dev.telemask.gateway.resilience.Eventually;
import dev.telemask.simulator.DeviceClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Commands to devices end to end on two gateway instances sharing one database: the API of one queues a command,
 * the instance holding the device's connection sends it, the answer comes back through the database, and the
 * answer to a command that locates the device shows only what the device's policy lets a position of now show.
 */
abstract class CommandsContract extends GatewayTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WITHIN = Duration.ofSeconds(20);
    /** Where the answers below say the device is: must never be stored while the policy hides it. */
    private static final String GPS_ANSWER = "GPS:1 Sat:9 Lat:52.517036 Long:13.388860 Alt:40 Speed:50 Dir:90";

    private final HttpClient http = HttpClient.newHttpClient();
    private Gateway other;
    private String admin;
    private String viewer;

    @BeforeAll
    void startTheOtherInstanceAndSignIn() throws Exception {
        other = startAnotherGateway();
        ApiTokens tokens = new ApiTokens(gateway.dataSource());
        admin = tokens.create("acme", Role.ADMIN, null, "ops", null).token();
        viewer = tokens.create("acme", Role.VIEWER, null, "dispatch", null).token();
    }

    @AfterAll
    void stopTheOtherInstance() throws Exception {
        if (other != null) {
            other.close();
        }
    }

    @Test
    void aCommandReachesTheDeviceOnTheOtherInstanceAndItsAnswerComesBack() throws Exception {
        long imei = device(officePolicy);
        try (DeviceClient device = connectTo(other, imei)) {
            // getver: its answer (firmware, hardware) does not locate, so it comes back as sent.
            JsonNode queued = call("POST", "/devices/" + imei + "/commands", admin, "{\"text\": \"getver\"}", 202);
            assertEquals("queued", queued.get("state").asText());

            CommandMessage command = device.readCommand();
            assertEquals(CommandMessage.TYPE_COMMAND, command.type());
            assertEquals("getver", new String(command.payload(), StandardCharsets.US_ASCII));
            device.answerCommand("Ver:03.27.07_Rev:00 GPS Ver:AXN_5.10 Hw:FMB920 Mod:13");

            JsonNode answered = answered(imei, queued.get("id").asLong());
            assertEquals("Ver:03.27.07_Rev:00 GPS Ver:AXN_5.10 Hw:FMB920 Mod:13", answered.get("answer").asText());
            assertEquals("as-sent", answered.get("answerTreatment").asText());
            assertEquals(1, call("GET", "/devices/" + imei + "/commands", admin, null, 200).get("items").size());
            assertEquals(1, count("SELECT count(*) FROM audit_log WHERE action = 'command.queue' AND target = 'device:"
                    + imei + "'"));
        }
    }

    @Test
    void aCommandForAnOfflineDeviceWaitsForItsConnectionOrExpires() throws Exception {
        long imei = device(officePolicy);
        long waiting = call("POST", "/devices/" + imei + "/commands", admin, "{\"text\": \"getver\"}", 202)
                .get("id").asLong();
        long expiring = call("POST", "/devices/" + imei + "/commands", admin,
                "{\"text\": \"getinfo\", \"expiresIn\": \"PT1S\"}", 202).get("id").asLong();
        Eventually.holds(() -> state(imei, expiring).equals("expired"), WITHIN, () -> "command expired");
        assertEquals("queued", state(imei, waiting));

        try (DeviceClient device = connectTo(gateway, imei)) {
            assertEquals("getver", new String(device.readCommand().payload(), StandardCharsets.US_ASCII));
            device.answerCommand("Ver:03.28.07_04 GPS:AXN_5.10_3333 Hw:FMB920 Mod:13 IMEI:" + imei);
            answered(imei, waiting);
        }
        assertEquals("expired", state(imei, expiring), "an expired command is never sent");
    }

    @Test
    void onlyAdminsSendAndOnlyWhatTheFleetAllows() throws Exception {
        long imei = device(officePolicy);
        JsonNode refused = call("POST", "/devices/" + imei + "/commands", admin, "{\"text\": \"cpureset\"}", 403);
        assertTrue(refused.toString().contains("allow-list"), refused.toString());
        call("POST", "/devices/" + imei + "/commands", viewer, "{\"text\": \"getinfo\"}", 403);
        call("GET", "/devices/" + imei + "/commands", viewer, null, 403);
        call("POST", "/devices/" + imei + "/commands", admin, "{\"text\": \"getinfo\\u0000\"}", 400);
        call("POST", "/devices/" + imei + "/commands", admin, "{\"text\": \"getinfo\", \"expiresIn\": \"P30D\"}", 400);
        call("PUT", "/commands/allowed", admin, "{\"commands\": [\"CPU RESET\"]}", 400);
        JsonNode reconfigure = call("PUT", "/commands/allowed", admin, "{\"commands\": [\"getinfo\", \"setparam\"]}",
                400);
        assertTrue(reconfigure.toString().contains("'setparam' is not a command the gateway sends"),
                "a command that could point the device's data past the privacy engine is never sent: " + reconfigure);
        assertEquals(0, count("SELECT count(*) FROM device_commands WHERE imei = " + imei), "nothing refused is queued");
    }

    @Test
    void aLocatingAnswerShowsOnlyWhatThePolicyLetsAPositionOfNowShow() throws Exception {
        call("PUT", "/commands/allowed", admin, "{\"commands\": [\"getgps\", \"getinfo\", \"getver\"]}", 200);
        try {
            // Driving, its records of the last two minutes decided and stored: the answer is a record of now.
            long driving = device(officePolicy);
            try (DeviceClient device = connectTo(other, driving)) {
                device.sendFrame(Drives.driving(System.currentTimeMillis() - 130_000, 3));
                assertEquals(3, device.readAck());
                Eventually.holds(() -> decided(driving) == 3, WITHIN, () -> "records decided");
                assertEquals("exact", ask(device, driving).get("answerTreatment").asText());
            }

            // The driver's private switch is on.
            long switched = device(officePolicy);
            call("POST", "/devices/" + switched + "/private-mode", admin,
                    "{\"until\": \"" + Instant.now().plus(Duration.ofHours(1)) + "\"}", 200);
            try (DeviceClient device = connectTo(gateway, switched)) {
                device.sendFrame(Drives.driving(System.currentTimeMillis() - 130_000, 3));
                assertEquals(3, device.readAck());
                assertWithheld(ask(device, switched));
                // An answer that states a position is masked as one, whatever the command asked.
                long info = call("POST", "/devices/" + switched + "/commands", admin, "{\"text\": \"getver\"}", 202)
                        .get("id").asLong();
                assertEquals("getver", new String(device.readCommand().payload(), StandardCharsets.US_ASCII));
                device.answerCommand(GPS_ANSWER);
                assertWithheld(answered(switched, info));
            }

            // No record decided yet: nothing says the vehicle is not on a private trip.
            long silent = device(officePolicy);
            try (DeviceClient device = connectTo(other, silent)) {
                assertWithheld(ask(device, silent));
            }

            // A private trip in progress (the device's private-mode button).
            long privateTrip = device(officePolicy);
            try (DeviceClient device = connectTo(other, privateTrip)) {
                device.sendFrame(Drives.privateMode(System.currentTimeMillis() - 130_000, 3));
                assertEquals(3, device.readAck());
                Eventually.holds(() -> decided(privateTrip) == 3, WITHIN, () -> "records decided");
                assertWithheld(ask(device, privateTrip));
            }

            // Nowhere in the database, nor in the export, is the position the hidden answers stated.
            try (Connection c = gateway.dataSource().getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT string_agg(t::text, ' ') FROM device_commands t WHERE imei IN ("
                         + switched + ", " + silent + ", " + privateTrip + ")")) {
                rs.next();
                assertFalse(withoutTimes(rs.getString(1)).contains("52.51"), rs.getString(1));
                assertFalse(withoutTimes(rs.getString(1)).contains("13.38"), rs.getString(1));
            }
            String export = raw("GET", "/devices/" + privateTrip + "/export", admin);
            assertTrue(export.contains("\"answerTreatment\":\"withheld\""), export);
            assertFalse(withoutTimes(export).contains("52.51"), export);
        } finally {
            call("PUT", "/commands/allowed", admin, "{\"commands\": []}", 200);
        }
    }

    private JsonNode ask(DeviceClient device, long imei) throws Exception {
        long id = call("POST", "/devices/" + imei + "/commands", admin, "{\"text\": \"getgps\"}", 202).get("id")
                .asLong();
        assertEquals("getgps", new String(device.readCommand().payload(), StandardCharsets.US_ASCII));
        device.answerCommand(GPS_ANSWER);
        return answered(imei, id);
    }

    private static void assertWithheld(JsonNode command) {
        assertEquals("withheld", command.get("answerTreatment").asText(), command.toString());
        assertFalse(command.get("answer").asText().contains("52.51"), command.toString());
    }

    private DeviceClient connectTo(Gateway instance, long imei) throws Exception {
        DeviceClient client = new DeviceClient(instance.devicePort());
        assertEquals(dev.telemask.codec.TcpAvlCodec.HANDSHAKE_ACCEPTED, client.handshake(imei));
        return client;
    }

    private JsonNode answered(long imei, long id) throws Exception {
        Eventually.holds(() -> state(imei, id).equals("answered"), WITHIN, () -> "command " + id + " answered");
        return call("GET", "/devices/" + imei + "/commands/" + id, admin, null, 200);
    }

    private String state(long imei, long id) {
        try {
            return call("GET", "/devices/" + imei + "/commands/" + id, admin, null, 200).get("state").asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Records of the device decided and stored (not waiting sealed). */
    private long decided(long imei) {
        try {
            return count(imei) - sealed(imei);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private long count(String sql) throws Exception {
        return insertReturningId(sql);
    }

    private JsonNode call(String method, String path, String token, String body, int status) throws Exception {
        HttpResponse<String> response = send(method, path, token, body);
        assertEquals(status, response.statusCode(), method + " " + path + ": " + response.body());
        return response.body().isEmpty() ? null : JSON.readTree(response.body());
    }

    private String raw(String method, String path, String token) throws Exception {
        HttpResponse<String> response = send(method, path, token, null);
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort()
                + "/api/v1" + path)).header("Authorization", "Bearer " + token);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
