package dev.telemask.bench.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemask.bench.load.GatewayJvm;
import dev.telemask.bench.load.LoadDatabase;
import dev.telemask.codec.AvlBatch;
import dev.telemask.codec.TcpAvlCodec;
import dev.telemask.simulator.DeviceClient;
import dev.telemask.storage.EmbeddedDatabase;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Measures how long a committed position takes to reach a console: the packaged gateway in its own JVM on an embedded
 * PostgreSQL this JVM starts, N devices each sending one record every few seconds over TCP, and one
 * {@code GET /fleet/live} client. For every event after the first state it records (a) event arrival minus the
 * device's acknowledgement (the acknowledgement follows the commit, so this is commit-to-console less the
 * acknowledgement's own way back) and (b) arrival minus the gateway's receive time of the record (an upper bound:
 * receipt, masking, queue and commit included). Runs for a fixed time and stops by itself; prints one JSON document.
 *
 * <pre>telemask bench live-latency [DEVICES] [SECONDS] [EVERY_MS]</pre>
 */
public final class LiveLatency {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FIRST_IMEI = 351_000_000_000_000L;
    private static final String GATEWAY_HEAP = "512m";

    private final Map<String, Long> ackNanos = new ConcurrentHashMap<>();
    /** Events that came before their acknowledgement (both follow the commit): the console was not later. */
    private final Map<String, Long> eventNanos = new ConcurrentHashMap<>();
    private final Histogram afterAck = new Histogram(60_000_000L, 3);
    private final Histogram afterReceipt = new Histogram(60_000_000L, 3);
    private final AtomicLong acknowledged = new AtomicLong();
    private volatile boolean measuring;

    /**
     * Runs {@code devices} devices for {@code seconds} against the gateway of {@code gatewayJar}, each reporting every
     * {@code everyMillis}; the JSON on {@code out}.
     */
    public static void run(int devices, int seconds, int everyMillis, Path gatewayJar, PrintStream out)
            throws Exception {
        new LiveLatency().measure(devices, seconds, everyMillis, gatewayJar, out);
    }

    private void measure(int devices, int seconds, int everyMillis, Path gatewayJar, PrintStream out)
            throws Exception {
        Path dir = Files.createTempDirectory("telemask-live-latency");
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dir.resolve("db"));
             GatewayJvm gateway = GatewayJvm.start(gatewayJar, GATEWAY_HEAP, null, devices + 100, database.jdbcUrl(),
                     dir)) {
            // Trips published at once (no grace window, no anchor delay): every position is a live event.
            LoadDatabase.registerDevices(database.jdbcUrl(), FIRST_IMEI, devices, Duration.ZERO, Duration.ZERO);
            String token = gateway.createToken("load", "viewer");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<Stream<String>> stream = http.send(HttpRequest.newBuilder(URI.create(gateway.httpAddress()
                            + "/api/v1/fleet/live")).header("Authorization", "Bearer " + token)
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

    /** One device: a record every period, driving east, until the end; each acknowledgement's time kept. */
    private void drive(int port, long imei, long offsetMillis, int everyMillis, long end) {
        try (DeviceClient device = new DeviceClient(port)) {
            if (!TcpAvlCodec.isAccepted(device.handshake(imei))) {
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
                device.sendFrame(batch);
                device.readAck();
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
