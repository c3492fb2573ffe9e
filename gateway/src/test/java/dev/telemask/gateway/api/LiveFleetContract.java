package dev.telemask.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemask.simulator.DeviceClient;
import dev.telemask.gateway.Drives;
import dev.telemask.gateway.Gateway;
import dev.telemask.gateway.GatewayTestBase;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /fleet/live} on a real database: a fleet's devices at their newest stored (masked) row, then each
 * committed position as it comes, from whichever instance's writer committed it; never another tenant's device, a
 * driver only its own, a private record without coordinates; bounded in streams, and a closed stream frees its
 * place.
 */
abstract class LiveFleetContract extends GatewayTestBase.ForOtherPackages {
    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_STREAMS = 3;

    private String adminToken;
    private String viewerToken;
    private ApiTokens tokens;

    @Override
    protected Map<String, String> gatewayConfiguration() {
        return Map.of("api.live-clients", Integer.toString(MAX_STREAMS));
    }

    @BeforeAll
    void tokens() throws Exception {
        tokens = new ApiTokens(gateway.dataSource());
        adminToken = tokens.create("acme", Role.ADMIN, null, "live-admin", null).token();
        viewerToken = tokens.create("acme", Role.VIEWER, null, "live-viewer", null).token();
    }

    @Test
    void aPositionCommittedOnAnotherInstanceReachesTheStream() throws Exception {
        long imei = device(officePolicy);
        long quiet = device(officePolicy);
        try (Gateway other = startAnotherGateway();
             LiveStream stream = new LiveStream(gateway.httpPort(), adminToken)) {
            assertEquals(200, stream.status());
            JsonNode before = stream.await(imei, e -> true, WITHIN);
            assertFalse(before.has("position"), "nothing stored yet: " + before);
            stream.await(quiet, e -> true, WITHIN);

            long start = System.currentTimeMillis() - 10 * 60_000L;
            try (DeviceClient device = new DeviceClient(other.devicePort())) {
                device.handshake(imei);
                device.sendFrame(Drives.driving(start, 3));
                assertEquals(3, device.readAck());
            }
            String last = Instant.ofEpochMilli(start + 2 * 60_000L).toString();
            JsonNode event = stream.await(imei, e -> e.has("position")
                    && e.get("position").get("time").asText().equals(last), WITHIN);
            assertEquals("exact", event.get("position").get("treatment").asText(), event.toString());
            assertEquals(54.667525, event.get("position").get("latitude").asDouble(), 1e-6, event.toString());
            assertEquals(25.2562283, event.get("position").get("longitude").asDouble(), 1e-6, event.toString());
            assertTrue(event.has("lastSeenAt"), event.toString());
            assertTrue(stream.events().stream().filter(e -> e.get("imei").asLong() == quiet).count() == 1,
                    "a device without new records is sent once, in the fleet's first state");

            // An erasure takes the erased position off the maps that show it, at once.
            int seen = stream.events().size();
            HttpResponse<String> erased = send("POST", "/devices/" + imei + "/erase?from="
                    + Instant.ofEpochMilli(start - 60_000L) + "&to=" + Instant.ofEpochMilli(start + 3 * 60_000L),
                    adminToken);
            assertEquals(200, erased.statusCode(), erased.body());
            JsonNode after = stream.awaitAfter(seen, imei, e -> true, WITHIN);
            assertFalse(after.has("position"), "nothing of the device is left: " + after);
            assertFalse(withoutTimes(after.toString()).contains("54.667"), after.toString());
        }
    }

    @Test
    void aPrivateRecordShowsAsPrivateWithoutCoordinatesAndADriverSeesOnlyItsDevice() throws Exception {
        long imei = device(officePolicy);
        long neighbour = device(officePolicy);
        String driverToken = tokens.create("acme", Role.DRIVER, imei, "live-driver", null).token();
        try (LiveStream driver = new LiveStream(gateway.httpPort(), driverToken);
             LiveStream viewer = new LiveStream(gateway.httpPort(), viewerToken)) {
            driver.await(imei, e -> true, WITHIN);
            viewer.await(imei, e -> true, WITHIN);
            long start = System.currentTimeMillis() - 20 * 60_000L;
            try (DeviceClient device = connectAccepted(imei)) {
                device.sendFrame(Drives.privateMode(start, 3));
                assertEquals(3, device.readAck());
            }
            String last = Instant.ofEpochMilli(start + 2 * 60_000L).toString();
            for (LiveStream stream : new LiveStream[] {driver, viewer}) {
                JsonNode event = stream.await(imei, e -> e.has("position")
                        && e.get("position").get("time").asText().equals(last), WITHIN);
                assertEquals("private", event.get("position").get("treatment").asText(), event.toString());
                assertNull(event.get("position").get("latitude"), event.toString());
                assertNull(event.get("position").get("longitude"), event.toString());
                assertTrue(stream.events().stream().filter(e -> e.get("imei").asLong() == imei)
                        .noneMatch(e -> e.toString().contains("latitude")), "never a point of the private device");
            }
            assertFalse(withoutTimes(driver.text()).contains("54.66") || withoutTimes(driver.text()).contains("25.25")
                    || driver.text().contains("latitude"), "no coordinate in the driver's stream: " + driver.text());
            assertTrue(driver.events().stream().allMatch(e -> e.get("imei").asLong() == imei),
                    "a driver's stream carries its own device only: " + driver.events());
            assertTrue(viewer.events().stream().anyMatch(e -> e.get("imei").asLong() == neighbour),
                    "a viewer's stream carries the fleet");
        }
    }

    @Test
    void aViewerGetsExactlyThePointThePositionsApiGivesIt() throws Exception {
        long imei = device(policy("coarse", "{\"version\": 1, \"consent\": {\"location\": true,"
                + " \"driverIdentity\": true, \"telemetry\": true}, \"coarsening\": {\"gridMetres\": 500},"
                + " \"privateTrips\": {\"graceWindow\": \"PT0S\"}}"));
        try (LiveStream viewer = new LiveStream(gateway.httpPort(), viewerToken)) {
            viewer.await(imei, e -> true, WITHIN);
            long start = System.currentTimeMillis() - 30 * 60_000L;
            try (DeviceClient device = connectAccepted(imei)) {
                device.sendFrame(Drives.driving(start, 3));
                assertEquals(3, device.readAck());
            }
            String last = Instant.ofEpochMilli(start + 2 * 60_000L).toString();
            JsonNode event = viewer.await(imei, e -> e.has("position")
                    && e.get("position").get("time").asText().equals(last), WITHIN);
            assertEquals("coarsened", event.get("position").get("treatment").asText(), event.toString());
            JsonNode page = JSON.readTree(get("/devices/" + imei + "/positions?from="
                    + Instant.ofEpochMilli(start) + "&to=" + Instant.now(), viewerToken).body());
            JsonNode newest = page.get("positions").get(page.get("positions").size() - 1);
            assertEquals(newest.get("time").asText(), last, page.toString());
            assertEquals(newest.get("latitude").asDouble(), event.get("position").get("latitude").asDouble());
            assertEquals(newest.get("longitude").asDouble(), event.get("position").get("longitude").asDouble());
            assertTrue(viewer.events().stream().filter(e -> e.get("imei").asLong() == imei).map(JsonNode::toString)
                    .noneMatch(e -> e.contains("54.667525") || e.contains("25.2562283")),
                    "never the device's raw point: " + viewer.events());
        }
    }

    @Test
    void aDeletedDeviceLeavesTheStreamsThatShowedItAndNoOther() throws Exception {
        long imei = device(officePolicy);
        long neighbour = device(officePolicy);
        String neighbourDriver = tokens.create("acme", Role.DRIVER, neighbour, "live-neighbour", null).token();
        long start = System.currentTimeMillis() - 50 * 60_000L;
        try (DeviceClient device = connectAccepted(imei)) {
            device.sendFrame(Drives.driving(start, 3));
            assertEquals(3, device.readAck());
        }
        try (LiveStream admin = new LiveStream(gateway.httpPort(), adminToken);
             LiveStream driver = new LiveStream(gateway.httpPort(), neighbourDriver)) {
            admin.await(imei, e -> e.has("position") && e.get("position").has("latitude"), WITHIN);
            driver.await(neighbour, e -> true, WITHIN);
            int seen = admin.events().size();
            HttpResponse<String> deleted = send("DELETE", "/devices/" + imei, adminToken);
            assertEquals(204, deleted.statusCode(), deleted.body());
            JsonNode gone = admin.awaitAfter(seen, imei, e -> true, WITHIN);
            assertTrue(gone.path("removed").asBoolean(), "the deleted device is taken off the map: " + gone);
            assertFalse(gone.has("position"), gone.toString());

            // The neighbour's next position reaches its driver after anything sent for the deleted device would.
            try (DeviceClient device = connectAccepted(neighbour)) {
                device.sendFrame(Drives.driving(start, 2));
                assertEquals(2, device.readAck());
            }
            driver.await(neighbour, e -> e.has("position"), WITHIN);
            assertFalse(driver.text().contains(Long.toString(imei)), "another device's removal: " + driver.text());
        }
    }

    @Test
    void anotherTenantsDeviceNeverAppears() throws Exception {
        long otherTenant = insertReturningId("INSERT INTO tenants (name) VALUES ('rival') RETURNING id");
        long rival = 350_000_000_099_001L + otherTenant;
        execute("INSERT INTO devices (imei, tenant_id) VALUES (" + rival + ", " + otherTenant + ")");
        long own = device(officePolicy);
        try (LiveStream stream = new LiveStream(gateway.httpPort(), adminToken)) {
            stream.await(own, e -> true, WITHIN);
            try (DeviceClient device = connectAccepted(rival)) {
                device.sendFrame(Drives.driving(System.currentTimeMillis() - 40 * 60_000L, 2));
                assertEquals(2, device.readAck());
            }
            try (DeviceClient device = connectAccepted(own)) {
                device.sendFrame(Drives.driving(System.currentTimeMillis() - 40 * 60_000L, 2));
                assertEquals(2, device.readAck());
            }
            stream.await(own, e -> e.has("position"), WITHIN); // the rival's commit was noticed meanwhile too
            assertFalse(stream.text().contains(Long.toString(rival)), "another tenant's device: " + stream.text());
        }
    }

    @Test
    void streamsAreBoundedAndAClosedStreamFreesItsPlace() throws Exception {
        assertEquals(401, new LiveStream(gateway.httpPort(), null).status(), "a token is required");
        LiveStream[] open = new LiveStream[MAX_STREAMS];
        try {
            for (int i = 0; i < MAX_STREAMS; i++) {
                open[i] = new LiveStream(gateway.httpPort(), viewerToken);
                assertEquals(200, open[i].status());
            }
            try (LiveStream refused = new LiveStream(gateway.httpPort(), viewerToken)) {
                assertEquals(503, refused.status(), "one stream more than api.live-clients");
            }
            open[0].close();
            long deadline = System.nanoTime() + WITHIN.toNanos();
            int status;
            do {
                try (LiveStream again = new LiveStream(gateway.httpPort(), viewerToken)) {
                    status = again.status();
                }
            } while (status == 503 && System.nanoTime() < deadline);
            assertEquals(200, status, "the closed stream's place is free again");
        } finally {
            for (LiveStream stream : open) {
                if (stream != null) {
                    stream.close();
                }
            }
        }
    }

    private HttpResponse<String> send(String method, String path, String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.httpPort() + "/api/v1" + path))
                .header("Authorization", "Bearer " + token).method(method, HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.httpPort() + "/api/v1" + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }
}
