package dev.telemask.gateway.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.telemask.codec.AvlBatch;
import dev.telemask.simulator.DeviceClient;
import dev.telemask.gateway.Drives;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Masked positions are forwarded exactly as stored: Kafka receives every exact and coarsened position (and no private
 * one) that the gateway acknowledged while the broker was down, once it is back, keyed by IMEI with the delivery id
 * in a header; a webhook subscribing to positions receives exactly the stored masked positions, signed; a resent
 * frame forwards nothing twice.
 */
public abstract class PositionForwarding extends GatewayTestBase.ForOtherPackages {
    private static final String POSITIONS = "telemask.positions";
    private static final String EVENTS = "telemask.events";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Coarsened to a 500 m grid; the device's private-mode button makes a trip private. */
    private static final String POLICY = "{\"version\": 1, \"consent\": {\"location\": true, \"driverIdentity\": true,"
            + " \"telemetry\": true}, \"coarsening\": {\"gridMetres\": 500}, \"privateTrips\": {\"graceWindow\":"
            + " \"PT0S\"}}";

    private final HttpClient http = HttpClient.newHttpClient();
    private InProcessKafka kafka;
    private HttpServer receiver;
    private String secret;
    private String admin;
    private long policy;
    /** Per IMEI: device time to the delivery ids that brought it, from Kafka and from the webhook. */
    private final Map<String, Map<Instant, Set<String>>> fromKafka = new ConcurrentHashMap<>();
    private final Map<String, Map<Instant, Set<String>>> fromWebhook = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> kafkaBodies = new ConcurrentHashMap<>();
    /** Per IMEI: when the broker appended each of its positions (the topic's LogAppendTime). */
    private final Map<String, List<Long>> appendedAt = new ConcurrentHashMap<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();

    @Override
    protected Map<String, String> gatewayConfiguration() {
        try {
            kafka = InProcessKafka.start(POSITIONS, EVENTS);
        } catch (Exception e) {
            throw new IllegalStateException("the in-process Kafka did not start", e);
        }
        return Map.of("forward.kafka.bootstrap-servers", kafka.bootstrapServers(), "forward.kafka.topic", POSITIONS,
                "forward.kafka.events-topic", EVENTS, "webhooks.retry-backoff", "PT0.2S", "webhooks.timeout", "PT2S");
    }

    @BeforeAll
    void receiverAndWebhook() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/positions", this::hook);
        receiver.start();
        admin = new ApiTokens(gateway.dataSource()).create("acme", Role.ADMIN, null, "forward-admin", null).token();
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + gateway.httpPort() + "/api/v1/webhooks")).header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"url\": \"http://127.0.0.1:" + receiver.getAddress().getPort() + "/positions\","
                                + " \"kinds\": [\"position\"]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        secret = JSON.readTree(created.body()).get("secret").asText();
        policy = policy("forwarded", POLICY);
    }

    @AfterAll
    void stopKafkaAndReceiver() throws Exception {
        if (receiver != null) {
            receiver.stop(0);
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void kafkaReceivesEveryMaskedPositionAcknowledgedWhileItWasDown() throws Exception {
        long imei = device(policy);
        kafka.stopBroker();
        try {
            try (DeviceClient device = connectAccepted(imei)) {
                sendAcknowledged(device, Drives.driving(T0, 5));
                sendAcknowledged(device, Drives.privateMode(T0 + 10 * 60_000L, 5));
            }
            Map<Instant, Integer> stored = settled(imei);
            assertTrue(stored.values().stream().anyMatch(t -> t == 2), "a private trip was stored: " + stored);
            assertTrue(queryNumber("SELECT count(*) FROM webhook_deliveries WHERE sink = 'kafka' AND state = 'pending'"
                    + " AND imei = " + imei) > 0, "the rows wait in the outbox while Kafka is down");
        } finally {
            kafka.startBroker();
        }
        Map<Instant, Integer> stored = settled(imei);
        Set<Instant> masked = masked(stored);
        assertTrue(!masked.isEmpty(), "positions to forward: " + stored);
        Eventually.holds(() -> {
            consumeKafka();
            return received(fromKafka, imei).keySet().equals(masked);
        }, Duration.ofSeconds(120), () -> "Kafka has " + received(fromKafka, imei).keySet() + ", stored " + stored);
        assertOneDeliveryEach(received(fromKafka, imei));
        for (Instant time : masked) {
            JsonNode position = kafkaBodies.get(imei + "@" + time).get("position");
            assertEquals(stored.get(time) == 0 ? "exact" : "coarsened", position.get("treatment").asText());
            assertNotNull(position.get("latitude"), "a forwarded position has its (coarsened) point");
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void aPositionWebhookReceivesExactlyTheStoredMaskedPositionsAndAResendForwardsNothingTwice() throws Exception {
        long imei = device(policy);
        AvlBatch first = Drives.driving(T0 + 3_600_000L, 6);
        try (DeviceClient device = connectAccepted(imei)) {
            sendAcknowledged(device, first);
            sendAcknowledged(device, first); // the device did not see the ACK and sends the frame again
            sendAcknowledged(device, Drives.privateMode(T0 + 3_600_000L + 10 * 60_000L, 4));
        }
        try (DeviceClient device = connectAccepted(imei)) {
            sendAcknowledged(device, first);
        }
        Map<Instant, Integer> stored = settled(imei);
        Set<Instant> masked = masked(stored);
        assertTrue(!masked.isEmpty() && masked.size() < stored.size(), "masked and private rows: " + stored);
        Eventually.holds(() -> {
            consumeKafka();
            return received(fromWebhook, imei).keySet().equals(masked)
                    && received(fromKafka, imei).keySet().equals(masked)
                    && queryNumber("SELECT count(*) FROM webhook_deliveries WHERE state = 'pending' AND imei = " + imei) == 0;
        }, Duration.ofSeconds(90), () -> "webhook has " + received(fromWebhook, imei).keySet() + ", Kafka "
                + received(fromKafka, imei).keySet() + ", stored " + stored);
        assertOneDeliveryEach(received(fromWebhook, imei));
        assertOneDeliveryEach(received(fromKafka, imei));
        assertEquals(masked.size(), queryNumber("SELECT count(*) FROM webhook_deliveries WHERE sink = 'webhook' AND imei = "
                + imei), "one outbox row per stored masked position, none for the resends");
        assertEquals(List.of(), problems);
        HttpResponse<String> erased = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + gateway.httpPort() + "/api/v1/devices/" + imei + "/erase?from=" + Instant.ofEpochMilli(T0)
                + "&to=" + Instant.ofEpochMilli(T0 + 86_400_000L))).header("Authorization", "Bearer " + admin)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, erased.statusCode(), erased.body());
        assertEquals(0, queryNumber("SELECT count(*) FROM webhook_deliveries WHERE imei = " + imei),
                "erasing the positions erases their deliveries");
    }

    /**
     * An erasure that meets a send under way (the forwarder has taken the rows and waits for a broker that is away)
     * and a broker that comes back at that moment: whatever of the erased positions reaches Kafka was appended before
     * the erasure answered, none after it.
     */
    @Test
    void aPositionErasedWhileItsSendIsUnderWayNeverReachesKafkaAfterTheErasure() throws Exception {
        long imei = device(policy);
        long start = T0 + 2 * 3_600_000L;
        String outbox = "FROM webhook_deliveries WHERE sink = 'kafka' AND imei = " + imei + " AND device_time >= '"
                + Instant.ofEpochMilli(start) + "' AND device_time < '" + Instant.ofEpochMilli(start + 3_600_000L) + "'";
        kafka.stopBroker();
        java.util.concurrent.CompletableFuture<HttpResponse<String>> erasure;
        try {
            try (DeviceClient device = connectAccepted(imei)) {
                sendAcknowledged(device, Drives.driving(start, 6));
            }
            assertTrue(!masked(settled(imei)).isEmpty(), "positions to forward");
            // Taken by the forwarder: locked by its claim, or leased, or tried.
            Eventually.holds(() -> queryNumber("SELECT count(*) " + outbox) > 0
                    && (queryNumber("SELECT count(*) FROM (SELECT id " + outbox + " FOR UPDATE SKIP LOCKED) free") == 0
                    || queryNumber("SELECT count(*) " + outbox + " AND (attempts > 0 OR next_attempt_at > now())") > 0),
                    Duration.ofSeconds(120), () -> "the forwarder never took the rows: " + outboxRows(outbox));
            erasure = http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort()
                    + "/api/v1/devices/" + imei + "/erase?from=" + Instant.ofEpochMilli(start) + "&to="
                    + Instant.ofEpochMilli(start + 3_600_000L))).header("Authorization", "Bearer " + admin)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } finally {
            kafka.startBroker();
        }
        HttpResponse<String> erased = erasure.get(120, java.util.concurrent.TimeUnit.SECONDS);
        long answeredAt = System.currentTimeMillis();
        assertEquals(200, erased.statusCode(), erased.body());
        assertEquals(0, queryNumber("SELECT count(*) " + outbox), "nothing of the erased positions left to send");
        // A bounded read of what the topic holds, longer than the producer takes to find a broker that came back
        // (its reconnect backoff is at most 10 s): not a wait for an event.
        Instant deadline = Instant.now().plusSeconds(15);
        while (Instant.now().isBefore(deadline)) {
            consumeKafka();
        }
        List<Long> late = appendedAt.getOrDefault(Long.toString(imei), List.of()).stream()
                .filter(at -> at > answeredAt).toList();
        assertEquals(List.of(), late, "erased positions appended to the topic after the erasure answered at "
                + answeredAt);
    }

    /** The outbox rows {@code from} selects, with their attempts, due time and last error, for a failure's message. */
    private String outboxRows(String from) {
        StringBuilder out = new StringBuilder();
        try (Connection c = gateway.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, attempts, next_attempt_at, now(), last_error " + from)) {
            while (rs.next()) {
                out.append("\n  row ").append(rs.getLong(1)).append(": attempts ").append(rs.getInt(2))
                        .append(", due ").append(rs.getString(3)).append(" (now ").append(rs.getString(4))
                        .append("), last error ").append(rs.getString(5));
            }
        } catch (java.sql.SQLException e) {
            out.append(e);
        }
        return out.length() == 0 ? "none in the outbox" : out.toString();
    }

    /** Each position came under one delivery id (redelivery of the same id is allowed, a second id is not). */
    private static void assertOneDeliveryEach(Map<Instant, Set<String>> received) {
        received.forEach((time, ids) -> assertEquals(1, ids.size(), time + " came as " + ids));
    }

    private static Set<Instant> masked(Map<Instant, Integer> stored) {
        Set<Instant> out = new java.util.TreeSet<>();
        stored.forEach((time, treatment) -> {
            if (treatment == 0 || treatment == 1) {
                out.add(time);
            }
        });
        return out;
    }

    private static Map<Instant, Set<String>> received(Map<String, Map<Instant, Set<String>>> by, long imei) {
        return by.getOrDefault(Long.toString(imei), Map.of());
    }

    private void consumeKafka() {
        for (ConsumerRecord<String, String> record : kafka.poll(POSITIONS)) {
            try {
                JsonNode body = JSON.readTree(record.value());
                Header delivery = record.headers().lastHeader(KafkaForwarder.DELIVERY_HEADER);
                if (delivery == null || !"position".equals(body.get("type").asText())
                        || !record.key().equals(body.get("imei").asText())) {
                    problems.add("unexpected message " + record);
                    continue;
                }
                Instant time = Instant.parse(body.get("position").get("time").asText());
                kafkaBodies.put(record.key() + "@" + time, body);
                appendedAt.computeIfAbsent(record.key(), k -> new CopyOnWriteArrayList<>()).add(record.timestamp());
                fromKafka.computeIfAbsent(record.key(), k -> new ConcurrentHashMap<>())
                        .computeIfAbsent(time, t -> ConcurrentHashMap.newKeySet())
                        .add(new String(delivery.value(), StandardCharsets.US_ASCII));
            } catch (IOException e) {
                problems.add("not JSON: " + record.value());
            }
        }
    }

    private void hook(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String timestamp = exchange.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER);
        String delivery = exchange.getRequestHeaders().getFirst(WebhookSignature.DELIVERY_HEADER);
        String signature = exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER);
        String text = new String(body, StandardCharsets.UTF_8);
        if (!WebhookSignature.sign(secret, Long.parseLong(timestamp), Long.parseLong(delivery), text)
                .equals(signature)) {
            problems.add("bad signature on delivery " + delivery);
        }
        JsonNode json = JSON.readTree(text);
        fromWebhook.computeIfAbsent(json.get("imei").asText(), k -> new ConcurrentHashMap<>())
                .computeIfAbsent(Instant.parse(json.get("position").get("time").asText()),
                        t -> ConcurrentHashMap.newKeySet()).add(delivery);
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
    }

    /** The device's rows by device time with their treatment, once none waits sealed. */
    private Map<Instant, Integer> settled(long imei) throws Exception {
        Map<Instant, Integer> out = new TreeMap<>();
        for (StoredRow row : rows(imei)) {
            out.put(Instant.ofEpochMilli(row.deviceTimeMillis()), row.treatment());
        }
        return out;
    }

}
