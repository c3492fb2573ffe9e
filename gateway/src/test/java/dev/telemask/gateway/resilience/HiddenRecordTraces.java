package dev.telemask.gateway.resilience;

import static dev.telemask.gateway.resilience.RoadHome.STEP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import dev.telemask.gateway.DatabaseDump;
import dev.telemask.gateway.GatewayTestBase;
import dev.telemask.gateway.api.ApiTokens;
import dev.telemask.gateway.api.Role;
import dev.telemask.gateway.resilience.RoadHome.Point;
import dev.telemask.privacy.DeviceState;
import dev.telemask.simulator.DeviceClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What a database dump tells of records a policy does not store at all (hidden by a privacy zone, or private under
 * {@code "privateRecords": "drop"}) or that were erased: not even their device times, in any table or column (the
 * time of the last record hidden at home would measure the way from the last visible point); nor, of erased records,
 * the engine's saved state, which whoever holds the seal key opens.
 */
public abstract class HiddenRecordTraces extends GatewayTestBase.ForOtherPackages {
    private static final double HOME_LATITUDE = 54.7000;
    private static final double HOME_LONGITUDE = 25.2500;
    private static final DateTimeFormatter SQL_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ISO_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aTripHomeIntoAZoneLeavesNoTimeOfTheRecordsTheZoneHid() throws Exception {
        long imei = device(officePolicy);
        String driver = new ApiTokens(gateway.dataSource()).create("acme", Role.DRIVER, imei, "driver", null).token();
        HttpResponse<String> placed = api(driver, "POST", "/devices/" + imei + "/zones", "{\"name\": \"home\","
                + " \"latitude\": " + HOME_LATITUDE + ", \"longitude\": " + HOME_LONGITUDE + ", \"radiusMetres\": 300}");
        assertEquals(201, placed.statusCode(), placed.body());
        // Parked 8 km east of home, a business trip home, then parked there with the tracker still reporting (every
        // 30 s throughout, so that each record continues the one before it).
        List<Point> day = new ArrayList<>();
        long t = T0;
        for (int i = 0; i < 3; i++, t += 30_000) {
            day.add(new Point(t, 40, false, false));
        }
        for (int east = 39; east >= 0; east--, t += 30_000) {
            day.add(new Point(t, east, east > 0, false));
        }
        for (int i = 0; i < 3; i++, t += 30_000) {
            day.add(new Point(t, 0, false, false));
        }
        send(imei, day);
        Set<Long> hidden = notStored(imei, day);
        assertTrue(hidden.size() > 5, "the zone hides the way home and home: " + hidden.size() + " records");
        assertTrue(hidden.size() < day.size() - 3, "the start of the trip is visible");
        assertNoTimeOf(hidden, "hidden by the zone");
    }

    @Test
    void aPrivateTripUnderADropPolicyLeavesNoTimeOfItsRecords() throws Exception {
        long imei = device(policy("drop-times", "{\"version\": 1, \"consent\": {\"location\": true,"
                + " \"driverIdentity\": true, \"telemetry\": true}, \"privateTrips\": {\"graceWindow\": \"PT0S\","
                + " \"privateRecords\": \"drop\"}}"));
        // Parked, a private trip (the button held), parked where it ended.
        List<Point> day = new ArrayList<>();
        long t = T0 + 3_600_000;
        for (int i = 0; i < 3; i++, t += 30_000) {
            day.add(new Point(t, 0, false, false));
        }
        for (int east = 1; east <= 20; east++, t += 30_000) {
            day.add(new Point(t, east, east < 20, true));
        }
        for (int i = 0; i < 3; i++, t += 30_000) {
            day.add(new Point(t, 20, false, false));
        }
        send(imei, day);
        Set<Long> dropped = notStored(imei, day);
        assertTrue(dropped.containsAll(day.subList(3, day.size()).stream().map(Point::time).toList()),
                "the private trip and where it ended are not stored: " + dropped);
        assertNoTimeOf(dropped, "dropped as private");
    }

    @Test
    void anErasedDayLeavesNoTimeOfItsRecords() throws Exception {
        long imei = device(officePolicy);
        String admin = new ApiTokens(gateway.dataSource()).create("acme", Role.ADMIN, null, "admin", null).token();
        // A depot around the place where the day ends: the event detector remembers being in it.
        HttpResponse<String> depot = api(admin, "POST", "/geofences", "{\"name\": \"depot\", \"circle\":"
                + " {\"latitude\": " + HOME_LATITUDE + ", \"longitude\": " + (HOME_LONGITUDE + 20 * STEP)
                + ", \"radiusMetres\": 500}}");
        assertEquals(201, depot.statusCode(), depot.body());
        List<Point> day = new ArrayList<>();
        long t = T0 + 7_200_000;
        for (int i = 0; i < 3; i++, t += 30_000) {
            day.add(new Point(t, 0, false, false));
        }
        for (int east = 1; east <= 20; east++, t += 30_000) {
            day.add(new Point(t, east, east < 20, false));
        }
        for (int i = 0; i < 3; i++, t += 30_000) {
            day.add(new Point(t, 20, false, false));
        }
        send(imei, day);
        assertTrue(notStored(imei, day).isEmpty(), "a business day is stored whole");
        HttpResponse<String> erased = api(admin, "POST", "/devices/" + imei
                + "/erase?from=2025-01-01T00:00:00Z&to=2027-01-01T00:00:00Z", null);
        assertEquals(200, erased.statusCode(), erased.body());
        assertNoTimeOf(new TreeSet<>(day.stream().map(Point::time).toList()), "erased");
    }

    @Test
    void anErasedDaySentAgainByTheDeviceIsNotStoredAgain() throws Exception {
        long imei = device(officePolicy);
        String admin = new ApiTokens(gateway.dataSource()).create("acme", Role.ADMIN, null, "dpo", null).token();
        List<Point> day = new ArrayList<>();
        long t = T0 + 21_600_000;
        for (int i = 0; i < 3; i++, t += 30_000) {
            day.add(new Point(t, 0, false, false));
        }
        for (int east = 1; east <= 10; east++, t += 30_000) {
            day.add(new Point(t, east, east < 10, false));
        }
        send(imei, day);
        assertTrue(notStored(imei, day).isEmpty(), "a business day is stored whole");
        HttpResponse<String> erased = api(admin, "POST", "/devices/" + imei
                + "/erase?from=2025-01-01T00:00:00Z&to=2027-01-01T00:00:00Z", null);
        assertEquals(200, erased.statusCode(), erased.body());
        // The device sends the day again (its acknowledgements were lost, or someone replays its frames): the erased
        // range's records, received after the erasure, are the erased data again.
        send(imei, day);
        assertEquals(List.of(), rows(imei), "the erased day is stored again");
        assertNoTimeOf(new TreeSet<>(day.stream().map(Point::time).toList()), "erased and sent again");
        // What the device logs after the erasure is its own: stored. Its times lie after the erasure's moment (the
        // range's end) and not ahead of the gateway's clock, where a record would wait until the clock reaches it.
        long erasedUntil = insertReturningId("SELECT (extract(epoch FROM max(to_time)) * 1000)::bigint"
                + " FROM erased_ranges WHERE imei = " + imei);
        long after = erasedUntil + 1;
        long later = Math.max(System.currentTimeMillis(), after + 1);
        send(imei, List.of(new Point(after, 0, false, false), new Point(later, 0, false, false)));
        assertEquals(2, rows(imei).size(), "records of after the erasure are stored: " + rows(imei));
    }

    @Test
    void recordsErasedWhileTheyWaitSealedAreNotStoredWhenTheirTripIsDecided() throws Exception {
        long imei = device(policy("grace", "{\"version\": 1, \"consent\": {\"location\": true,"
                + " \"driverIdentity\": true, \"telemetry\": true}, \"privateTrips\": {\"graceWindow\": \"PT2M\"}}"));
        String admin = new ApiTokens(gateway.dataSource()).create("acme", Role.ADMIN, null, "eraser", null).token();
        long start = T0 + 10_800_000;
        List<Point> parked = new ArrayList<>();
        List<Point> tripStart = new ArrayList<>();
        List<Point> rest = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            parked.add(new Point(start + i * 30_000L, 0, false, false));
        }
        for (int i = 0; i < 3; i++) { // the trip's first minute: sealed until the trip is two minutes old
            tripStart.add(new Point(start + 90_000L + i * 30_000L, i + 1, true, false));
        }
        for (int i = 0; i < 4; i++) {
            rest.add(new Point(start + 180_000L + i * 30_000L, i + 4, true, false));
        }
        try (DeviceClient device = connectAccepted(imei)) {
            sendAcknowledged(device, frame(parked));
            sendAcknowledged(device, frame(tripStart));
            Eventually.holds(() -> queryNumber("SELECT count(*) FROM positions WHERE imei = " + imei) == parked.size()
                            && queryNumber("SELECT count(*) FROM sealed_positions WHERE imei = " + imei)
                            == tripStart.size(), Duration.ofSeconds(20),
                    () -> "the parked records decided, the trip's start waiting sealed");
            // Up to where the trip goes on: records of an erased range that arrive after the erasure are not stored.
            HttpResponse<String> erased = api(admin, "POST", "/devices/" + imei + "/erase?from=2025-01-01T00:00:00Z&to="
                    + Instant.ofEpochMilli(rest.getFirst().time()), null);
            assertEquals(200, erased.statusCode(), erased.body());
            assertEquals(0, count(imei), "nothing of the device left after the erasure");
            // The trip goes on over the same connection: two minutes old now, its start is decided.
            sendAcknowledged(device, frame(rest));
        }
        List<StoredRow> stored = rows(imei);
        assertTrue(stored.stream().anyMatch(row -> row.deviceTimeMillis() == rest.getLast().time()),
                "the rest of the trip is stored: " + stored);
        Set<Long> erasedTimes = new TreeSet<>();
        parked.forEach(p -> erasedTimes.add(p.time()));
        tripStart.forEach(p -> erasedTimes.add(p.time()));
        for (StoredRow row : stored) {
            assertFalse(erasedTimes.contains(row.deviceTimeMillis()),
                    "erased while sealed, stored again once decided: " + Instant.ofEpochMilli(row.deviceTimeMillis()));
        }
        assertNoTimeOf(erasedTimes, "erased while sealed");
    }

    @Test
    void erasingTheNewestRecordsLeavesNothingOfThemInTheDevicesSavedState() throws Exception {
        long imei = device(officePolicy);
        String admin = new ApiTokens(gateway.dataSource()).create("acme", Role.ADMIN, null, "dpo", null).token();
        // A private trip (the button held): stored without a place, but the engine's state knew where it ended.
        List<Point> day = new ArrayList<>();
        long t = T0 + 14_400_000;
        for (int east = 1; east <= 6; east++, t += 30_000) {
            day.add(new Point(t, east, east < 6, true));
        }
        send(imei, day);
        assertTrue(rows(imei).stream().allMatch(r -> r.latitude() == null), "the private trip is stored private");
        assertFalse(Arrays.equals(DeviceState.unknownPast().save(), openedPrivacyState(imei)), "a state was saved");

        HttpResponse<String> erased = api(admin, "POST", "/devices/" + imei
                + "/erase?from=2025-01-01T00:00:00Z&to=2027-01-01T00:00:00Z", null);
        assertEquals(200, erased.statusCode(), erased.body());
        assertArrayEquals(DeviceState.unknownPast().save(), openedPrivacyState(imei),
                "the saved state knows nothing of the erased records: no place, no time");
        assertEquals(1, queryNumber("SELECT count(*) FROM devices d WHERE imei = " + imei
                + " AND privacy_state_updated_at = (SELECT date_trunc('day', max(at)) FROM audit_log"
                + " WHERE action = 'erase' AND target = 'device:" + imei + "')"),
                "the state's time is the erasure's day, not the records'");
    }

    @Test
    void aSessionOpenDuringTheErasureCarriesOnFromNothingOfTheErasedRecords() throws Exception {
        long imei = device(officePolicy);
        String admin = new ApiTokens(gateway.dataSource()).create("acme", Role.ADMIN, null, "dpo", null).token();
        long t = T0 + 18_000_000;
        List<Point> before = new ArrayList<>();
        for (int i = 0; i < 3; i++, t += 30_000) {
            before.add(new Point(t, 0, false, false));
        }
        for (int east = 1; east <= 4; east++, t += 30_000) {
            before.add(new Point(t, east, true, false));
        }
        List<Point> after = new ArrayList<>();
        for (int east = 5; east <= 8; east++, t += 30_000) {
            after.add(new Point(t, east, true, false));
        }
        try (DeviceClient device = connectAccepted(imei)) {
            sendAcknowledged(device, frame(before));
            assertTrue(rows(imei).stream().allMatch(r -> r.latitude() != null), "a business trip, published");
            HttpResponse<String> erased = api(admin, "POST", "/devices/" + imei + "/erase?from=2025-01-01T00:00:00Z&to="
                    + Instant.ofEpochMilli(after.getFirst().time()), null);
            assertEquals(200, erased.statusCode(), erased.body());
            // The same trip goes on over the same connection, whose engine state still holds the erased records.
            sendAcknowledged(device, frame(after));
        }
        // Had the session kept (or written back) its state, these would continue a published trip and be published
        // too; from a state that knows nothing of the past, a trip under way is private.
        List<StoredRow> stored = rows(imei);
        assertEquals(after.size(), stored.size(), "only the records after the erasure: " + stored);
        assertTrue(stored.stream().allMatch(r -> r.latitude() == null),
                "the session carried on from the erased records' state: " + stored);
    }

    // ---- drives -------------------------------------------------------------------------------------

    private HttpResponse<String> api(String token, String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort()
                + "/api/v1" + path)).header("Authorization", "Bearer " + token);
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void send(long imei, List<Point> day) throws Exception {
        try (DeviceClient device = connectAccepted(imei)) {
            for (int from = 0; from < day.size(); from += 5) {
                sendAcknowledged(device, frame(day.subList(from, Math.min(day.size(), from + 5))));
            }
        }
    }

    private static AvlBatch frame(List<Point> points) {
        return RoadHome.frame(HOME_LATITUDE, HOME_LONGITUDE, T0, points);
    }

    /** The device times of the day's records that were not stored, once none waits sealed. */
    private Set<Long> notStored(long imei, List<Point> day) throws Exception {
        Set<Long> stored = new HashSet<>();
        for (StoredRow row : rows(imei)) {
            stored.add(row.deviceTimeMillis());
        }
        Set<Long> missing = new TreeSet<>();
        for (Point p : day) {
            if (!stored.contains(p.time())) {
                missing.add(p.time());
            }
        }
        return missing;
    }

    // ---- what a dump holds --------------------------------------------------------------------------

    /** Each time as a dump would show it: SQL and ISO text, epoch milliseconds, and the big-endian bytes in hex. */
    private void assertNoTimeOf(Set<Long> times, String what) throws Exception {
        String dump = databaseDump();
        for (long time : times) {
            Instant at = Instant.ofEpochMilli(time);
            for (String needle : List.of(SQL_TIME.format(at), ISO_TIME.format(at), Long.toString(time),
                    String.format("%016x", time))) {
                assertFalse(dump.contains(needle), what + ": the record at " + at + " is in the database as "
                        + needle + ":\n" + linesWith(dump, needle));
            }
        }
    }

    private static String linesWith(String dump, String needle) {
        StringBuilder lines = new StringBuilder();
        for (String line : dump.split("\n")) {
            if (line.contains(needle)) {
                lines.append(line).append('\n');
            }
        }
        return lines.toString();
    }

    private String databaseDump() {
        return DatabaseDump.of(gateway.dataSource());
    }
}
