package dev.telemask.gateway.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.telemask.gateway.GatewayTestBase;
import dev.telemask.gateway.api.ApiTokens;
import dev.telemask.gateway.api.Role;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * API clients that ask for a large track and never read the answer, while devices send: the stalled streams hold
 * heavy-read slots only up to the limits and no API connection while they wait, devices keep getting every ACK (their
 * writers and look-ups have their own pool), a fresh API call is answered, and after the write timeout the stalled
 * streams are cut.
 */
abstract class StalledApiReaders extends GatewayTestBase.ForOtherPackages {
    private static final int TRACK_ROWS = 100_000;
    private static final int STALLED_PER_TOKEN = 6;
    /** The per-token limit is 2 and the fleet's 4: two tokens stall four streams, the rest are turned away. */
    private static final int HEAVY_PER_TOKEN = 2;
    private static final int HEAVY_PER_FLEET = 4;
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(20);
    private static final int DEVICES = 10;
    private static final int FRAMES = 20;
    private static final int RECORDS_PER_FRAME = 5;

    @Override
    protected Map<String, String> gatewayConfiguration() {
        return Map.of("api.pool-size", "6", "api.heavy-reads-per-token", String.valueOf(HEAVY_PER_TOKEN),
                "api.heavy-reads-per-fleet", String.valueOf(HEAVY_PER_FLEET),
                "api.write-timeout", WRITE_TIMEOUT.toString(), "db.pool-size", "6");
    }

    @Test
    void stalledReadersNeitherStallIngestNorTheApiAndAreCutAfterTheWriteTimeout() throws Exception {
        long big = device(officePolicy);
        Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(15));
        execute("INSERT INTO positions (imei, device_time, receive_time, priority, longitude, latitude, altitude,"
                + " angle, satellites, speed, event_io, io, treatment) SELECT " + big + ", t, t, 0, 134000000 + i,"
                + " 525000000 + i, 100, 90, 9, 50, 0, '\\x00ef0101'::bytea, 0 FROM generate_series(0, "
                + (TRACK_ROWS - 1) + ") i, LATERAL (SELECT TIMESTAMPTZ '" + start + "' + i * INTERVAL '10 seconds'"
                + " AS t) x");
        ApiTokens tokens = new ApiTokens(gateway.dataSource());
        String driver = tokens.create("acme", Role.DRIVER, big, "stalling-driver", null).token();
        String viewer = tokens.create("acme", Role.VIEWER, null, "stalling-viewer", null).token();
        String admin = tokens.create("acme", Role.ADMIN, null, "ops", null).token();
        String track = "/api/v1/devices/" + big + "/positions?limit=" + TRACK_ROWS + "&from=" + start + "&to="
                + start.plus(Duration.ofDays(12));

        HikariDataSource apiPool = (HikariDataSource) gateway.apiDataSource();
        double cutBefore = gateway.registry().counter("telemask.api.streams.cut", "reason", "write_timeout").count();
        double throttledBefore = throttled("token");
        List<Socket> stalled = new ArrayList<>();
        try {
            for (String token : List.of(driver, viewer)) {
                for (int i = 0; i < STALLED_PER_TOKEN; i++) {
                    stalled.add(requestWithoutReading(track, token));
                }
            }
            // Each token's streams beyond its limit are refused; the four it let through stall, and hold no API
            // connection while they wait for their client (each page is read by a statement of its own).
            Eventually.holds(() -> throttled("token") - throttledBefore == 2 * (STALLED_PER_TOKEN - HEAVY_PER_TOKEN),
                    Duration.ofSeconds(30), () -> "stalled requests refused: " + (throttled("token") - throttledBefore));
            Eventually.holds(() -> apiPool.getHikariPoolMXBean().getActiveConnections() == 0,
                    Duration.ofSeconds(30), () -> "stalled streams hold " + apiPool.getHikariPoolMXBean()
                            .getActiveConnections() + " API connections");

            // Devices, new ones among them, send and get every frame acknowledged within a bounded wait.
            List<PipelinedDevice> devices = new ArrayList<>();
            for (long imei : devices(officePolicy, DEVICES)) {
                devices.add(PipelinedDevice.run(gateway.devicePort(), imei, FRAMES, RECORDS_PER_FRAME, T0));
            }
            for (PipelinedDevice device : devices) {
                device.done().get(WRITE_TIMEOUT.toSeconds() / 2, TimeUnit.SECONDS);
                assertEquals(FRAMES, device.acknowledgedFrames(), "frames acknowledged of device " + device.imei());
            }

            // A fresh API call is answered: a light one with 200, one more heavy read of a stalling token with 429.
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> list = client.send(get("/api/v1/devices", admin), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, list.statusCode(), list.body());
            HttpResponse<String> refused = client.send(get(track, driver), HttpResponse.BodyHandlers.ofString());
            assertEquals(429, refused.statusCode(), refused.body());
            assertNotNull(refused.headers().firstValue("Retry-After").orElse(null), "Retry-After");
            HttpResponse<String> ready = client.send(get("/health/ready", null), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), ready.body());
            HttpResponse<String> fleetFull = client.send(get(track, admin), HttpResponse.BodyHandlers.ofString());
            assertEquals(429, fleetFull.statusCode(), "the stalled streams still hold the fleet's heavy reads: "
                    + fleetFull.body());

            // The write timeout cuts the stalled streams.
            Eventually.holds(() -> gateway.registry().counter("telemask.api.streams.cut", "reason", "write_timeout")
                    .count() - cutBefore == HEAVY_PER_FLEET, WRITE_TIMEOUT.multipliedBy(3), () -> "streams cut: "
                    + (gateway.registry().counter("telemask.api.streams.cut", "reason", "write_timeout").count()
                    - cutBefore));
            assertEquals(0, apiPool.getHikariPoolMXBean().getActiveConnections(), "API connections held");
            for (Socket socket : stalled) {
                assertTrue(endsWithin(socket, WRITE_TIMEOUT), "a stalled connection was left open");
            }
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    private double throttled(String limit) {
        return gateway.registry().counter("telemask.api.throttled", "limit", limit).count();
    }

    private HttpRequest get(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort() + path))
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder.build();
    }

    /** A client that sends its request and then reads nothing, with a small receive window. */
    private Socket requestWithoutReading(String path, String token) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", gateway.httpPort()), 5_000);
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Authorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    /** True when the server ended the connection: reading what is buffered reaches its end or a reset in time. */
    private static boolean endsWithin(Socket socket, Duration within) throws IOException {
        socket.setSoTimeout((int) within.toMillis());
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[65536];
        try {
            while (in.read(buffer) >= 0) {
                // drains what the kernel still holds of the cut response
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
