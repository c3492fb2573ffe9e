package dev.telemask.gateway.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemask.gateway.Drives;
import dev.telemask.gateway.Gateway;
import dev.telemask.gateway.GatewayTestBase;
import dev.telemask.gateway.api.ApiTokens;
import dev.telemask.gateway.api.Role;
import dev.telemask.simulator.DeviceClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An adversary reading a device's answers to commands (the API, the export, a database dump) after the data subject
 * restricted the device's processing or had a time range erased: an answer that states where the device was is then
 * gone like the records, whenever the command was queued.
 */
public abstract class OutboundCommandAnswers extends GatewayTestBase.ForOtherPackages {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WITHIN = Duration.ofSeconds(20);
    /** Where the device says it is. */
    private static final String GPS_ANSWER = "GPS:1 Sat:9 Lat:52.517036 Long:13.388860 Alt:40 Speed:50 Dir:90";

    private final HttpClient http = HttpClient.newHttpClient();
    private String admin;

    @BeforeAll
    void allowGetgps() throws Exception {
        admin = new ApiTokens(gateway.dataSource()).create("acme", Role.ADMIN, null, "ops", null).token();
        call("PUT", "/commands/allowed", "{\"commands\": [\"getgps\", \"getinfo\"]}", 200);
    }

    @Test
    void aRestrictedDevicesAnswerStatesNoPosition() throws Exception {
        long imei = device(officePolicy);
        try (DeviceClient device = connectAccepted(imei)) {
            // Driving, its last minutes decided and exact: until the restriction, a getgps answer would be kept.
            sendAcknowledged(device, Drives.driving(System.currentTimeMillis() - 130_000, 3));
            Eventually.holds(() -> decided(imei) == 3, WITHIN, () -> "records decided");
            call("POST", "/devices/" + imei + "/restrict", null, 200);
            // A record received after the restriction returned is dropped: the connection has taken it up.
            sendAcknowledged(device, Drives.driving(System.currentTimeMillis() - 5_000, 1));
            assertEquals(3, decided(imei), "nothing stored while restricted");

            for (String text : new String[] {"getgps", "getinfo"}) {
                JsonNode answer = ask(device, imei, text);
                assertEquals("withheld", answer.get("answerTreatment").asText(), text + ": " + answer);
            }
            // getinfo as the device really answers it, stating no position: its fix state and satellites (a garage
            // or open sky), the time of its last fix. Nothing of a restricted device is processed.
            JsonNode info = ask(device, imei, "getinfo", "RTC:2026/11/27 7:0 Init:2026/11/27 6:52 UpTime:531s"
                    + " PWR:SoftReset RST:0 GPS:2 SAT:0 TTFF:29 TTLF:3614 NOGPS:0:0 SR:7 FG:0 FL:0 SMS:0 REC:0 MD:0 DB:0",
                    () -> null);
            assertEquals("withheld", info.get("answerTreatment").asText(), info.toString());
            assertFalse(info.toString().contains("TTLF"), info.toString());
        }
        assertNowhere(imei);
    }

    @Test
    void getinfoDuringPrivateModeDoesNotTellTheFixStateTheSatellitesOrRoaming() throws Exception {
        long imei = device(officePolicy);
        // getinfo as the device answers it: GPS:3 a fix under open sky, SAT:11 satellites, MD:3 roaming on move
        // (abroad): what a private record is stored without (satellites, the operator), on the default allow-list.
        String info = "RTC:2026/11/27 7:0 Init:2026/11/27 6:52 UpTime:531s PWR:SoftReset RST:0 GPS:3 SAT:11"
                + " TTFF:29 TTLF:1 NOGPS:0:0 SR:7 FG:0 FL:0 SMS:0 REC:0 MD:3 DB:0";
        try (DeviceClient device = connectAccepted(imei)) {
            sendAcknowledged(device, Drives.driving(System.currentTimeMillis() - 130_000, 3));
            Eventually.holds(() -> decided(imei) == 3, WITHIN, () -> "records decided");
            JsonNode seen = ask(device, imei, "getinfo", info, () -> null);
            assertEquals("exact", seen.get("answerTreatment").asText(), "kept where a record of now is: " + seen);
            assertEquals(info, seen.get("answer").asText());

            call("POST", "/devices/" + imei + "/private-mode", "{\"until\": \""
                    + Instant.now().plus(Duration.ofHours(1)) + "\"}", 200);
            JsonNode hidden = ask(device, imei, "getinfo", info, () -> null);
            assertEquals("withheld", hidden.get("answerTreatment").asText(), hidden.toString());
            String export = raw("/devices/" + imei + "/export");
            assertEquals(1, export.split("SAT:11", -1).length - 1, "only the answer from before: " + export);
        }
    }

    @Test
    void anAnswerInAnErasedRangeIsErasedThoughItsCommandWasQueuedBefore() throws Exception {
        long imei = device(officePolicy);
        try (DeviceClient device = connectAccepted(imei)) {
            sendAcknowledged(device, Drives.driving(System.currentTimeMillis() - 130_000, 3));
            Eventually.holds(() -> decided(imei) == 3, WITHIN, () -> "records decided");
            JsonNode answer = ask(device, imei, "getgps");
            assertEquals("exact", answer.get("answerTreatment").asText(), answer.toString());
        }
        Instant created;
        Instant answered;
        try (Connection c = gateway.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT created_at, answered_at FROM device_commands WHERE imei = " + imei)) {
            assertTrue(rs.next());
            created = rs.getObject(1, Timestamp.class).toInstant();
            answered = rs.getObject(2, Timestamp.class).toInstant();
        }
        assertTrue(created.isBefore(answered));
        // From after the command was queued: the range holds the moment the device said where it was.
        Instant from = created.plusNanos(Duration.between(created, answered).toNanos() / 2);
        call("POST", "/devices/" + imei + "/erase?from=" + from + "&to=" + answered.plusSeconds(60), null, 200);
        assertNowhere(imei);
    }

    @Test
    void anAnswerGivenRightAfterPrivateModeWasSetOnAnotherInstanceIsWithheld() throws Exception {
        try (Gateway other = startAnotherGateway()) {
            for (int round = 0; round < 3; round++) {
                long imei = device(officePolicy);
                try (DeviceClient device = connectAccepted(imei)) {
                    sendAcknowledged(device, Drives.driving(System.currentTimeMillis() - 130_000, 3));
                    Eventually.holds(() -> decided(imei) == 3, WITHIN, () -> "records decided");
                    // The driver switches private mode on, on another instance, while the device holds a getgps; it
                    // answers the moment the call returned, before its connection can have heard of the switch.
                    JsonNode answer = ask(device, imei, "getgps", () -> call(other, "POST", "/devices/" + imei
                            + "/private-mode", "{\"until\": \"" + Instant.now().plus(Duration.ofHours(1)) + "\"}",
                            200));
                    assertEquals("withheld", answer.get("answerTreatment").asText(), "round " + round + ": " + answer);
                }
                assertNowhere(imei);
            }
        }
    }

    @Test
    void anAnswerOfRawIoValuesIsWithheldUnderAZoneThoughTheDeviceIsSeenExactly() throws Exception {
        long imei = device(officePolicy);
        // The driver's home, 20 km from where the vehicle drives: its records are exact, but every mileage published
        // after a stay at home has the way hidden taken out, and the counters that would time it are removed.
        String driver = new ApiTokens(gateway.dataSource()).create("acme", Role.DRIVER, imei, "driver", null).token();
        HttpResponse<String> zone = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + gateway.httpPort() + "/api/v1/devices/" + imei + "/zones"))
                .header("Authorization", "Bearer " + driver).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"home\", \"latitude\": 54.85,"
                        + " \"longitude\": 25.45, \"radiusMetres\": 300}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, zone.statusCode(), zone.body());
        call("PUT", "/commands/allowed", "{\"commands\": [\"getgps\", \"getinfo\", \"readio\"]}", 200);
        try (DeviceClient device = connectAccepted(imei)) {
            sendAcknowledged(device, Drives.driving(System.currentTimeMillis() - 130_000, 3));
            Eventually.holds(() -> decided(imei) == 3, WITHIN, () -> "records decided");
            // The raw odometer beside the shifted one of the track is how far zones hid the vehicle; the runtime
            // since the engine started, how long ago it left home.
            JsonNode answer = ask(device, imei, "readio 16", "IO ID:16 Value:98765432", () -> null);
            assertEquals("withheld", answer.get("answerTreatment").asText(), answer.toString());
            assertFalse(answer.toString().contains("98765432"), answer.toString());
            JsonNode gps = ask(device, imei, "getgps");
            assertEquals("exact", gps.get("answerTreatment").asText(), "a stated position is masked as a record: " + gps);
        } finally {
            call("PUT", "/commands/allowed", "{\"commands\": [\"getgps\", \"getinfo\"]}", 200);
        }
    }

    @Test
    void anAnswerOfIoValuesKeepsOnlyWhatTheConsentLetsARecordKeep() throws Exception {
        // The driver gave location consent, withdrew driver identity and telemetry: an exact record of now keeps
        // neither the iButton (78) nor the inputs, only the mileage and what the trip logic reads.
        long imei = device(policy("no-identity-no-telemetry", "{\"version\": 1, \"consent\": {\"location\": true,"
                + " \"driverIdentity\": false, \"telemetry\": false}, \"privateTrips\": {\"graceWindow\": \"PT0S\"}}"));
        call("PUT", "/commands/allowed", "{\"commands\": [\"getgps\", \"getinfo\", \"getio\", \"readio\"]}", 200);
        try (DeviceClient device = connectAccepted(imei)) {
            sendAcknowledged(device, Drives.driving(System.currentTimeMillis() - 130_000, 3));
            Eventually.holds(() -> decided(imei) == 3, WITHIN, () -> "records decided");
            JsonNode gps = ask(device, imei, "getgps");
            assertEquals("exact", gps.get("answerTreatment").asText(), "a record of now is exact: " + gps);
            // The admin reads the driver's key by command instead.
            JsonNode ibutton = ask(device, imei, "readio 78", "IO ID:78 Value:1085102592571150095", () -> null);
            assertEquals("withheld", ibutton.get("answerTreatment").asText(), "driver identity: " + ibutton);
            JsonNode inputs = ask(device, imei, "getio", "DI1:1 DI2:0 DI3:1 AIN1:12345 AIN2:0 DO1:1 DO2:0",
                    () -> null);
            assertEquals("withheld", inputs.get("answerTreatment").asText(), "telemetry: " + inputs);
            JsonNode odometer = ask(device, imei, "readio 16", "IO ID:16 Value:98765432", () -> null);
            assertEquals("exact", odometer.get("answerTreatment").asText(),
                    "the mileage, which a record keeps without telemetry consent: " + odometer);
            String export = raw("/devices/" + imei + "/export");
            assertFalse(export.contains("1085102592571150095"), export);
            assertFalse(export.contains("AIN1:12345"), export);
        } finally {
            call("PUT", "/commands/allowed", "{\"commands\": [\"getgps\", \"getinfo\"]}", 200);
        }
    }

    // ---- what the adversary reads ---------------------------------------------------------------------

    private void assertNowhere(long imei) throws Exception {
        String listed = call("GET", "/devices/" + imei + "/commands", null, 200).toString();
        String export = raw("/devices/" + imei + "/export");
        String dump;
        try (Connection c = gateway.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce(string_agg(t::text, ' '), '') FROM device_commands t"
                     + " WHERE imei = " + imei)) {
            rs.next();
            dump = rs.getString(1);
        }
        for (String needle : new String[] {"52.51", "13.38"}) {
            assertFalse(withoutTimes(listed).contains(needle), "listed: " + listed);
            assertFalse(withoutTimes(export).contains(needle), "exported: " + export);
            assertFalse(withoutTimes(dump).contains(needle), "in the database: " + dump);
        }
    }


    private JsonNode ask(DeviceClient device, long imei, String text) throws Exception {
        return ask(device, imei, text, () -> null);
    }

    /** Queues command {@code text}; once the device has it, calls {@code beforeAnswer}, then the device answers. */
    private JsonNode ask(DeviceClient device, long imei, String text, java.util.concurrent.Callable<?> beforeAnswer)
            throws Exception {
        return ask(device, imei, text, GPS_ANSWER, beforeAnswer);
    }

    /** As above, the device answering {@code answerText}. */
    private JsonNode ask(DeviceClient device, long imei, String text, String answerText,
                         java.util.concurrent.Callable<?> beforeAnswer) throws Exception {
        long id = call("POST", "/devices/" + imei + "/commands", "{\"text\": \"" + text + "\"}", 202).get("id")
                .asLong();
        assertEquals(text, new String(device.readCommand().payload(), StandardCharsets.US_ASCII));
        beforeAnswer.call();
        device.answerCommand(answerText);
        Eventually.holds(() -> state(imei, id).equals("answered"), WITHIN, () -> "command " + id + " answered");
        return call("GET", "/devices/" + imei + "/commands/" + id, null, 200);
    }

    private String state(long imei, long id) {
        try {
            return call("GET", "/devices/" + imei + "/commands/" + id, null, 200).get("state").asText();
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

    private JsonNode call(String method, String path, String body, int status) throws Exception {
        return call(gateway, method, path, body, status);
    }

    private JsonNode call(Gateway api, String method, String path, String body, int status) throws Exception {
        HttpResponse<String> response = send(api, method, path, body);
        assertEquals(status, response.statusCode(), method + " " + path + ": " + response.body());
        return response.body().isEmpty() ? null : JSON.readTree(response.body());
    }

    private String raw(String path) throws Exception {
        HttpResponse<String> response = send(gateway, "GET", path, null);
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private HttpResponse<String> send(Gateway api, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.httpPort()
                + "/api/v1" + path)).header("Authorization", "Bearer " + admin);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
