package dev.telemask.gateway.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.telemask.codec.AvlBatch;
import dev.telemask.gateway.GatewayTestBase;
import dev.telemask.gateway.api.ApiTokens;
import dev.telemask.gateway.api.Role;
import dev.telemask.simulator.DeviceClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Restriction (GDPR art. 18) forwards nothing: positions of a device that still wait in the outbox (its receiver was
 * down) when the device is restricted never reach the receiver, while another device's go out once it is back.
 */
public abstract class RestrictedForwarding extends GatewayTestBase.ForOtherPackages {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final int RECORDS = 5;

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicBoolean receiverDown = new AtomicBoolean(true);
    /** Per IMEI: requests answered 503, and positions accepted. */
    private final Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
    private HttpServer receiver;
    private String admin;

    @Override
    protected Map<String, String> gatewayConfiguration() {
        return Map.of("webhooks.retry-backoff", "PT0.2S", "webhooks.timeout", "PT2S");
    }

    @BeforeAll
    void receiverAndWebhook() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/positions", this::receive);
        receiver.start();
        admin = new ApiTokens(gateway.dataSource()).create("acme", Role.ADMIN, null, "ops", null).token();
        HttpResponse<String> hook = call("POST", "/webhooks", "{\"url\": \"http://127.0.0.1:"
                + receiver.getAddress().getPort() + "/positions\", \"kinds\": [\"position\"]}");
        assertEquals(201, hook.statusCode(), hook.body());
    }

    @AfterAll
    void stopReceiver() {
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    private void receive(HttpExchange exchange) throws IOException {
        String imei = JSON.readTree(exchange.getRequestBody().readAllBytes()).path("imei").asText();
        boolean down = receiverDown.get();
        (down ? refused : accepted).computeIfAbsent(imei, k -> new AtomicInteger()).incrementAndGet();
        exchange.sendResponseHeaders(down ? 503 : 204, -1);
        exchange.close();
    }

    private int count(Map<String, AtomicInteger> counts, long imei) {
        AtomicInteger n = counts.get(Long.toString(imei));
        return n == null ? 0 : n.get();
    }

    @Test
    void positionsWaitingForADownReceiverAreNotSentOnceTheDeviceIsRestricted() throws Exception {
        long restricted = device(officePolicy);
        long other = device(officePolicy);
        send(restricted, 0.0);
        send(other, 0.5);
        assertEquals(RECORDS, rows(restricted).size());
        assertEquals(RECORDS, rows(other).size());
        Eventually.holds(() -> count(refused, restricted) > 0 && count(refused, other) > 0, WITHIN,
                () -> "both devices' positions tried against the down receiver: " + refused);

        HttpResponse<String> restrict = call("POST", "/devices/" + restricted + "/restrict", null);
        assertEquals(200, restrict.statusCode(), restrict.body());
        // Two more refused rounds of the other device: a request of the restricted one already under way when the
        // restriction returned has been answered (refused) by then.
        int before = count(refused, other);
        Eventually.holds(() -> count(refused, other) >= before + 2 * RECORDS, WITHIN,
                () -> "the other device's positions retried: " + refused);
        receiverDown.set(false);

        Eventually.holds(() -> count(accepted, other) >= RECORDS, WITHIN,
                () -> "the other device's positions delivered once the receiver is back: " + accepted);
        assertEquals(0, count(accepted, restricted), "positions of a restricted device were forwarded");
        assertEquals(0, queryNumber("SELECT count(*) FROM webhook_deliveries WHERE imei = " + restricted
                + " AND state = 'pending'"), "deliveries of a restricted device wait to be sent");
    }

    private void send(long imei, double north) throws Exception {
        AvlBatch frame = new AvlBatch();
        for (int i = 0; i < RECORDS; i++) {
            frame.addRecord(T0 + i * 30_000L, 0, (int) Math.round((25.25 + i * 0.003) * 1e7),
                    (int) Math.round((54.7 + north) * 1e7), 110, 90, 11, 40, 0, AvlBatch.NO_GENERATION);
            frame.addIo(239, 1, 1);
            frame.addIo(240, 1, 1);
        }
        try (DeviceClient device = connectAccepted(imei)) {
            sendAcknowledged(device, frame);
        }
    }

    private HttpResponse<String> call(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort()
                + "/api/v1" + path)).header("Authorization", "Bearer " + admin);
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
