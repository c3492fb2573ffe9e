package dev.telemask.gateway.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemask.codec.AvlBatch;
import dev.telemask.simulator.DeviceClient;
import dev.telemask.gateway.GatewayTestBase;
import dev.telemask.gateway.api.ApiTokens;
import dev.telemask.gateway.api.Role;
import dev.telemask.gateway.resilience.Eventually;
import java.net.URI;
import java.time.Duration;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A vehicle's day through a fleet's geofences: parked in the depot, a business trip to the yard (speeding once),
 * a private trip from the yard through a customer's site to a place outside every geofence, then a business trip
 * back to the depot past the customer's site and the yard. Its events come from the public part only: nothing at the customer's, no leaving of the
 * yard (it would time the private trip), the same whether the frames arrive in order or newest first (the early
 * part then waits sealed and is decided later), and the same across a gateway restart in the middle.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class GeofenceEvents extends GatewayTestBase.ForOtherPackages {
    private static final double LATITUDE = 54.7000;
    private static final double DEPOT = 25.2500;
    /** About 200 m east at this latitude. */
    private static final double STEP = 0.0031;
    private static final double YARD = DEPOT + 20 * STEP;
    private static final double CUSTOMER = DEPOT + 30 * STEP;
    private static final double AWAY = DEPOT + 40 * STEP;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private String admin;
    private long policy;
    private long depot;
    private long yard;
    private long customer;

    /** What one record of the day is: where, how fast, ignition, private-mode button. */
    private record Point(double longitude, int speed, boolean ignition, boolean privateButton) {
    }

    @BeforeAll
    void geofences() throws Exception {
        admin = new ApiTokens(gateway.dataSource()).create("acme", Role.ADMIN, null, "events-admin", null).token();
        policy = policy("events", "{\"version\": 1, \"consent\": {\"location\": true, \"driverIdentity\": true,"
                + " \"telemetry\": true}, \"privateTrips\": {\"graceWindow\": \"PT0S\","
                + " \"anchorDelay\": \"PT10S\"},"
                + " \"events\": {\"overspeedKmh\": 100}}");
        depot = circle("depot", DEPOT);
        yard = circle("yard", YARD);
        customer = circle("customer", CUSTOMER);
    }

    private long circle(String name, double longitude) throws Exception {
        HttpResponse<String> created = send("POST", "/geofences", "{\"name\": \"" + name + "\", \"circle\":"
                + " {\"latitude\": " + LATITUDE + ", \"longitude\": " + longitude + ", \"radiusMetres\": 300}}", admin);
        assertEquals(201, created.statusCode(), created.body());
        return Long.parseLong(JSON.readTree(created.body()).get("id").asText());
    }

    @Test
    void inOrderEventsComeFromThePublicPartOnly() throws Exception {
        long imei = device(policy);
        List<Point> day = day();
        try (DeviceClient device = connectAccepted(imei)) {
            for (int from = 0; from < day.size(); from += 5) {
                send(device, records(day, from, Math.min(day.size(), from + 5), false));
            }
        }
        assertEquals(expected(), events(imei));
        assertApiListsThem(imei);
        Eventually.holds(() -> connectionEvents(imei).equals(List.of("device_online", "device_offline")),
                Duration.ofSeconds(30), () -> "connection events " + connectionEvents(imei));
    }

    @Test
    void aRestrictedDeviceComingAndGoingIsNotTold() throws Exception {
        long imei = device(policy);
        execute("UPDATE devices SET restricted = true WHERE imei = " + imei);
        try (DeviceClient device = connectAccepted(imei)) {
            send(device, records(day(), 0, 5, false));
        }
        // Lifted: its next connection is told; the restricted one before it never is.
        execute("UPDATE devices SET restricted = false WHERE imei = " + imei);
        try (DeviceClient device = connectAccepted(imei)) {
            send(device, records(day(), 5, 10, false));
        }
        Eventually.holds(() -> connectionEvents(imei).size() >= 2, Duration.ofSeconds(30),
                () -> "connection events " + connectionEvents(imei));
        assertEquals(List.of("device_online", "device_offline"), connectionEvents(imei),
                "only the unrestricted connection's");
    }

    @Test
    void newestFirstTheSealedPartGivesItsEventsWhenDecided() throws Exception {
        long imei = device(policy);
        List<Point> day = day();
        try (DeviceClient device = connectAccepted(imei)) {
            // The morning in the depot arrives first; then the day's drives as a backlog, newest frame first, as a
            // device sends them after a while without a network; then the evening.
            send(device, records(day, 0, 5, false));
            assertEquals(List.of(name("geofence_enter", depot)), events(imei));
            int evening = day.size() - 5;
            send(device, records(day, evening - 5, evening, true));
            assertTrue(sealed(imei) > 0, "the last trip's end waits sealed for the rest of its trip");
            assertEquals(List.of(name("geofence_enter", depot)), storedEvents(imei),
                    "a sealed record gives nothing until it is decided");
            for (int to = evening - 5; to > 5; to -= 5) {
                send(device, records(day, Math.max(5, to - 5), to, true));
            }
            send(device, records(day, evening, day.size(), false));
        }
        assertEquals(expected(), events(imei));
    }

    @Test
    void aRestartInTheMiddleChangesNothing() throws Exception {
        long imei = device(policy);
        List<Point> day = day();
        int half = 30; // parked in the yard after the first trip
        try (DeviceClient device = connectAccepted(imei)) {
            for (int from = 0; from < half; from += 5) {
                send(device, records(day, from, from + 5, false));
            }
        }
        restartGateway();
        try (DeviceClient device = connectAccepted(imei)) {
            for (int from = half; from < day.size(); from += 5) {
                send(device, records(day, from, Math.min(day.size(), from + 5), false));
            }
            // A resend of an early frame gives no second event.
            send(device, records(day, 0, 5, false));
        }
        assertEquals(expected(), events(imei));
    }

    @Test
    void geofencesAreValidatedAndOnlyAdminsWriteThem() throws Exception {
        HttpResponse<String> bow = send("POST", "/geofences", "{\"name\": \"bow\", \"polygon\": ["
                + "{\"latitude\": 0, \"longitude\": 0}, {\"latitude\": 1, \"longitude\": 1},"
                + "{\"latitude\": 0, \"longitude\": 1}, {\"latitude\": 1, \"longitude\": 0}]}", admin);
        assertEquals(400, bow.statusCode(), bow.body());
        assertTrue(bow.body().contains("intersect itself"), bow.body());
        HttpResponse<String> small = send("POST", "/geofences", "{\"name\": \"dot\", \"circle\": {\"latitude\": 1,"
                + " \"longitude\": 1, \"radiusMetres\": 1}}", admin);
        assertEquals(400, small.statusCode(), small.body());
        assertTrue(small.body().contains("circle.radiusMetres"), small.body());
        String viewer = new ApiTokens(gateway.dataSource()).create("acme", Role.VIEWER, null, "events-viewer", null).token();
        assertEquals(403, send("POST", "/geofences", "{\"name\": \"x\", \"circle\": {\"latitude\": 1,"
                + " \"longitude\": 1, \"radiusMetres\": 50}}", viewer).statusCode());
        HttpResponse<String> listed = send("GET", "/geofences", null, viewer);
        assertEquals(200, listed.statusCode());
        assertTrue(JSON.readTree(listed.body()).get("geofences").size() >= 3, listed.body());
        long extra = circle("extra", DEPOT + 100 * STEP);
        assertEquals(403, send("DELETE", "/geofences/" + extra, null, viewer).statusCode());
        assertEquals(204, send("DELETE", "/geofences/" + extra, null, admin).statusCode());
        assertEquals(404, send("DELETE", "/geofences/" + extra, null, admin).statusCode());
    }

    private void assertApiListsThem(long imei) throws Exception {
        String range = "from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z";
        List<String> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            HttpResponse<String> page = send("GET", "/events?device=" + imei + "&" + range + "&limit=3"
                    + (cursor == null ? "" : "&cursor=" + cursor), null, admin);
            assertEquals(200, page.statusCode(), page.body());
            JsonNode body = JSON.readTree(page.body());
            for (JsonNode event : body.get("events")) {
                paged.add(name(event.get("kind").asText(), event.has("geofence")
                        ? Long.parseLong(event.get("geofence").asText()) : 0));
                if (event.get("kind").asText().equals("overspeed")) {
                    assertEquals(120, event.get("speed").asInt(), "the record's own speed");
                } else {
                    assertTrue(!event.has("speed"), "no speed on " + event);
                }
            }
            cursor = body.get("nextCursor").isNull() ? null : body.get("nextCursor").asText();
            assertEquals(cursor, page.headers().firstValue("X-Next-Cursor").orElse(null));
            pages++;
        } while (cursor != null && pages < 20);
        assertEquals(expected(), paged);
        HttpResponse<String> overspeed = send("GET", "/events?device=" + imei + "&kind=overspeed&" + range, null,
                admin);
        assertEquals(1, JSON.readTree(overspeed.body()).get("events").size(), overspeed.body());
        assertEquals(400, send("GET", "/events?kind=teleport", null, admin).statusCode());
        assertTrue(insertReturningId("SELECT count(*) FROM audit_log WHERE action = 'events.read' AND target = 'device:"
                + imei + "'") >= pages, "each read is audited");
    }

    /**
     * The day's events. The policy keeps a parked vehicle's later reports private (they would tell where a trip
     * begins), so after the first report in the depot the whereabouts are unknown until the trip's first record,
     * which shows the vehicle in the depot again; parked in the yard (where the private trip begins) and the private
     * trip give nothing, not even the yard's exit; the business trip back gives what its records show.
     */
    private List<String> expected() {
        return List.of(name("geofence_enter", depot),
                name("geofence_enter", depot), name("ignition_on", 0), name("geofence_exit", depot),
                name("overspeed", 0), name("geofence_enter", yard),
                name("ignition_on", 0), name("geofence_enter", customer), name("geofence_exit", customer),
                name("geofence_enter", yard), name("geofence_exit", yard), name("geofence_enter", depot));
    }

    private static String name(String kind, long geofence) {
        return geofence == 0 ? kind : kind + ":" + geofence;
    }

    /**
     * The device's events once none of its records waits sealed: a new device's first records, and records whose
     * earlier part has not arrived, wait for the policy's anchor delay.
     */
    private List<String> events(long imei) throws Exception {
        Eventually.holds(() -> {
            try {
                return sealed(imei) == 0;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Duration.ofSeconds(60), () -> "records of device " + imei + " still sealed");
        return storedEvents(imei);
    }

    private List<String> connectionEvents(long imei) {
        List<String> kinds = new ArrayList<>();
        try (Connection c = gateway.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT kind FROM device_events WHERE imei = " + imei
                     + " AND kind LIKE 'device_%' ORDER BY device_time, id")) {
            while (rs.next()) {
                kinds.add(rs.getString(1));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return kinds;
    }

    private List<String> storedEvents(long imei) throws Exception {
        List<String> events = new ArrayList<>();
        try (Connection c = gateway.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT kind, geofence_id FROM device_events WHERE imei = " + imei
                     + " AND kind NOT LIKE 'device_%' ORDER BY device_time, id")) {
            while (rs.next()) {
                events.add(name(rs.getString(1), rs.getLong(2)));
            }
        }
        return events;
    }

    private static void send(DeviceClient device, AvlBatch frame) throws Exception {
        device.sendFrame(frame);
        assertEquals(frame.size(), device.readAck());
    }

    private HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort()
                + "/api/v1" + path)).header("Authorization", "Bearer " + token);
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<Point> day() {
        List<Point> day = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            day.add(new Point(DEPOT, 0, false, false));
        }
        for (int i = 1; i <= 20; i++) {
            day.add(new Point(DEPOT + i * STEP, i == 10 ? 120 : 50, true, false));
        }
        for (int i = 0; i < 5; i++) {
            day.add(new Point(YARD, 0, false, false));
        }
        for (int i = 1; i <= 20; i++) {
            day.add(new Point(YARD + i * STEP, 50, true, true)); // through the customer's site, private
        }
        for (int i = 0; i < 5; i++) {
            day.add(new Point(AWAY, 0, false, false));
        }
        for (int i = 39; i >= 0; i--) {
            day.add(new Point(DEPOT + i * STEP, 60, true, false));
        }
        for (int i = 0; i < 5; i++) {
            day.add(new Point(DEPOT, 0, false, false));
        }
        return day;
    }

    /** Records {@code from} to {@code to} (exclusive) of the day: parked every 5 minutes, driving every 30 s. */
    private static AvlBatch records(List<Point> day, int from, int to, boolean newestFirst) {
        long[] times = new long[day.size()];
        long time = T0;
        long odometer = 1_000_000;
        long[] odometers = new long[day.size()];
        for (int r = 0; r < day.size(); r++) {
            time += day.get(r).ignition() ? 30_000 : 300_000;
            odometer += day.get(r).ignition() ? 200 : 0;
            times[r] = time;
            odometers[r] = odometer;
        }
        AvlBatch batch = new AvlBatch();
        for (int i = 0; i < to - from; i++) {
            int r = newestFirst ? to - 1 - i : from + i;
            Point point = day.get(r);
            batch.addRecord(times[r], 0, (int) Math.round(point.longitude() * 1e7), (int) Math.round(LATITUDE * 1e7),
                    110, 90, 11, point.speed(), 0, AvlBatch.NO_GENERATION);
            batch.addIo(239, 1, point.ignition() ? 1 : 0);
            batch.addIo(240, 1, point.ignition() ? 1 : 0);
            batch.addIo(391, 1, point.privateButton() ? 1 : 0);
            batch.addIo(16, 4, odometers[r]);
        }
        return batch;
    }
}
