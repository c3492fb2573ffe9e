package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile input on every endpoint the API's own OpenAPI document lists: every path and query parameter, and every
 * body, with huge, negative, malformed, unicode, empty and very long values. No answer may be a 5xx, every
 * connection gets an answer, and every answer of the API says no-store and nosniff.
 */
abstract class ApiFuzzContract {
    private static final long IMEI = 356_307_042_441_013L;

    abstract ApiTestServer start(Clock clock);

    private static final List<String> VALUES = List.of("", "0", "-1", "1", "-999999999999999999999",
            "99999999999999999999999999", "9223372036854775807", "-9223372036854775808", "1e308", "NaN", "null",
            "true", "[]", "{}", "../../etc/passwd", "'; DROP TABLE devices; --", "\u00e9\u4e2d\ud83d\ude00\u202e",
            "\u0000", "x".repeat(10_000), "9".repeat(3_000), "+300000-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z",
            "+999999999-12-31T23:59:59.999999999Z", "1969-12-31T23:59:59Z", "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z", "2026-02-30T00:00:00Z", "2026-01-01T00:00:00+25:00", "2026-01-01",
            tampered("p1:" + Long.MAX_VALUE + ":999999999:0"), tampered("p1:253402300800:0:0"),
            tampered("p1:-62167219200:0:0"), tampered("p1:1:2"), "cDE6MTox", "35630704244101", "3563070424410130",
            "000000000000000", "35630704244101x", "+35630704244101", "json", "GPX", "csv\u0000");

    private static final List<String> BODIES = List.of("", "{", "null", "[]", "0", "\"text\"", "{\"imei\": 1e400}",
            "{\"imei\": [1, 2]}", "{\"imei\": {}}", "{\"imei\": 356307042441014, \"label\": 12345}",
            "{\"imei\": \"356307042441015\", \"policyId\": \"x\"}", "{\"policyId\": 99999999999999999999999}",
            "{\"policyId\": -1, \"label\": null}", "{\"label\": \"" + "l".repeat(10_000) + "\"}",
            "{\"until\": \"+300000-01-01T00:00:00Z\"}", "{\"until\": \"-999999999-01-01T00:00:00Z\"}",
            "{\"until\": 5}", "{\"location\": \"yes\", \"reason\": 7}", "{\"location\": true, \"reason\": \""
                    + "r".repeat(100_000) + "\"}", "{\"name\": \"\", \"document\": null}",
            "{\"name\": \"p\", \"document\": {\"version\": 1e9}}",
            "{\"name\": \"p\", \"document\": {\"version\": 1, \"zones\": [{\"name\": \"z\", \"latitude\": 1e308,"
                    + " \"longitude\": -1e308, \"radiusMetres\": 1e308}]}}",
            "{\"name\": \"p\", \"document\": {\"version\": 1, \"coarsening\": {\"gridMetres\": -5}}}",
            "[".repeat(50_000), "{\"a\": \"\\ud800\"}", "{\"a\": 1}garbage");

    @Test
    void everyEndpointAnswersHostileInputWithNeitherA5xxNorADroppedConnection() throws Exception {
        try (ApiTestServer server = start(Clock.systemUTC())) {
            server.device("fuzz", IMEI);
            new StoredTrack(server, IMEI, Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(3_600))
                    .businessTrip(52_5000000).privateTrip();
            String token = server.token("fuzz", Role.ADMIN, null);
            List<String> failures = new ArrayList<>();
            int exchanges = 0;
            Random random = new Random(20260309);
            for (Operation op : operations(server)) {
                for (String parameter : op.pathParameters()) {
                    for (String value : withRandom(random)) {
                        exchanges += check(server, token, op, Map.of(parameter, encode(value)), "", null, failures);
                    }
                }
                for (String parameter : op.queryParameters()) {
                    for (String value : withRandom(random)) {
                        exchanges += check(server, token, op, Map.of(), parameter + "=" + encode(value), null,
                                failures);
                    }
                    // Malformed escapes, raw: a client library would refuse to send them.
                    for (String raw : List.of("%zz", "%", "%FF%FE", "%C0%AF", "%00")) {
                        exchanges += check(server, token, op, Map.of(), parameter + "=" + raw, null, failures);
                    }
                }
                if (op.hasBody()) {
                    for (String body : BODIES) {
                        exchanges += check(server, token, op, Map.of(), "", body, failures);
                    }
                    byte[] notUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
                    exchanges += check(server, token, op, Map.of(), "", new String(notUtf8,
                            StandardCharsets.ISO_8859_1), failures);
                }
            }
            assertTrue(failures.isEmpty(), failures.size() + " of " + exchanges + " exchanges failed:\n"
                    + String.join("\n", failures.subList(0, Math.min(40, failures.size()))));
            assertTrue(exchanges > 1_000, "only " + exchanges + " exchanges");
        }
    }

    @Test
    void outOfRangeTimesAndTamperedCursorsAre400sNamingTheParameter() throws Exception {
        try (ApiTestServer server = start(Clock.systemUTC())) {
            server.device("fuzz", IMEI);
            String token = server.token("fuzz", Role.ADMIN, null);
            String device = "/api/v1/devices/" + IMEI;
            for (String time : List.of("+300000-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z",
                    "1969-12-31T00:00:00Z")) {
                String t = encode(time);
                for (String[] call : new String[][] {{"GET", device + "/positions?from=" + t, "from"},
                        {"GET", device + "/positions?to=" + t, "to"}, {"GET", device + "/trips?from=" + t, "from"},
                        {"GET", device + "/trips?to=" + t, "to"}, {"GET", "/api/v1/audit?from=" + t, "from"},
                        {"GET", "/api/v1/audit?to=" + t, "to"},
                        {"POST", device + "/erase?from=" + t + "&to=2026-01-01T00:00:00Z", "from"},
                        {"POST", device + "/erase?from=2026-01-01T00:00:00Z&to=" + t, "to"}}) {
                    RawHttp.Answer answer = RawHttp.exchange(server.port(), call[0], call[1], token, null, null);
                    assertEquals(400, answer.status(), call[0] + " " + call[1] + ": " + answer.body());
                    assertTrue(answer.body().contains("\"parameter\":\"" + call[2] + "\""), answer.body());
                }
            }
            for (String cursor : List.of(tampered("p1:" + Long.MAX_VALUE + ":999999999:0"),
                    tampered("p1:253402300800:0:0"), "garbage")) {
                RawHttp.Answer answer = RawHttp.exchange(server.port(), "GET", device + "/positions?cursor="
                        + encode(cursor), token, null, null);
                assertEquals(400, answer.status(), answer.body());
                assertTrue(answer.body().contains("\"parameter\":\"cursor\""), answer.body());
            }
        }
    }

    @Test
    void aNulCharacterAnywhereInTheRequestIsA400NamingWhere() throws Exception {
        try (ApiTestServer server = start(Clock.systemUTC())) {
            server.device("fuzz", IMEI);
            String token = server.token("fuzz", Role.ADMIN, null);
            byte[] json = "application/json".getBytes(StandardCharsets.UTF_8);
            for (String[] call : new String[][] {
                    {"GET", "/api/v1/users?cursor=a%00b", null, "cursor"},
                    {"GET", "/api/v1/devices/" + IMEI + "/positions?format=json%00", null, "format"},
                    {"POST", "/api/v1/devices", "{\"imei\": \"356307042441014\", \"label\": \"van\\u0000\"}", "label"},
                    {"PATCH", "/api/v1/devices/" + IMEI, "{\"label\": [\"\\u0000\"]}", "label[0]"},
                    {"POST", "/api/v1/devices", "{\"im\\u0000ei\": 1}", "body"}}) {
                byte[] body = call[2] == null ? null : call[2].getBytes(StandardCharsets.UTF_8);
                RawHttp.Answer answer = RawHttp.exchange(server.port(), call[0], call[1], token,
                        body == null ? null : new String(json, StandardCharsets.UTF_8), body);
                assertEquals(400, answer.status(), call[0] + " " + call[1] + ": " + answer.body());
                assertTrue(answer.body().contains("\"parameter\":\"" + call[3] + "\""), answer.body());
                assertTrue(answer.body().contains("U+0000"), answer.body());
            }
        }
    }

    @Test
    void jsonBodiesNeedAJsonContentTypeAndTheMetricRecordsTheRealStatus() throws Exception {
        try (ApiTestServer server = start(Clock.systemUTC())) {
            server.tenant("fuzz");
            String token = server.token("fuzz", Role.ADMIN, null);
            byte[] body = "{\"imei\": \"356307042441014\"}".getBytes(StandardCharsets.UTF_8);
            for (String type : new String[] {null, "text/plain", "application/x-www-form-urlencoded"}) {
                RawHttp.Answer refused = RawHttp.exchange(server.port(), "POST", "/api/v1/devices", token, type, body);
                assertEquals(415, refused.status(), refused.body());
            }
            RawHttp.Answer created = RawHttp.exchange(server.port(), "POST", "/api/v1/devices", token,
                    "application/json; charset=utf-8", body);
            assertEquals(201, created.status(), created.body());
            assertTrue(created.hasHeader("Cache-Control", "no-store"), created.headers());
            assertTrue(created.hasHeader("X-Content-Type-Options", "nosniff"), created.headers());

            // Recorded once the call's thread is done, which may be just after the client has its answer.
            awaitRecorded(server, "201", 1);
            awaitRecorded(server, "415", 3);
            String seen = recordedCalls(server);
            assertEquals(1, recorded(server, "201"), seen);
            assertEquals(3, recorded(server, "415"), seen);
            assertEquals(0, recorded(server, "200"), seen);
        }
    }

    /** The POST /devices calls recorded with {@code status}. */
    private static long recorded(ApiTestServer server, String status) {
        Timer timer = server.registry.find("telemask.api.requests").tags("method", "POST", "route", "/devices",
                "status", status).timer();
        return timer == null ? 0 : timer.count();
    }

    /** Waits (10 s at most) until {@code count} POST /devices calls are recorded with {@code status}. */
    private static void awaitRecorded(ApiTestServer server, String status, long count) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (recorded(server, status) < count && System.nanoTime() < deadline) {
            Thread.sleep(20); // polling for the call's record, with a deadline
        }
    }

    /** Every call recorded, with its tags and count: what a failing assertion shows. */
    private static String recordedCalls(ApiTestServer server) {
        StringBuilder text = new StringBuilder("recorded calls:");
        for (Timer timer : server.registry.find("telemask.api.requests").timers()) {
            text.append(' ').append(timer.getId().getTags()).append('x').append(timer.count());
        }
        return text.toString();
    }

    /** One operation of the OpenAPI document, with its parameters by where they go. */
    private record Operation(String method, String template, List<String> pathParameters,
                             List<String> queryParameters, boolean hasBody) {
    }

    private static List<Operation> operations(ApiTestServer server) {
        JsonNode document = server.get(null, "/api/v1/openapi.json").json();
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (op.getKey().equals("parameters")) {
                    continue;
                }
                List<String> inPath = new ArrayList<>();
                List<String> inQuery = new ArrayList<>();
                for (JsonNode parameter : op.getValue().path("parameters")) {
                    (parameter.path("in").asText().equals("path") ? inPath : inQuery).add(parameter.get("name").asText());
                }
                operations.add(new Operation(op.getKey().toUpperCase(java.util.Locale.ROOT), path.getKey(), inPath,
                        inQuery, op.getValue().has("requestBody")));
            }
        }
        // Deletions last, so that the device is there for everything else.
        operations.sort(Comparator.comparing(o -> o.method().equals("DELETE")));
        assertTrue(operations.size() >= 20, "the OpenAPI document lists " + operations.size() + " operations");
        return operations;
    }

    private static int check(ApiTestServer server, String token, Operation op, Map<String, String> pathValues,
                             String query, String body, List<String> failures) throws Exception {
        String path = op.template();
        for (String parameter : op.pathParameters()) {
            String value = pathValues.getOrDefault(parameter, parameter.equals("imei") ? Long.toString(IMEI) : "1");
            path = path.replace("{" + parameter + "}", value);
        }
        String target = "/api/v1" + path + (query.isEmpty() ? "" : "?" + query);
        // ISO-8859-1 keeps the raw bytes of the not-UTF-8 body; every other body is ASCII or escaped anyway.
        byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.ISO_8859_1);
        RawHttp.Answer answer = RawHttp.exchange(server.port(), op.method(), target, token,
                body == null ? null : "application/json", bytes);
        String what = op.method() + " " + shortened(target) + (body == null ? "" : " body " + shortened(body));
        if (answer.status() == 0) {
            failures.add(what + ": no answer, the connection ended");
        } else if (answer.status() >= 500) {
            failures.add(what + ": " + answer.status() + " " + shortened(answer.body()));
        } else if (answer.status() != 414 && answer.status() != 431
                && !(answer.hasHeader("Cache-Control", "no-store")
                && answer.hasHeader("X-Content-Type-Options", "nosniff")
                // An API URL opened in a browser, its JSON quoting a hostile name, runs nothing and loads nothing.
                && answer.hasHeader("Content-Security-Policy", FleetApi.CONTENT_SECURITY_POLICY))) {
            failures.add(what + ": " + answer.status() + " without no-store, nosniff and the API's CSP");
        }
        return 1;
    }

    private static List<String> withRandom(Random random) {
        List<String> values = new ArrayList<>(VALUES);
        for (int i = 0; i < 5; i++) {
            StringBuilder garbage = new StringBuilder();
            int length = random.nextInt(64);
            for (int c = 0; c < length; c++) {
                garbage.appendCodePoint(random.nextBoolean() ? 0x20 + random.nextInt(0x5F) : random.nextInt(0x2FFFF));
            }
            values.add(garbage.toString());
        }
        return values;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String shortened(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "...(" + text.length() + ")";
    }

    static String tampered(String clear) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(clear.getBytes(StandardCharsets.UTF_8));
    }
}
