package dev.telemask.gateway.resilience;

import static dev.telemask.gateway.resilience.RoadHome.STEP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemask.codec.AvlBatch;
import dev.telemask.gateway.GatewayTestBase;
import dev.telemask.gateway.api.ApiTokens;
import dev.telemask.gateway.api.Role;
import dev.telemask.gateway.resilience.RoadHome.Point;
import dev.telemask.simulator.DeviceClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * One vehicle's evening home into a driver's zone, read through every output a fleet admin has that carries a time
 * the gateway chose rather than the device: each position's receive time (JSON, CSV, the data-subject export) and the
 * device's last-seen time. A tracker sends what it logged in frames (Teltonika's send period, and at once on ignition
 * off), so the frame that carries the last records before home often carries the way into the zone and the stop there
 * too: its arrival is when the vehicle was home by, and less the last published record's time, at the speed the track
 * shows, the way left to home, as the offline event the zone already withholds would be.
 */
public abstract class DayOfOutputs extends GatewayTestBase.ForOtherPackages {
    private static final double HOME_LATITUDE = 54.6000;
    private static final double HOME_LONGITUDE = 25.1500;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void noReceiveTimeOfAPublishedRecordTellsWhenTheRecordsAZoneHidAfterItCame() throws Exception {
        driveHome(false, T0 + 8 * 3_600_000L);
    }

    @Test
    void noReceiveTimeOfAPrivateTimeEntryTellsWhenTheRecordsAZoneHidAfterItCame() throws Exception {
        driveHome(true, T0 + 10 * 3_600_000L);
    }

    /**
     * Parked 8 km east of home, the drive home (private when {@code button}), parked at home for the night. The last
     * frame carries everything from 6 km out: past any hidden disc of a 300 m zone (at most 4.7 km from its centre),
     * so its first records are stored, the rest hidden.
     */
    private void driveHome(boolean button, long start) throws Exception {
        long imei = device(officePolicy);
        String driver = new ApiTokens(gateway.dataSource()).create("acme", Role.DRIVER, imei, "driver", null).token();
        String admin = new ApiTokens(gateway.dataSource()).create("acme", Role.ADMIN, null, "admin", null).token();
        HttpResponse<String> placed = api(driver, "/devices/" + imei + "/zones", "{\"name\": \"home\","
                + " \"latitude\": " + HOME_LATITUDE + ", \"longitude\": " + HOME_LONGITUDE + ", \"radiusMetres\": 300}");
        assertEquals(201, placed.statusCode(), placed.body());
        List<Point> before = new ArrayList<>();
        long t = start;
        for (int i = 0; i < 3; i++, t += 30_000) {
            before.add(new Point(t, 40, false, false));
        }
        for (int east = 39; east > 30; east--, t += 30_000) {
            before.add(new Point(t, east, true, button));
        }
        List<Point> last = new ArrayList<>();
        for (int east = 30; east >= 0; east--, t += 30_000) {
            last.add(new Point(t, east, east > 0, button));
        }
        for (int i = 0; i < 3; i++, t += 30_000) {
            last.add(new Point(t, 0, false, false));
        }
        try (DeviceClient device = connectAccepted(imei)) {
            for (int from = 0; from < before.size(); from += 4) {
                sendAcknowledged(device, frame(before.subList(from, Math.min(before.size(), from + 4))));
            }
        }
        String seenBefore = device(admin, imei).get("lastSeenAt").asText();
        long lastFrameSent = System.currentTimeMillis();
        // The evening's last frame over a connection of its own (a tracker that sleeps between sends).
        try (DeviceClient device = connectAccepted(imei)) {
            sendAcknowledged(device, frame(last));
        }
        Set<Long> stored = new HashSet<>();
        rows(imei).forEach(row -> stored.add(row.deviceTimeMillis()));
        List<Point> published = last.stream().filter(p -> stored.contains(p.time())).toList();
        List<Point> hidden = last.stream().filter(p -> !stored.contains(p.time())).toList();
        assertTrue(published.size() >= 5 && hidden.size() >= 5, "the last frame is part published, part hidden: "
                + published.size() + " published, " + hidden.size() + " hidden");
        long firstHidden = hidden.getFirst().time();
        assertTrue(published.stream().allMatch(p -> p.time() < firstHidden), "the zone hides the end of the way");

        // Every format that shows a record's receive time, and the export, which shows all of them.
        String range = "from=" + Instant.ofEpochMilli(start - 60_000) + "&to=" + Instant.ofEpochMilli(t);
        List<String> receivedTimes = new ArrayList<>();
        JsonNode track = JSON.readTree(get(admin, "/devices/" + imei + "/positions?" + range + "&limit=1000"));
        track.get("positions").forEach(p -> receivedTimes.add(p.get("time").asText() + " " + p.get("receivedAt").asText()));
        for (String line : get(admin, "/devices/" + imei + "/positions?" + range + "&format=csv").split("\r\n")) {
            if (!line.startsWith("time,")) {
                String[] fields = line.split(",", -1);
                receivedTimes.add(fields[0] + " " + fields[fields.length - 1]);
            }
        }
        JsonNode export = JSON.readTree(get(admin, "/devices/" + imei + "/export"));
        export.get("positions").forEach(p -> receivedTimes.add(p.get("time").asText() + " "
                + p.get("receivedAt").asText()));
        assertEquals(3 * (before.size() + published.size()), receivedTimes.size(), "every stored record, thrice");
        for (String line : receivedTimes) {
            String[] timeAndReceived = line.split(" ");
            long time = Instant.parse(timeAndReceived[0]).toEpochMilli();
            long received = Instant.parse(timeAndReceived[1]).toEpochMilli();
            if (time >= last.getFirst().time()) {
                assertTrue(received < firstHidden, "the record of " + timeAndReceived[0] + " was received at "
                        + timeAndReceived[1] + ": the vehicle had logged the hidden records from "
                        + Instant.ofEpochMilli(firstHidden) + " on by then");
            }
        }
        // The device's last-seen time, which is when its newest stored record was received.
        String seen = device(admin, imei).get("lastSeenAt").asText();
        assertFalse(Instant.parse(seen).toEpochMilli() >= lastFrameSent, "last seen " + seen + " (before the last"
                + " frame " + seenBefore + "): when the frame with the hidden records came");
    }

    /**
     * A whole day through every output: parked at home, a business trip to the office 8 km east, a private trip home
     * (the button), the night at home, the next morning's trip out; and a coarsened device's trip. Nothing an admin
     * reads (the track in each format, trips, events in each format, the device, the fleet list, the export) holds
     * the time of a record the zone hid, a point within 2.5 zone radii of home, or a private trip's ends; every point
     * of the coarsened device (positions, trips' ends, events) is a cell's centre.
     */
    @Test
    void aDayThroughEveryOutputShowsNothingOfHomeNorFinerThanTheGrid() throws Exception {
        long imei = device(officePolicy);
        String driver = new ApiTokens(gateway.dataSource()).create("acme", Role.DRIVER, imei, "driver", null).token();
        String admin = new ApiTokens(gateway.dataSource()).create("acme", Role.ADMIN, null, "admin", null).token();
        assertEquals(201, api(driver, "/devices/" + imei + "/zones", "{\"name\": \"home\", \"latitude\": "
                + HOME_LATITUDE + ", \"longitude\": " + HOME_LONGITUDE + ", \"radiusMetres\": 300}").statusCode());
        List<Point> day = new ArrayList<>();
        long t = T0 + 14L * 24 * 3_600_000 - 3 * 3_600_000; // a Thursday two weeks on, 07:00Z
        for (int i = 0; i < 3; i++, t += 30_000) {
            day.add(new Point(t, 0, false, false));
        }
        for (int east = 1; east <= 40; east++, t += 30_000) {
            day.add(new Point(t, east, east < 40, false));
        }
        for (int i = 0; i < 3; i++, t += 30_000) {
            day.add(new Point(t, 40, false, false));
        }
        t += 8 * 3_600_000L;
        for (int east = 39; east >= 0; east--, t += 30_000) {
            day.add(new Point(t, east, east > 0, true));
        }
        for (int i = 0; i < 5; i++, t += 30_000) {
            day.add(new Point(t, 0, false, false));
        }
        t += 12 * 3_600_000L;
        for (int i = 0; i < 2; i++, t += 30_000) {
            day.add(new Point(t, 0, false, false));
        }
        for (int east = 1; east <= 30; east++, t += 30_000) {
            day.add(new Point(t, east, east < 30, false));
        }
        try (DeviceClient device = connectAccepted(imei)) {
            for (int from = 0; from < day.size(); from += 4) {
                sendAcknowledged(device, frame(day.subList(from, Math.min(day.size(), from + 4))));
            }
        }
        Set<Long> stored = new HashSet<>();
        rows(imei).forEach(row -> stored.add(row.deviceTimeMillis()));
        List<Point> hidden = day.stream().filter(p -> !stored.contains(p.time())).toList();
        assertTrue(hidden.size() > 10, "the zone hides home: " + hidden.size());

        String range = "from=" + Instant.ofEpochMilli(T0 + 13L * 24 * 3_600_000) + "&to="
                + Instant.ofEpochMilli(T0 + 16L * 24 * 3_600_000);
        StringBuilder all = new StringBuilder();
        for (String format : List.of("json", "geojson", "csv", "gpx")) {
            all.append(get(admin, "/devices/" + imei + "/positions?" + range + "&limit=10000&format=" + format));
        }
        String trips = get(admin, "/devices/" + imei + "/trips?" + range);
        all.append(trips);
        List<String> events = new ArrayList<>();
        for (String format : List.of("json", "geojson", "csv")) {
            events.add(get(admin, "/events?device=" + imei + "&" + range + "&limit=10000&format=" + format));
        }
        events.forEach(all::append);
        all.append(get(admin, "/devices/" + imei)).append(get(admin, "/devices")).append(get(driver, "/devices"));
        all.append(get(admin, "/devices/" + imei + "/export"));
        String text = all.toString();
        for (Point p : hidden) {
            String second = Instant.ofEpochMilli(p.time()).toString().substring(0, 19);
            assertFalse(text.contains(second), "the time of a hidden record, " + second + ", is shown");
        }
        for (JsonNode trip : JSON.readTree(trips).get("trips")) {
            if (trip.get("private").asBoolean()) {
                assertFalse(trip.has("startPoint") || trip.has("endPoint"), "a private trip's ends: " + trip);
            }
            for (String end : List.of("startPoint", "endPoint")) {
                if (trip.has(end)) {
                    assertFarFromHome(trip.get(end), "trip " + end + " " + trip);
                }
            }
        }
        for (JsonNode event : JSON.readTree(events.getFirst()).get("events")) {
            if (event.has("latitude")) {
                assertFarFromHome(event, "event " + event);
            }
        }
        for (JsonNode position : JSON.readTree(get(admin, "/devices/" + imei + "/positions?" + range
                + "&limit=10000")).get("positions")) {
            if (position.has("latitude")) {
                assertFarFromHome(position, "position " + position);
            }
        }

        // Another device, coarsened to 500 m: a trip and its stop.
        long coarse = device(policy("coarse-day", "{\"version\": 1, \"consent\": {\"location\": true,"
                + " \"driverIdentity\": true, \"telemetry\": true}, \"privateTrips\": {\"graceWindow\": \"PT0S\"},"
                + " \"coarsening\": {\"gridMetres\": 500}}"));
        assertEquals(201, api(admin, "/geofences", "{\"name\": \"depot\", \"circle\": {\"latitude\": "
                + HOME_LATITUDE + ", \"longitude\": " + (HOME_LONGITUDE + 60 * STEP) + ", \"radiusMetres\": 700}}")
                .statusCode());
        List<Point> coarseDay = new ArrayList<>();
        long c = T0 + 14L * 24 * 3_600_000 - 2 * 3_600_000;
        for (int i = 0; i < 3; i++, c += 30_000) {
            coarseDay.add(new Point(c, 50, false, false));
        }
        for (int east = 51; east <= 70; east++, c += 30_000) {
            coarseDay.add(new Point(c, east, east < 70, false));
        }
        for (int i = 0; i < 3; i++, c += 30_000) {
            coarseDay.add(new Point(c, 70, false, false));
        }
        try (DeviceClient device = connectAccepted(coarse)) {
            for (int from = 0; from < coarseDay.size(); from += 4) {
                sendAcknowledged(device, frame(coarseDay.subList(from, Math.min(coarseDay.size(), from + 4))));
            }
        }
        rows(coarse);
        dev.telemask.privacy.GeoGrid grid = new dev.telemask.privacy.GeoGrid(500);
        List<JsonNode> points = new ArrayList<>();
        JSON.readTree(get(admin, "/devices/" + coarse + "/positions?" + range + "&limit=10000")).get("positions")
                .forEach(points::add);
        for (JsonNode trip : JSON.readTree(get(admin, "/devices/" + coarse + "/trips?" + range)).get("trips")) {
            for (String end : List.of("startPoint", "endPoint")) {
                if (trip.has(end)) {
                    points.add(trip.get(end));
                }
            }
        }
        JSON.readTree(get(admin, "/events?device=" + coarse + "&" + range)).get("events").forEach(points::add);
        int located = 0;
        for (JsonNode point : points) {
            if (point.has("latitude")) {
                located++;
                int lat = (int) Math.round(point.get("latitude").asDouble() * 1e7);
                int lon = (int) Math.round(point.get("longitude").asDouble() * 1e7);
                long cell = grid.snap(lat, lon);
                assertEquals(List.of(dev.telemask.privacy.GeoGrid.latitudeOf(cell),
                        dev.telemask.privacy.GeoGrid.longitudeOf(cell)), List.of(lat, lon), "not a cell's centre: "
                        + point);
            }
        }
        assertTrue(located > coarseDay.size(), "positions, trip ends and events: " + points);
    }

    /** At least 2.5 zone radii (750 m) from home: no visible point lies nearer. */
    private static void assertFarFromHome(JsonNode point, String what) {
        double north = (point.get("latitude").asDouble() - HOME_LATITUDE) * 111_195;
        double east = (point.get("longitude").asDouble() - HOME_LONGITUDE) * 111_195
                * Math.cos(Math.toRadians(HOME_LATITUDE));
        assertTrue(Math.hypot(north, east) >= 750, what + ": " + Math.round(Math.hypot(north, east)) + " m from home");
    }

    // ---- drives -------------------------------------------------------------------------------------

    private static AvlBatch frame(List<Point> points) {
        return RoadHome.frame(HOME_LATITUDE, HOME_LONGITUDE, T0, points);
    }

    private JsonNode device(String token, long imei) throws Exception {
        return JSON.readTree(get(token, "/devices/" + imei));
    }

    private String get(String token, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + gateway.httpPort() + "/api/v1" + path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return response.body();
    }

    private HttpResponse<String> api(String token, String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort() + "/api/v1" + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
