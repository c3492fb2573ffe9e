package dev.telemask.bench.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemask.codec.AvlBatch;
import dev.telemask.codec.AvlCodecId;
import dev.telemask.codec.AvlEncoder;
import dev.telemask.gateway.Gateway;
import dev.telemask.gateway.api.ApiTokens;
import dev.telemask.gateway.api.Role;
import dev.telemask.gateway.config.ConfigLoader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.HdrHistogram.Histogram;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Measures how long a committed position takes to reach a console: one gateway in this JVM on its embedded
 * PostgreSQL, N devices each sending one record every few seconds over TCP, and one {@code GET /fleet/live} client.
 * For every event after the first state it records (a) event arrival minus the device's acknowledgement (the
 * acknowledgement follows the commit, so this is commit-to-console less the acknowledgement's own way back) and
 * (b) arrival minus the gateway's receive time of the record (an upper bound: receipt, masking, queue and commit
 * included). Runs for a fixed time and stops by itself; prints one JSON document.
 *
 * <pre>telemask bench live-latency [DEVICES] [SECONDS] [EVERY_MS]</pre>
 */
public final class LiveLatency {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLICY = "{\"version\": 1, \"consent\": {\"location\": true, \"driverIdentity\": true,"
            + " \"telemetry\": true}, \"privateTrips\": {\"graceWindow\": \"PT0S\", \"anchorDelay\": \"PT0S\"}}";
    private static final long FIRST_IMEI = 351_000_000_000_000L;

    private final Map<String, Long> ackNanos = new ConcurrentHashMap<>();
    /** Events that came before their acknowledgement (both follow the commit): the console was not later. */
    private final Map<String, Long> eventNanos = new ConcurrentHashMap<>();
    private final Histogram afterAck = new Histogram(60_000_000L, 3);
    private final Histogram afterReceipt = new Histogram(60_000_000L, 3);
    private final AtomicLong acknowledged = new AtomicLong();
    private volatile boolean measuring;

    /** Runs {@code devices} devices for {@code seconds}, each reporting every {@code everyMillis}; JSON on {@code out}. */
    public static void run(int devices, int seconds, int everyMillis, PrintStream out) throws Exception {
        new LiveLatency().measure(devices, seconds, everyMillis, out);
    }

    private void measure(int devices, int seconds, int everyMillis, PrintStream out) throws Exception {
        Path dir = Files.createTempDirectory("telemask-live-latency");
        try (Gateway gateway = Gateway.start(ConfigLoader.load(null, Map.of(), Map.of(
                "device.host", "127.0.0.1", "device.port", "0", "device.udp-port", "-1",
                "http.host", "127.0.0.1", "http.port", "0", "device.max-connections-per-address", "0",
                "db.embedded-dir", dir.resolve("db").toString())))) {
            String token = seed(gateway, devices);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<Stream<String>> stream = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + gateway.httpPort() + "/api/v1/fleet/live")).header("Authorization", "Bearer " + token)
                    .build(), HttpResponse.BodyHandlers.ofLines());
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    stream.body().forEach(this::line);
                } catch (java.io.UncheckedIOException closedAtTheEnd) {
                    // The run closes the stream itself when it is over.
                }
            });
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            measuring = true;
            List<Thread> senders = new ArrayList<>();
            for (int i = 0; i < devices; i++) {
                long imei = FIRST_IMEI + i;
                long offset = (long) everyMillis * i / devices; // spread evenly over the period
                senders.add(Thread.ofVirtual().start(() -> drive(gateway.devicePort(), imei, offset, everyMillis,
                        end)));
            }
            for (Thread sender : senders) {
                sender.join();
            }
            measuring = false;
            stream.body().close();
            http.shutdownNow();
            reader.join(5_000);
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(Map.of(
                    "devices", devices, "seconds", seconds, "everyMillis", everyMillis,
                    "acknowledgedRecords", acknowledged.get(),
                    "ackToConsoleMs", summary(afterAck), "receiptToConsoleMs", summary(afterReceipt))));
        }
    }

    private static String seed(Gateway gateway, int devices) throws Exception {
        try (Connection c = gateway.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO tenants (name) VALUES ('bench')");
            st.execute("INSERT INTO policies (tenant_id, name) SELECT id, 'open' FROM tenants WHERE name = 'bench'");
            st.execute("INSERT INTO policy_versions (policy_id, version, document, created_by) SELECT id, 1, '"
                    + POLICY + "', 'bench' FROM policies WHERE name = 'open'");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO devices (imei, tenant_id, policy_id)"
                    + " SELECT ?, t.id, p.id FROM tenants t JOIN policies p ON p.tenant_id = t.id WHERE t.name = 'bench'")) {
                for (int i = 0; i < devices; i++) {
                    insert.setLong(1, FIRST_IMEI + i);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
        return new ApiTokens(gateway.dataSource()).create("bench", Role.VIEWER, null, "live-latency", java.time.Duration.ofHours(1)).token();
    }

    /** One device: a record every period, driving east, until the end; each acknowledgement's time kept. */
    private void drive(int port, long imei, long offsetMillis, int everyMillis, long end) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            ByteBuf handshake = Unpooled.buffer();
            AvlEncoder.encodeHandshake(imei, handshake);
            out.write(ByteBufUtil.getBytes(handshake));
            if (in.readUnsignedByte() != 1) {
                throw new IllegalStateException("device " + imei + " refused");
            }
            Thread.sleep(offsetMillis); // the devices' phases, spread over the period: a schedule, not a wait
            int step = 0;
            long next = System.nanoTime();
            while (System.nanoTime() < end) {
                long time = System.currentTimeMillis();
                AvlBatch batch = new AvlBatch();
                batch.addRecord(time, 0, 252_560_283 + step * 300, 546_674_257 + (int) (imei % 1000) * 100,
                        120, 90, 9, 40, 0, AvlBatch.NO_GENERATION);
                batch.addIo(239, 1, 1);
                batch.addIo(240, 1, 1);
                ByteBuf frame = Unpooled.buffer();
                AvlEncoder.encodeTcpFrame(batch, AvlCodecId.CODEC_8E, frame);
                out.write(ByteBufUtil.getBytes(frame));
                in.readInt();
                String key = imei + "@" + Instant.ofEpochMilli(time);
                if (eventNanos.remove(key) != null) {
                    record(afterAck, 0);
                } else {
                    ackNanos.put(key, System.nanoTime());
                }
                acknowledged.incrementAndGet();
                step++;
                next += everyMillis * 1_000_000L;
                long pause = (next - System.nanoTime()) / 1_000_000L;
                if (pause > 0) {
                    Thread.sleep(pause); // the device's reporting period
                }
            }
        } catch (Exception e) {
            System.err.println("device " + imei + ": " + e);
        }
    }

    private void line(String line) {
        if (!measuring || !line.startsWith("data: ")) {
            return;
        }
        long now = System.nanoTime();
        long wallMicros = System.currentTimeMillis() * 1_000;
        try {
            JsonNode event = JSON.readTree(line.substring(6));
            JsonNode position = event.get("position");
            if (position == null) {
                return;
            }
            String key = event.get("imei").asText() + "@" + position.get("time").asText();
            Long acked = ackNanos.remove(key);
            if (acked != null) {
                record(afterAck, (now - acked) / 1_000);
            } else {
                eventNanos.put(key, now);
            }
            Instant received = Instant.parse(position.get("receivedAt").asText());
            record(afterReceipt, wallMicros - (received.getEpochSecond() * 1_000_000 + received.getNano() / 1_000));
        } catch (Exception e) {
            System.err.println("unreadable event: " + line);
        }
    }

    private static synchronized void record(Histogram histogram, long micros) {
        histogram.recordValue(Math.max(0, Math.min(micros, histogram.getHighestTrackableValue())));
    }

    private static Map<String, Object> summary(Histogram micros) {
        return Map.of("events", micros.getTotalCount(),
                "p50", micros.getValueAtPercentile(50) / 1_000.0, "p99", micros.getValueAtPercentile(99) / 1_000.0,
                "max", micros.getMaxValue() / 1_000.0);
    }
}
