package dev.telemask.gateway.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemask.codec.AvlBatch;
import dev.telemask.gateway.GatewayTestBase;
import dev.telemask.gateway.api.ApiTokens;
import dev.telemask.gateway.api.Role;
import dev.telemask.simulator.DeviceClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An adversary reading the track API of a vehicle with a CAN or OBD adapter and a tachograph: its speed and the metres
 * it drove come as IO elements too, not only in the record's speed field and the odometer. A private record must not
 * keep the speed, and a coarsened one neither the speed nor metres finer than its cell, whichever element carries them.
 */
public abstract class OutboundMotionIo extends GatewayTestBase.ForOtherPackages {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int GRID_METRES = 500;
    /** Vehicle speed from OBD and from CAN, in km/h. */
    private static final List<Integer> SPEED_IO = List.of(37, 81);
    /** Metres driven: total odometer, trip odometer, CAN total mileage, counted mileage, tachograph distances. */
    private static final List<Integer> DISTANCE_IO = List.of(16, 199, 87, 105, 10151, 10152);

    private final HttpClient http = HttpClient.newHttpClient();
    private String viewer;

    @BeforeAll
    void token() throws Exception {
        viewer = new ApiTokens(gateway.dataSource()).create("acme", Role.VIEWER, null, "viewer", null).token();
    }

    @Test
    void aCoarsenedRecordKeepsNeitherSpeedNorMetresFinerThanItsCell() throws Exception {
        long imei = device(policy("coarse-can", "{\"version\": 1, \"consent\": {\"location\": true,"
                + " \"driverIdentity\": true, \"telemetry\": true}, \"privateTrips\": {\"graceWindow\": \"PT0S\"},"
                + " \"coarsening\": {\"gridMetres\": " + GRID_METRES + "}}"));
        send(imei, false);
        List<JsonNode> positions = positions(imei);
        assertEquals(4, positions.size());
        for (JsonNode p : positions) {
            assertEquals("coarsened", p.get("treatment").asText(), p.toString());
            assertNoSpeed(p);
            for (int id : DISTANCE_IO) {
                JsonNode metres = p.get("io").get(Integer.toString(id));
                assertTrue(metres == null || metres.asLong() % GRID_METRES == 0,
                        "IO " + id + " places the vehicle inside its cell: " + p);
            }
        }
    }

    @Test
    void aPrivateRecordKeepsNoSpeed() throws Exception {
        long imei = device(officePolicy);
        send(imei, true);
        List<JsonNode> positions = positions(imei);
        assertEquals(4, positions.size());
        for (JsonNode p : positions) {
            assertEquals("private", p.get("treatment").asText(), p.toString());
            assertNoSpeed(p);
            assertTrue(p.get("io").has("16"), "the odometer stays for the mileage log: " + p);
        }
    }

    private static void assertNoSpeed(JsonNode p) {
        assertTrue(!p.has("speed") || p.get("speed").asInt() == 0, p.toString());
        for (int id : SPEED_IO) {
            assertFalse(p.get("io").has(Integer.toString(id)), "IO " + id + " is the vehicle's speed: " + p);
        }
    }

    /** Four records of a drive 30 s apart, as an FMB device with a CAN adapter and a tachograph sends them. */
    private void send(long imei, boolean privateButton) throws Exception {
        AvlBatch batch = new AvlBatch();
        for (int r = 0; r < 4; r++) {
            long metres = 1_234_567 + r * 417;
            batch.addRecord(T0 + r * 30_000L, 0, 252_560_283 + r * 1_000, 546_674_250 + r * 500, 120, 90, 9, 50, 0,
                    AvlBatch.NO_GENERATION);
            batch.addIo(239, 1, 1);
            batch.addIo(240, 1, 1);
            batch.addIo(391, 1, privateButton ? 1 : 0);
            batch.addIo(37, 1, 50);
            batch.addIo(81, 1, 50);
            for (int id : DISTANCE_IO) {
                batch.addIo(id, 4, metres);
            }
        }
        try (DeviceClient device = connectAccepted(imei)) {
            sendAcknowledged(device, batch);
        }
        rows(imei); // decided
    }

    private List<JsonNode> positions(long imei) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + gateway.httpPort() + "/api/v1/devices/" + imei
                        + "/positions?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z"))
                .header("Authorization", "Bearer " + viewer).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        List<JsonNode> out = new java.util.ArrayList<>();
        JSON.readTree(response.body()).get("positions").forEach(out::add);
        return out;
    }
}
