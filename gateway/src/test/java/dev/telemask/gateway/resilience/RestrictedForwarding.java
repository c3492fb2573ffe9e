package dev.telemask.gateway.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.telemask.codec.AvlBatch;
import dev.telemask.codec.AvlCodecId;
import dev.telemask.codec.AvlEncoder;
import dev.telemask.gateway.GatewayTestBase;
import dev.telemask.gateway.api.ApiTokens;
import dev.telemask.gateway.api.Role;
import dev.telemask.simulator.DeviceClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Restriction (GDPR art. 18) forwards nothing: positions of a device that still wait in the outbox (its receiver was
 * down) when the device is restricted, or when a consent is withdrawn, never reach the receiver, while another
 * device's go out once it is back; and
 * records that wait sealed when it is restricted are decided private, whoever decides them and when (TCP or UDP,
 * the same connection or the next, after the restriction was lifted).
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
    /** Holds a new device's records sealed for its anchor delay: long enough to restrict it meanwhile. */
    private long anchored;

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
        anchored = policy("anchored", "{\"version\": 1, \"consent\": {\"location\": true, \"driverIdentity\": true,"
                + " \"telemetry\": true}, \"privateTrips\": {\"graceWindow\": \"PT0S\", \"anchorDelay\": \"PT5S\"}}");
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
        positionsWaitingForADownReceiverAreNotSentAfter("POST", "/restrict", null);
    }

    /**
     * The stored positions were judged under the consent given when they arrived, but sent after its withdrawal
     * they would be a disclosure without it: a withdrawal of any kind of consent drops what waits as a restriction does.
     */
    @Test
    void positionsWaitingForADownReceiverAreNotSentOnceConsentIsWithdrawn() throws Exception {
        positionsWaitingForADownReceiverAreNotSentAfter("PUT", "/consent", "{\"telemetry\": false}");
    }

    private void positionsWaitingForADownReceiverAreNotSentAfter(String method, String path, String json)
            throws Exception {
        receiverDown.set(true);
        long switched = device(officePolicy);
        long other = device(officePolicy);
        send(switched, 0.0);
        send(other, 0.5);
        assertEquals(RECORDS, rows(switched).size());
        assertEquals(RECORDS, rows(other).size());
        Eventually.holds(() -> count(refused, switched) > 0 && count(refused, other) > 0, WITHIN,
                () -> "both devices' positions tried against the down receiver: " + refused);

        HttpResponse<String> change = call(method, "/devices/" + switched + path, json);
        assertEquals(200, change.statusCode(), change.body());
        // Two more refused rounds of the other device: a request of the switched one already under way when the
        // change returned has been answered (refused) by then.
        int before = count(refused, other);
        Eventually.holds(() -> count(refused, other) >= before + 2 * RECORDS, WITHIN,
                () -> "the other device's positions retried: " + refused);
        receiverDown.set(false);

        Eventually.holds(() -> count(accepted, other) >= RECORDS, WITHIN,
                () -> "the other device's positions delivered once the receiver is back: " + accepted);
        assertEquals(0, count(accepted, switched), "positions were forwarded after " + method + " " + path);
        assertEquals(0, queryNumber("SELECT count(*) FROM webhook_deliveries WHERE imei = " + switched
                + " AND state = 'pending'"), "deliveries wait to be sent after " + method + " " + path);
    }

    @Test
    void recordsWaitingWhenAConnectedDeviceIsRestrictedAreDecidedPrivate() throws Exception {
        long imei = device(anchored);
        try (DeviceClient device = connectAccepted(imei)) {
            sendAcknowledged(device, driving(T0, 0.0));
            restrict(imei);
            // Decided by this session's clock, whether the change feed or a write refused as stale told it first.
            awaitDecided(imei);
        }
        assertNothingLocatedOrForwarded(imei);
    }

    @Test
    void recordsWaitingWhenADeviceIsRestrictedStayPrivateAfterTheRestrictionIsLifted() throws Exception {
        long imei = device(anchored);
        try (DeviceClient device = connectAccepted(imei)) {
            sendAcknowledged(device, driving(T0, 0.0));
        }
        restrict(imei);
        HttpResponse<String> lifted = call("DELETE", "/devices/" + imei + "/restrict", null);
        assertEquals(200, lifted.statusCode(), lifted.body());
        // The session that received them was closed before it could decide them (its decision after the device went
        // is refused as stale): the next connection does, at the device's next frame, under the rules as they are now
        // (not restricted) but still with the restriction's change of rules. The trip they belong to is private from
        // them on, so the frame continuing it is private too.
        try (DeviceClient device = connectAccepted(imei)) {
            sendAcknowledged(device, driving(T0 + RECORDS * 30_000L, 0.0));
            awaitDecided(imei);
        }
        assertNothingLocatedOrForwarded(imei, 2 * RECORDS);
    }

    @Test
    void recordsWaitingWhenAUdpDeviceIsRestrictedAreDecidedPrivate() throws Exception {
        long imei = device(anchored);
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(500);
            assertEquals(RECORDS, sendUntilAcknowledged(socket, imei, driving(T0, 0.0), 1));
            restrict(imei);
            // Acknowledged and dropped; it has the device looked up again, restricted, if the change feed did not.
            assertEquals(RECORDS, sendUntilAcknowledged(socket, imei, driving(T0 + 600_000L, 0.0), 2));
            awaitDecided(imei);
        }
        assertNothingLocatedOrForwarded(imei);
    }

    /** Restricts the device while its records still wait sealed (its anchor delay has not passed). */
    private void restrict(long imei) throws Exception {
        HttpResponse<String> restrict = call("POST", "/devices/" + imei + "/restrict", null);
        assertEquals(200, restrict.statusCode(), restrict.body());
        assertEquals(RECORDS, sealed(imei), "the records were still waiting when the restriction returned");
    }

    private void awaitDecided(long imei) {
        Eventually.holds(() -> queryNumber("SELECT count(*) FROM sealed_positions WHERE imei = " + imei) == 0,
                WITHIN, () -> "the records waiting when the device was restricted are decided");
    }

    /**
     * Once decided: stored private, and nothing queued or sent to the receiver. An outbox row is written in the
     * transaction that resolves the sealed rows, so a forwarded position is either still queued or was received.
     */
    private void assertNothingLocatedOrForwarded(long imei) throws Exception {
        assertNothingLocatedOrForwarded(imei, RECORDS);
    }

    private void assertNothingLocatedOrForwarded(long imei, int records) throws Exception {
        List<StoredRow> stored = rows(imei);
        assertEquals(records, stored.size(), "the waiting records are stored, private: " + stored);
        assertTrue(stored.stream().allMatch(r -> r.latitude() == null && r.longitude() == null),
                "a record waiting when the device was restricted was published: " + stored);
        assertEquals(0, queryNumber("SELECT count(*) FROM webhook_deliveries WHERE imei = " + imei),
                "positions of a restricted device queued for forwarding");
        assertEquals(0, count(accepted, imei) + count(refused, imei), "positions of a restricted device sent");
    }

    private void send(long imei, double north) throws Exception {
        try (DeviceClient device = connectAccepted(imei)) {
            sendAcknowledged(device, driving(T0, north));
        }
    }

    private static AvlBatch driving(long from, double north) {
        AvlBatch frame = new AvlBatch();
        for (int i = 0; i < RECORDS; i++) {
            frame.addRecord(from + i * 30_000L, 0, (int) Math.round((25.25 + i * 0.003) * 1e7),
                    (int) Math.round((54.7 + north) * 1e7), 110, 90, 11, 40, 0, AvlBatch.NO_GENERATION);
            frame.addIo(239, 1, 1);
            frame.addIo(240, 1, 1);
        }
        return frame;
    }

    /** Sends the datagram until it is acknowledged, as a device does; returns the acknowledged record count. */
    private int sendUntilAcknowledged(DatagramSocket socket, long imei, AvlBatch batch, int packetId)
            throws Exception {
        ByteBuf buf = Unpooled.buffer();
        AvlEncoder.encodeUdpDatagram(batch, AvlCodecId.CODEC_8E, packetId, packetId, imei, buf);
        byte[] datagram = ByteBufUtil.getBytes(buf);
        buf.release();
        for (int attempt = 0; attempt < 60; attempt++) {
            socket.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(),
                    gateway.udpPort()));
            DatagramPacket reply = new DatagramPacket(new byte[16], 16);
            try {
                socket.receive(reply);
                return reply.getData()[reply.getLength() - 1] & 0xFF;
            } catch (SocketTimeoutException e) {
                // unacknowledged while the device is looked up: sent again
            }
        }
        throw new AssertionError("datagram " + packetId + " never acknowledged");
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
