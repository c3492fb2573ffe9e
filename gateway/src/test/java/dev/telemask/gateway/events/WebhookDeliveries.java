package dev.telemask.gateway.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.telemask.codec.AvlBatch;
import dev.telemask.simulator.DeviceClient;
import dev.telemask.gateway.GatewayTestBase;
import dev.telemask.gateway.api.ApiTokens;
import dev.telemask.gateway.api.Role;
import dev.telemask.gateway.resilience.Eventually;
import dev.telemask.gateway.webhook.WebhookSignature;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Webhooks deliver a fleet's events at least once, signed: through a receiver that answers 500 for a while and a
 * gateway restart, the receiver ends up with exactly the events stored (deduplicated by delivery id), every request
 * correctly signed; a receiver that never answers 2xx gets the configured number of attempts per delivery, which then
 * shows as dead in the API.
 */
public abstract class WebhookDeliveries extends GatewayTestBase.ForOtherPackages {
    private static final int MAX_ATTEMPTS = 4;
    private static final double LATITUDE = 54.7000;
    private static final double DEPOT = 25.2500;
    private static final double STEP = 0.0031;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private HttpServer receiver;
    private String admin;
    private long policy;
    private long deadHook;
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    /** Requests to answer 500 before the receiver recovers. */
    private final AtomicInteger failuresLeft = new AtomicInteger();
    /** Per path: delivery id to the event id it carried, and attempts per delivery id. */
    private final Map<String, Long> received = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> deadAttempts = new ConcurrentHashMap<>();
    private final List<String> badSignatures = new CopyOnWriteArrayList<>();

    @Override
    protected Map<String, String> gatewayConfiguration() {
        return Map.of("webhooks.max-attempts", Integer.toString(MAX_ATTEMPTS), "webhooks.retry-backoff", "PT0.2S",
                "webhooks.timeout", "PT2S");
    }

    @BeforeAll
    void receiverAndWebhooks() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", this::hook);
        receiver.createContext("/dead", this::dead);
        receiver.start();
        admin = new ApiTokens(gateway.dataSource()).create("acme", Role.ADMIN, null, "hooks-admin", null).token();
        policy = policy("hooks", "{\"version\": 1, \"consent\": {\"location\": true, \"driverIdentity\": true,"
                + " \"telemetry\": true}, \"privateTrips\": {\"graceWindow\": \"PT0S\", \"anchorDelay\": \"PT10S\"}}");
        HttpResponse<String> fence = send("POST", "/geofences", "{\"name\": \"depot\", \"circle\": {\"latitude\": "
                + LATITUDE + ", \"longitude\": " + DEPOT + ", \"radiusMetres\": 300}}", admin);
        assertEquals(201, fence.statusCode(), fence.body());
        webhook("/hook", "[\"geofence_enter\", \"geofence_exit\", \"ignition_on\", \"ignition_off\"]");
        deadHook = webhook("/dead", "[\"ignition_on\"]");
    }

    @AfterAll
    void stopReceiver() {
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    private long webhook(String path, String kinds) throws Exception {
        HttpResponse<String> created = send("POST", "/webhooks", "{\"url\": \"http://127.0.0.1:"
                + receiver.getAddress().getPort() + path + "\", \"kinds\": " + kinds + "}", admin);
        assertEquals(201, created.statusCode(), created.body());
        JsonNode body = JSON.readTree(created.body());
        secrets.put(path, body.get("secret").asText());
        return Long.parseLong(body.get("id").asText());
    }

    @Test
    void deliveriesSurviveAFailingReceiverAndARestartExactlyOnceAfterDeduplication() throws Exception {
        failuresLeft.set(6);
        long imei = device(policy);
        try (DeviceClient device = connectAccepted(imei)) {
            for (int from = 0; from < 15; from += 5) {
                sendAcknowledged(device, drive(from, from + 5));
            }
        }
        restartGateway();
        try (DeviceClient device = connectAccepted(imei)) {
            for (int from = 15; from < 35; from += 5) {
                sendAcknowledged(device, drive(from, from + 5));
            }
        }
        Set<Long> stored = new HashSet<>();
        Eventually.holds(() -> {
            stored.clear();
            stored.addAll(eventIds(imei));
            return stored.size() >= 3 && received.values().containsAll(stored) && pending("/hook") == 0;
        }, Duration.ofSeconds(90), () -> "stored " + stored + ", received " + received.values());
        Set<Long> forThisDevice = new HashSet<>();
        int deliveries = 0;
        for (Map.Entry<String, Long> delivery : received.entrySet()) {
            if (stored.contains(delivery.getValue())) {
                deliveries++;
                forThisDevice.add(delivery.getValue());
            }
        }
        assertEquals(stored, forThisDevice);
        assertEquals(stored.size(), deliveries, "one delivery id per event: " + received);
        assertEquals(List.of(), badSignatures);
        assertTrue(failuresLeft.get() <= 0, "the receiver failed first");
    }

    @Test
    void aReceiverThatNeverTakesADeliveryGetsItsAttemptsThenADeadLetter() throws Exception {
        long imei = device(policy);
        try (DeviceClient device = connectAccepted(imei)) {
            for (int from = 0; from < 15; from += 5) {
                sendAcknowledged(device, drive(from, from + 5));
            }
        }
        Eventually.holds(() -> count("SELECT count(*) FROM device_events WHERE kind = 'ignition_on' AND imei = "
                + imei) > 0 && pendingOf(deadHook) == 0, Duration.ofSeconds(90), () -> "dead letters not reached");
        HttpResponse<String> dead = send("GET", "/webhooks/" + deadHook + "/deliveries?state=dead", null, admin);
        assertEquals(200, dead.statusCode(), dead.body());
        JsonNode deliveries = JSON.readTree(dead.body()).get("deliveries");
        assertEquals(count("SELECT count(*) FROM webhook_deliveries WHERE webhook_id = " + deadHook),
                deliveries.size());
        for (JsonNode delivery : deliveries) {
            assertEquals(MAX_ATTEMPTS, delivery.get("attempts").asInt(), delivery.toString());
            assertEquals("HTTP 500", delivery.get("lastError").asText());
            assertEquals(MAX_ATTEMPTS, deadAttempts.get(delivery.get("id").asText()).get(), delivery.toString());
            assertEquals("ignition_on", delivery.get("payload").get("event").get("kind").asText());
        }
        assertEquals(List.of(), badSignatures);
    }

    @Test
    void webhooksAreForAdminsAndOnlyToHttpsOrLoopback() throws Exception {
        HttpResponse<String> plain = send("POST", "/webhooks", "{\"url\": \"http://example.com/hook\", \"kinds\":"
                + " [\"overspeed\"]}", admin);
        assertEquals(400, plain.statusCode(), plain.body());
        assertTrue(plain.body().contains("loopback"), plain.body());
        assertEquals(400, send("POST", "/webhooks", "{\"url\": \"https://example.com/hook\", \"kinds\":"
                + " [\"teleport\"]}", admin).statusCode());
        for (String inside : new String[] {"https://169.254.169.254/latest", "https://10.0.0.1/hook",
                "https://127.0.0.1:" + gateway.httpPort() + "/api/v1/devices"}) {
            HttpResponse<String> internal = send("POST", "/webhooks", "{\"url\": \"" + inside + "\", \"kinds\":"
                    + " [\"overspeed\"]}", admin);
            assertEquals(400, internal.statusCode(), inside + ": " + internal.body());
            assertTrue(internal.body().contains("public address"), internal.body());
        }
        String viewer = new ApiTokens(gateway.dataSource()).create("acme", Role.VIEWER, null, "hooks-viewer", null).token();
        assertEquals(403, send("GET", "/webhooks", null, viewer).statusCode());
        HttpResponse<String> listed = send("GET", "/webhooks", null, admin);
        assertEquals(200, listed.statusCode());
        assertTrue(!listed.body().contains("whsec_"), "a secret is shown once: " + listed.body());
        assertEquals(0, count("SELECT count(*) FROM webhooks WHERE secret LIKE '%whsec_%'"),
                "the database holds secrets only sealed");
    }

    private void hook(HttpExchange exchange) throws IOException {
        String delivery = verified(exchange, "/hook");
        if (failuresLeft.getAndDecrement() > 0) {
            answer(exchange, 500);
            return;
        }
        String body = new String(bodyOf(exchange), StandardCharsets.UTF_8);
        received.put(delivery, Long.parseLong(JSON.readTree(body).get("event").get("id").asText()));
        answer(exchange, 204);
    }

    private void dead(HttpExchange exchange) throws IOException {
        String delivery = verified(exchange, "/dead");
        deadAttempts.computeIfAbsent(delivery, d -> new AtomicInteger()).incrementAndGet();
        answer(exchange, 500);
    }

    private final Map<HttpExchange, byte[]> bodies = new ConcurrentHashMap<>();

    private byte[] bodyOf(HttpExchange exchange) {
        return bodies.remove(exchange);
    }

    /** Reads the body and checks the signature; returns the delivery id. */
    private String verified(HttpExchange exchange, String path) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        bodies.put(exchange, body);
        String timestamp = exchange.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER);
        String signature = exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER);
        String delivery = exchange.getRequestHeaders().getFirst(WebhookSignature.DELIVERY_HEADER);
        String expected = WebhookSignature.sign(secrets.get(path), Long.parseLong(timestamp), Long.parseLong(delivery),
                new String(body, StandardCharsets.UTF_8));
        if (!expected.equals(signature)) {
            badSignatures.add(path + " " + signature);
        }
        return exchange.getRequestHeaders().getFirst(WebhookSignature.DELIVERY_HEADER);
    }

    private static void answer(HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    private List<Long> eventIds(long imei) {
        List<Long> ids = new java.util.ArrayList<>();
        try (Connection c = gateway.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM device_events WHERE imei = " + imei
                     + " AND kind NOT LIKE 'device_%'")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    private long pending(String path) {
        return count("SELECT count(*) FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id"
                + " WHERE d.state = 'pending' AND w.url LIKE '%" + path + "'");
    }

    private long pendingOf(long webhook) {
        return count("SELECT count(*) FROM webhook_deliveries WHERE state = 'pending' AND webhook_id = " + webhook);
    }

    private long count(String sql) {
        return queryNumber(sql);
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

    /**
     * Records {@code from} to {@code to} of a short day: parked in the depot (0-4), a trip out of it (5-24),
     * parked there (25-29), a trip back (30-34 and on).
     */
    private static AvlBatch drive(int from, int to) {
        AvlBatch batch = new AvlBatch();
        long time = T0;
        for (int r = 0; r < to; r++) {
            boolean driving = r >= 5 && r < 25 || r >= 30;
            time += driving ? 30_000 : 300_000;
            if (r < from) {
                continue;
            }
            double longitude = r < 5 ? DEPOT : r < 25 ? DEPOT + (r - 4) * STEP : r < 30 ? DEPOT + 20 * STEP
                    : DEPOT + (50 - r) * STEP;
            batch.addRecord(time, 0, (int) Math.round(longitude * 1e7), (int) Math.round(LATITUDE * 1e7), 110, 90,
                    11, driving ? 50 : 0, 0, AvlBatch.NO_GENERATION);
            batch.addIo(239, 1, driving ? 1 : 0);
            batch.addIo(240, 1, driving ? 1 : 0);
            batch.addIo(16, 4, 1_000_000 + r * 200L);
        }
        return batch;
    }
}
