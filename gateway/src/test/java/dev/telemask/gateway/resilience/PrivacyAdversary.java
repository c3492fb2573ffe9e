package dev.telemask.gateway.resilience;

import dev.telemask.gateway.DatabaseDump;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemask.codec.AvlBatch;
import dev.telemask.codec.AvlCodecId;
import dev.telemask.codec.AvlEncoder;
import dev.telemask.simulator.DeviceClient;
import dev.telemask.gateway.Gateway;
import dev.telemask.gateway.GatewayTestBase;
import dev.telemask.gateway.api.ApiTokens;
import dev.telemask.gateway.api.Role;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.math.BigDecimal;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What someone who wants to know where a private trip went can get out of the product, over the real device port:
 * every table of the database as a dump would show it, every API format, the export and the log. Each test plays
 * one way a device may deliver its records (newest first across frames, a parked tracker reporting after the trip,
 * a gateway restart while records wait), or races a switch against a device sending all the time, on two gateway
 * instances.
 */
public abstract class PrivacyAdversary extends GatewayTestBase.ForOtherPackages {
    private static final long T0 = 1_767_240_000_000L; // 2026-01-01T04:00Z, a Thursday; 05:00 in Berlin
    private static final int PRIVATE = 2;
    private static final int EXACT = 0;
    private static final int COARSENED = 1;
    private static final int CELL_ID = 205;
    private static final int OPERATOR = 241;
    private static final int WIFI_SCAN = 10_828;
    private static final Set<Integer> LOCATING_IO = Set.of(CELL_ID, 206, OPERATOR, WIFI_SCAN);
    /** Home, where the vehicle is parked before the private trip: public in these drives. */
    private static final int HOME_LAT = 525_200_000;
    private static final int HOME_LON = 134_000_000;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
    /** Every line the gateway logs (through System.Logger or SLF4J, both ending in Logback) while the tests run. */
    private final AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            IThrowableProxy thrown = event.getThrowableProxy();
            log.add(event.getFormattedMessage() + " " + java.util.Arrays.toString(event.getArgumentArray()) + " "
                    + (thrown == null ? "" : thrown.getClassName() + ": " + thrown.getMessage()));
        }
    };
    private String token;

    @BeforeAll
    void listen() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        capture.setContext(root.getLoggerContext());
        capture.start();
        root.addAppender(capture);
        token = new ApiTokens(gateway.dataSource()).create("acme", Role.ADMIN, null, "adversary", null).token();
    }

    @AfterAll
    void stopListening() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(capture);
        capture.stop();
    }

    // ---- drives ------------------------------------------------------------------------------------

    /** One record as an FMB device sends it, with the elements that locate it. */
    private record Point(long time, int lat, int lon, boolean driving, boolean button) {
    }

    private static AvlBatch frame(List<Point> points) {
        return frame(points, (batch, point) -> { });
    }

    /** As {@link #frame(List)}, with {@code more} adding elements (or an event ID) to each record after the usual. */
    private static AvlBatch frame(List<Point> points, java.util.function.BiConsumer<AvlBatch, Point> more) {
        return frame(points, true, more);
    }

    /**
     * As {@link #frame(List, java.util.function.BiConsumer)}; without {@code scans} no Wi-Fi scan (Codec 16 has none).
     */
    private static AvlBatch frame(List<Point> points, boolean scans,
                                  java.util.function.BiConsumer<AvlBatch, Point> more) {
        return frame(points, scans, true, more);
    }

    /**
     * As {@link #frame(List, boolean, java.util.function.BiConsumer)}; without {@code privateModeElement} no 391
     * (Codec 8 carries 1-byte IDs only: its devices cannot report the button).
     */
    private static AvlBatch frame(List<Point> points, boolean scans, boolean privateModeElement,
                                  java.util.function.BiConsumer<AvlBatch, Point> more) {
        AvlBatch batch = new AvlBatch();
        byte[] wifi = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, (byte) 0xC4};
        for (Point p : points) {
            batch.addRecord(p.time(), 0, p.lon(), p.lat(), 110, 90, 11, p.driving() ? 50 : 0, 0,
                    AvlBatch.NO_GENERATION);
            batch.addIo(239, 1, p.driving() ? 1 : 0);
            batch.addIo(240, 1, p.driving() ? 1 : 0);
            if (privateModeElement) {
                batch.addIo(391, 1, p.button() ? 1 : 0);
            }
            batch.addIo(CELL_ID, 2, 31_337);
            batch.addIo(206, 2, 4_242);
            batch.addIo(OPERATOR, 4, 26_201);
            batch.addIo(16, 4, 1_000_000 + (p.time() - T0) / 100);
            if (scans) {
                batch.addNx(WIFI_SCAN, wifi, 0, wifi.length);
            }
            more.accept(batch, p);
        }
        return batch;
    }

    /**
     * Parked at home, then a trip north-east whose driver pressed the private button for its first minutes (or all
     * of it), then parked where it ended. {@code shift} (in 1e-7 degrees) gives each test its own places.
     */
    private static List<Point> homeThenPrivateTripThenParked(long start, boolean buttonOnlyAtStart, int shift) {
        List<Point> day = new ArrayList<>();
        long t = start;
        for (int i = 0; i < 3; i++) {
            day.add(new Point(t, HOME_LAT + shift, HOME_LON + shift, false, false));
            t += 30_000;
        }
        int lat = HOME_LAT + shift;
        int lon = HOME_LON + shift;
        for (int i = 1; i <= 30; i++) {
            lat += 17_000 + i * 31;
            lon += 29_000 + i * 17;
            boolean button = buttonOnlyAtStart ? i <= 5 : true;
            day.add(new Point(t, lat, lon, i < 30, button));
            t += 30_000;
        }
        for (int i = 0; i < 3; i++) {
            day.add(new Point(t, lat, lon, false, false));
            t += 30_000;
        }
        return day;
    }

    private void send(long imei, List<List<Point>> frames) throws Exception {
        try (DeviceClient device = connectAccepted(imei)) {
            for (List<Point> frame : frames) {
                device.sendFrame(frame(frame));
                assertEquals(frame.size(), device.readAck());
            }
        }
    }

    // ---- what an adversary reads -------------------------------------------------------------------

    /** The coordinates of {@code points} as they would appear: 1e-7 integers and degrees to 4 decimals. */
    private static Set<String> needles(List<Point> points) {
        Set<String> needles = new TreeSet<>();
        for (Point p : points) {
            needles.add(Integer.toString(p.lat()));
            needles.add(Integer.toString(p.lon()));
            needles.add(degrees(p.lat()));
            needles.add(degrees(p.lon()));
        }
        return needles;
    }

    private static String degrees(int e7) {
        String plain = BigDecimal.valueOf(e7, 7).stripTrailingZeros().toPlainString();
        int point = plain.indexOf('.');
        return point < 0 ? plain : plain.substring(0, Math.min(plain.length(), point + 5));
    }

    private String databaseDump() {
        return DatabaseDump.of(gateway.dataSource());
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + gateway.httpPort() + "/api/v1" + path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return response.body();
    }

    /** POSTs {@code json} to {@code path} with {@code bearer}, checks that it answered 201 and returns the body. */
    private String post(String bearer, String path, String json) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + gateway.httpPort() + "/api/v1" + path)).header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), path + ": " + response.body());
        return response.body();
    }

    /** A 300 m zone the driver with {@code driverToken} places for its device. */
    private void placeDriverZone(String driverToken, long imei, String name, int lat, int lon) throws Exception {
        post(driverToken, "/devices/" + imei + "/zones", "{\"name\": \"" + name + "\", \"latitude\": "
                + BigDecimal.valueOf(lat, 7) + ", \"longitude\": " + BigDecimal.valueOf(lon, 7)
                + ", \"radiusMetres\": 300}");
    }

    /** Everything the API gives a fleet admin about the device, in every format. */
    private String everythingTheApiSays(long imei) throws Exception {
        String range = "from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z";
        StringBuilder all = new StringBuilder();
        for (String format : List.of("json", "geojson", "csv", "gpx")) {
            all.append(get("/devices/" + imei + "/positions?" + range + "&limit=10000&format=" + format));
        }
        all.append(get("/devices/" + imei + "/trips?" + range));
        all.append(get("/devices/" + imei + "/export"));
        for (String format : List.of("json", "geojson", "csv")) {
            all.append(get("/events?device=" + imei + "&" + range + "&format=" + format));
        }
        all.append(get("/devices/" + imei + "/zones"));
        all.append(get("/devices/" + imei + "/consent"));
        all.append(get("/policies"));
        all.append(get("/audit"));
        return all.toString();
    }

    private void assertNowhere(Set<String> needles, long imei, String what) throws Exception {
        // Times are blanked first: a needle such as "52.5725" is also the seconds of a timestamp ("04:28:52.5725").
        String dump = withoutTimes(databaseDump());
        String api = withoutTimes(everythingTheApiSays(imei));
        String logged = withoutTimes(String.join("\n", log));
        for (String needle : needles) {
            assertFalse(dump.contains(needle), what + ": " + needle + " in the database");
            assertFalse(api.contains(needle), what + ": " + needle + " in the API");
            assertFalse(logged.contains(needle), what + ": " + needle + " in the log");
        }
    }

    private void assertPrivate(List<StoredRow> rows, int from, int to, String what) {
        for (int r = from; r < to; r++) {
            StoredRow row = rows.get(r);
            assertEquals(PRIVATE, row.treatment(), what + ", record " + r);
            assertNull(row.longitude(), what + ", record " + r);
            assertNull(row.latitude(), what + ", record " + r);
            assertNull(row.speed(), what + ", record " + r);
            assertTrue(row.io().stream().noneMatch(LOCATING_IO::contains), what + ", record " + r + ": " + row.io());
            assertTrue(row.io().contains(16), what + ", record " + r + ": mileage kept");
        }
    }

    // ---- arrival order -----------------------------------------------------------------------------

    @Test
    void aPrivateTripSentNewestFirstAcrossThreeFramesLeavesNoTrace() throws Exception {
        long imei = device(policy("newest-first", OPEN_POLICY_WITH_DEFAULT_TIMING));
        List<Point> day = homeThenPrivateTripThenParked(T0, true, 1_111);
        List<Point> home = day.subList(0, 3);
        List<Point> rest = new ArrayList<>(day.subList(3, day.size()));
        Collections.reverse(rest); // newest first, within the frames and across them
        send(imei, List.of(home, rest.subList(0, 11), rest.subList(11, 22), rest.subList(22, 33)));

        List<StoredRow> rows = rows(imei);
        assertEquals(day.size(), rows.size());
        assertEquals(EXACT, rows.get(0).treatment(), "home, before the trip, is public in this drive");
        assertPrivate(rows, 3, day.size(), "the private trip and where it ended");
        assertNowhere(needles(day.subList(3, day.size())), imei, "newest first");
    }

    @Test
    void aPrivateTripResentAndShuffledAfterAReconnectToAnotherInstanceLeavesNoTrace() throws Exception {
        long imei = device(policy("shuffled", OPEN_POLICY_WITH_DEFAULT_TIMING));
        List<Point> day = homeThenPrivateTripThenParked(T0 + 3_600_000, true, 2_223);
        List<Point> trip = day.subList(3, day.size());
        send(imei, List.of(day.subList(0, 3), trip.subList(20, 33), trip.subList(5, 12)));
        try (Gateway other = startAnotherGateway()) {
            try (DeviceClient device = new DeviceClient(other.devicePort())) {
                assertEquals(1, device.handshake(imei));
                for (List<Point> frame : List.of(trip.subList(12, 20), trip.subList(0, 5), trip.subList(20, 33))) {
                    device.sendFrame(frame(frame)); // the last one a resend
                    assertEquals(frame.size(), device.readAck());
                }
            }
            // The instance the device left decides what waited only for the clock.
            List<StoredRow> rows = rows(imei);
            assertEquals(day.size(), rows.size(), "a resend adds nothing");
            assertPrivate(rows, 3, day.size(), "the private trip and where it ended");
        }
        assertNowhere(needles(trip), imei, "shuffled across instances");
    }

    @Test
    void aTripSplitAcrossTcpAndUdpIsDecidedAsOneWhileTheTcpConnectionStaysOpen() throws Exception {
        long imei = device(policy("tcp-and-udp", OPEN_POLICY_WITH_DEFAULT_TIMING));
        List<Point> day = parkedThenATripStartedWithTheButton(T0 + 14_400_000, 7_771);
        try (DeviceClient tcp = connectAccepted(imei)) {
            sendAcknowledged(tcp, frame(day.subList(0, 3)));
            awaitDecided(imei); // the parked records, once the anchor delay passed
            sendUdp(imei, frame(day.subList(3, 5))); // the trip starts with the button pressed, over UDP
            for (int from = 5; from < day.size(); from += 5) { // and goes on over the TCP connection still open
                sendAcknowledged(tcp, frame(day.subList(from, from + 5)));
            }
        }
        List<StoredRow> rows = rows(imei);
        assertEquals(day.size(), rows.size());
        assertPrivate(rows, 3, day.size(), "the private trip, where it ended and the parked vehicle there");
        assertNowhere(needles(day.subList(3, day.size())), imei, "a trip split across TCP and UDP");
    }

    @Test
    void aChangePushedToTheTcpSessionAfterAUdpClaimDoesNotVouchForItsOldView() throws Exception {
        long imei = device(policy("tcp-udp-change", OPEN_POLICY_WITH_DEFAULT_TIMING));
        List<Point> day = parkedThenATripStartedWithTheButton(T0 + 18_000_000, 8_883);
        try (DeviceClient tcp = connectAccepted(imei)) {
            sendAcknowledged(tcp, frame(day.subList(0, 3)));
            awaitDecided(imei); // the parked records, once the anchor delay passed
            sendUdp(imei, frame(day.subList(3, 5))); // the private trip starts over UDP, which claims the device
            // A change of the device that says nothing of location; the open TCP session takes it up before its next
            // frame. The database's switch version it reads counts the UDP claim too.
            double takenUp = counter("telemask.devices.changes.taken.up");
            put(imei, "/consent", "{\"driverIdentity\": false, \"reason\": \"works council\"}");
            Eventually.holds(() -> counter("telemask.devices.changes.taken.up") > takenUp, Duration.ofSeconds(20),
                    () -> "the TCP session took up the change");
            for (int from = 5; from < day.size(); from += 5) {
                sendAcknowledged(tcp, frame(day.subList(from, from + 5)));
            }
        }
        List<StoredRow> rows = rows(imei);
        assertEquals(day.size(), rows.size());
        assertPrivate(rows, 3, day.size(), "the private trip begun over UDP, where it ended and the parked vehicle");
        assertNowhere(needles(day.subList(3, day.size())), imei, "a TCP session that took up a change");
        assertTrue(counter("telemask.devices.reclaimed") >= 1, "the TCP session claimed the device again");
    }

    /** Parked for three records, then a trip whose first two records have the private button pressed, then parked. */
    private static List<Point> parkedThenATripStartedWithTheButton(long start, int offset) {
        List<Point> day = new ArrayList<>();
        long t = start;
        int lat = HOME_LAT + offset;
        int lon = HOME_LON + offset;
        for (int i = 0; i < 30; i++, t += 10_000) { // parked, 2 records of a private trip, 20 without the button
            boolean driving = i >= 3 && i < 27;
            if (driving) {
                lat += 9_000;
                lon += 13_000;
            }
            day.add(new Point(t, lat, lon, driving, i == 3 || i == 4));
        }
        return day;
    }

    private double counter(String name) {
        return gateway.registry().find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private void put(long imei, String path, String json) throws Exception {
        call("PUT", imei, path, json);
    }

    /** Calls the device's {@code path} as the fleet's admin and checks that it answered 200. */
    private void call(String method, long imei, String path, String json) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + gateway.httpPort() + "/api/v1/devices/" + imei + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), method + " " + path + ": " + response.body());
    }

    /**
     * Every way a record enters, one device each: TCP in Codec 8E, TCP in Codec 16, UDP in Codec 8E and in Codec 16.
     * The same private trip, sent newest first across frames, is stored the same way through each, and nowhere in
     * clear.
     */
    @Test
    void aPrivateTripIsStoredAlikeThroughEveryTransportAndCodec() throws Exception {
        long policy = policy("every-entry", OPEN_POLICY_WITH_DEFAULT_TIMING);
        List<Point> day = homeThenPrivateTripThenParked(T0 + 7_200_000, true, 4_447);
        List<Point> rest = new ArrayList<>(day.subList(3, day.size()));
        Collections.reverse(rest);
        List<List<Point>> frames = List.of(day.subList(0, 3), rest.subList(0, 11), rest.subList(11, 22),
                rest.subList(22, 33));
        java.util.Map<String, Long> devices = new java.util.LinkedHashMap<>();
        for (String entry : List.of("tcp-8E", "tcp-16", "udp-8E", "udp-16")) {
            devices.put(entry, device(policy));
        }
        for (String entry : List.of("tcp-8E", "tcp-16")) {
            AvlCodecId codec = entry.endsWith("16") ? AvlCodecId.CODEC_16 : AvlCodecId.CODEC_8E;
            try (DeviceClient device = connectAccepted(devices.get(entry))) {
                for (List<Point> frame : frames) {
                    sendTcp(device, frame(frame, false, (b, p) -> { }), codec);
                }
            }
        }
        for (String entry : List.of("udp-8E", "udp-16")) {
            AvlCodecId codec = entry.endsWith("16") ? AvlCodecId.CODEC_16 : AvlCodecId.CODEC_8E;
            for (List<Point> frame : frames) {
                sendUdp(devices.get(entry), frame(frame, false, (b, p) -> { }), codec);
            }
        }
        List<StoredRow> overTcp = rows(devices.get("tcp-8E"));
        assertEquals(day.size(), overTcp.size());
        assertPrivate(overTcp, 3, day.size(), "the private trip over TCP in Codec 8E");
        for (String entry : devices.keySet()) {
            assertEquals(overTcp, rows(devices.get(entry)), entry + " stores what TCP in Codec 8E stores");
            assertNowhere(needles(day.subList(3, day.size())), devices.get(entry), entry);
        }
    }

    /** Sends {@code frame} as a UDP datagram until the gateway acknowledges it, as a device does. */
    private void sendUdp(long imei, AvlBatch frame) throws Exception {
        sendUdp(imei, frame, AvlCodecId.CODEC_8E);
    }

    private void sendUdp(long imei, AvlBatch frame, AvlCodecId codec) throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            sendUntilAcknowledged(socket, datagram(imei, frame, codec));
        }
    }

    private static byte[] datagram(long imei, AvlBatch frame, AvlCodecId codec) {
        ByteBuf buf = Unpooled.buffer();
        AvlEncoder.encodeUdpDatagram(frame, codec, 0xBEEF, 1, imei, buf);
        byte[] datagram = ByteBufUtil.getBytes(buf);
        buf.release();
        return datagram;
    }

    private void sendDatagram(DatagramSocket socket, byte[] datagram) throws java.io.IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(), gateway.udpPort()));
    }

    /** Sends {@code datagram} from {@code socket} until the gateway acknowledges it, as a device does. */
    private void sendUntilAcknowledged(DatagramSocket socket, byte[] datagram) throws Exception {
        socket.setSoTimeout(500);
        for (int attempt = 0; attempt < 40; attempt++) {
            sendDatagram(socket, datagram);
            DatagramPacket reply = new DatagramPacket(new byte[16], 16);
            try {
                socket.receive(reply);
                return;
            } catch (SocketTimeoutException e) {
                // the first datagram of a device waits for its look-up: send it again
            }
        }
        throw new AssertionError("the UDP datagram was never acknowledged");
    }

    /** Sends {@code frame} in {@code codec} over the device's TCP connection and checks its acknowledgement. */
    private static void sendTcp(DeviceClient device, AvlBatch frame, AvlCodecId codec) throws Exception {
        ByteBuf buf = Unpooled.buffer();
        AvlEncoder.encodeTcpFrame(frame, codec, buf);
        device.send(ByteBufUtil.getBytes(buf));
        buf.release();
        assertEquals(frame.size(), device.readAck());
    }

    /** {@code points} logged without a fix (satellites 0), at 0,0 or ({@code atZero} false) at the last fix. */
    private static AvlBatch withoutFix(List<Point> points, boolean atZero) {
        AvlBatch batch = frame(points);
        for (int r = 0; r < batch.size(); r++) {
            batch.clearSatellites(r);
            if (atZero) {
                batch.setPosition(r, 0, 0);
            }
        }
        return batch;
    }

    /**
     * A private trip over UDP as a flaky link delivers it: newest first, a datagram resent after its acknowledgement
     * was lost, the newest one also sent over TCP in between and once more over UDP at the end, the trip's start with
     * the button last. Then the parked tracker at the destination reports from a garage (no fix, at 0,0 and at the
     * last fix, with the cell it sees) and logs a record twice in one millisecond with different event IDs.
     */
    @Test
    void aPrivateTripOverUdpResentReorderedAndCopiedOverTcpLeavesNoTrace() throws Exception {
        long imei = device(policy("udp-resent", OPEN_POLICY_WITH_DEFAULT_TIMING));
        List<Point> day = homeThenPrivateTripThenParked(T0 + 21_600_000, true, 1_500_001);
        List<Point> rest = new ArrayList<>(day.subList(3, day.size()));
        Collections.reverse(rest);
        List<Point> newest = rest.subList(0, 11);
        List<Point> middle = rest.subList(11, 22);
        List<Point> oldest = rest.subList(22, 33);
        sendUdp(imei, frame(day.subList(0, 3)));
        sendUdp(imei, frame(newest));
        try (DeviceClient tcp = connectAccepted(imei)) {
            sendAcknowledged(tcp, frame(newest)); // the same records over TCP
        }
        sendUdp(imei, frame(middle));
        sendUdp(imei, frame(middle)); // its acknowledgement lost
        sendUdp(imei, frame(oldest));
        sendUdp(imei, frame(newest));
        Point destination = day.getLast();
        long t = destination.time();
        List<Point> garage = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            garage.add(new Point(t + i * 30_000L, destination.lat(), destination.lon(), false, false));
        }
        sendUdp(imei, withoutFix(garage.subList(0, 2), true));
        sendUdp(imei, withoutFix(garage.subList(2, 4), false));
        Point twice = new Point(t + 150_000L, destination.lat(), destination.lon(), false, false);
        sendUdp(imei, frame(List.of(twice, twice), (batch, p) -> {
            if (batch.size() == 2) {
                batch.setEventIo(1, 240); // movement logged as an event in the same millisecond
            }
        }));

        List<StoredRow> rows = rows(imei);
        assertEquals(day.size() + garage.size() + 2, rows.size(), "resends add nothing: " + rows);
        assertEquals(EXACT, rows.get(0).treatment(), "home, before the trip, is public in this drive");
        assertPrivate(rows, 3, rows.size(), "the private trip, its end and the garage there");
        assertNowhere(needles(day.subList(3, day.size())), imei, "over UDP, resent, reordered and copied over TCP");
    }

    /**
     * Codec 8 carries no private-mode element: a trip outside business hours is private by the schedule. The same day
     * (the trip, the parked tracker at its end until business hours open, some of its reports without a fix, then a
     * business trip) is stored through Codec 8 over TCP and UDP as through Codec 8 Extended.
     */
    @Test
    void aScheduledPrivateTripInCodec8IsStoredAsInCodec8Extended() throws Exception {
        long policy = policy("codec-8", "{\"version\": 1, \"consent\": {\"location\": true,"
                + " \"driverIdentity\": true, \"telemetry\": true}, \"privateTrips\": {\"businessSchedule\":"
                + " {\"timeZone\": \"Europe/Berlin\", \"days\": {\"thursday\": [\"07:00-19:00\"]}}}}");
        List<Point> day = new ArrayList<>(homeThenPrivateTripThenParked(T0, false, -1_500_001));
        Point destination = day.getLast();
        long t = destination.time();
        while (t < T0 + 3 * 3_600_000L) { // parked, reporting every 5 minutes, until 08:00 in Berlin
            t += 300_000;
            day.add(new Point(t, destination.lat(), destination.lon(), false, false));
        }
        int parkedUntil = day.size();
        for (int i = 0; i < 8; i++) {
            t += 30_000;
            day.add(new Point(t, destination.lat() + i * 20_000, destination.lon(), i < 7, false));
        }
        Set<Long> garage = new TreeSet<>(); // every third parked report after the trip, from a garage at 0,0
        for (int i = 37; i < parkedUntil - 1; i += 3) {
            garage.add(day.get(i).time());
        }
        java.util.Map<String, Long> devices = new java.util.LinkedHashMap<>();
        for (String entry : List.of("tcp-8E", "tcp-8", "udp-8")) {
            devices.put(entry, device(policy));
        }
        for (String entry : devices.keySet()) {
            AvlCodecId codec = entry.endsWith("8E") ? AvlCodecId.CODEC_8E : AvlCodecId.CODEC_8;
            List<AvlBatch> frames = new ArrayList<>();
            for (int from = 0; from < day.size(); from += 5) {
                AvlBatch frame = frame(day.subList(from, Math.min(day.size(), from + 5)), false, false, (b, p) -> { });
                for (int r = 0; r < frame.size(); r++) {
                    if (garage.contains(frame.timestamp(r))) {
                        frame.clearSatellites(r);
                        frame.setPosition(r, 0, 0);
                    }
                }
                frames.add(frame);
            }
            if (entry.startsWith("tcp")) {
                try (DeviceClient device = connectAccepted(devices.get(entry))) {
                    for (AvlBatch frame : frames) {
                        sendTcp(device, frame, codec);
                    }
                }
            } else {
                for (AvlBatch frame : frames) {
                    sendUdp(devices.get(entry), frame, codec);
                }
            }
        }
        List<StoredRow> extended = rows(devices.get("tcp-8E"));
        assertEquals(day.size(), extended.size());
        assertPrivate(extended, 3, parkedUntil, "the trip, its end and the parked vehicle after business hours opened");
        assertEquals(EXACT, extended.get(parkedUntil).treatment(), "a business trip is public from its first record");
        Set<String> needles = needles(day.subList(3, parkedUntil));
        needles.removeAll(needles(List.of(destination))); // the business trip leaves from there, published
        for (String entry : devices.keySet()) {
            assertEquals(extended, rows(devices.get(entry)), entry + " stores what TCP in Codec 8 Extended stores");
            assertNowhere(needles, devices.get(entry), entry);
        }
    }

    /**
     * A UDP datagram resent after its range was erased (its acknowledgement lost, or replayed) stores nothing again,
     * as a TCP frame does.
     */
    @Test
    void aUdpDatagramResentAfterItsRangeWasErasedIsNotStoredAgain() throws Exception {
        long imei = device(policy("udp-erased", OPEN_POLICY));
        List<Point> drive = fiveDrivingRecordsFrom(T0 + 36_000_000, HOME_LAT - 5_000_003, HOME_LON - 5_000_003);
        sendUdp(imei, frame(drive));
        assertEquals(drive.size(), rows(imei).size());
        call("POST", imei, "/erase?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z", null);
        assertEquals(List.of(), rows(imei), "erased");
        sendUdp(imei, frame(drive));
        assertEquals(List.of(), rows(imei), "the erased records are stored again");
        assertNowhere(needles(drive), imei, "erased and resent over UDP");
    }

    // ---- the parked tracker ------------------------------------------------------------------------

    @Test
    void theParkedTrackerPublishesNothingAtAPrivateTripsDestinationWhenBusinessHoursOpen() throws Exception {
        // Business hours from 07:00 in Berlin (06:00 UTC): the trip at 05:00 local is private by the schedule.
        long imei = device(policy("office-hours", "{\"version\": 1, \"consent\": {\"location\": true,"
                + " \"driverIdentity\": true, \"telemetry\": true}, \"privateTrips\": {\"businessSchedule\":"
                + " {\"timeZone\": \"Europe/Berlin\", \"days\": {\"thursday\": [\"07:00-19:00\"]}}}}"));
        List<Point> day = new ArrayList<>(homeThenPrivateTripThenParked(T0, false, 3_337));
        Point destination = day.get(day.size() - 1);
        long t = destination.time();
        while (t < T0 + 3 * 3_600_000L) { // parked, reporting every 5 minutes, until 08:00 in Berlin
            t += 300_000;
            day.add(new Point(t, destination.lat(), destination.lon(), false, false));
        }
        int parkedUntil = day.size();
        for (int i = 0; i < 8; i++) { // a business trip from there
            t += 30_000;
            day.add(new Point(t, destination.lat() + i * 20_000, destination.lon(), i < 7, false));
        }
        List<List<Point>> frames = new ArrayList<>();
        for (int from = 0; from < day.size(); from += 5) {
            frames.add(day.subList(from, Math.min(day.size(), from + 5)));
        }
        send(imei, frames);

        List<StoredRow> rows = rows(imei);
        assertEquals(day.size(), rows.size());
        assertPrivate(rows, 3, parkedUntil, "the trip, its end and the parked vehicle after business hours opened");
        assertEquals(EXACT, rows.get(parkedUntil).treatment(), "a business trip is public from its first record");
        assertNowhere(needles(day.subList(3, parkedUntil)).stream()
                .filter(n -> !n.equals(Integer.toString(destination.lat()))
                        && !n.equals(Integer.toString(destination.lon()))
                        && !n.equals(degrees(destination.lat())) && !n.equals(degrees(destination.lon())))
                .collect(java.util.stream.Collectors.toSet()), imei, "parked after a private trip");
    }

    /**
     * The evening drive home: it leaves work at 18:41 in business hours (07:00-19:00) and arrives at 19:20. From 19:00
     * it is private to its end, and home stays private while the tracker reports from there, whatever order the
     * frames arrive in (here newest first, each frame's records newest first too).
     */
    @Test
    void theDriveHomeThatLeavesWorkInHoursDoesNotPublishWhereItEnds() throws Exception {
        long imei = device(policy("drive-home", "{\"version\": 1, \"consent\": {\"location\": true,"
                + " \"driverIdentity\": true, \"telemetry\": true}, \"privateTrips\": {\"businessSchedule\":"
                + " {\"timeZone\": \"Europe/Berlin\", \"days\": {\"thursday\": [\"07:00-19:00\"]}}}}"));
        long work = T0 + (13 * 60 + 40) * 60_000L; // 18:40 in Berlin
        int lat = HOME_LAT - 3_000_007;
        int lon = HOME_LON - 2_000_003;
        List<Point> day = new ArrayList<>();
        long t = work;
        for (int i = 0; i < 3; i++, t += 30_000) { // parked at work
            day.add(new Point(t, lat, lon, false, false));
        }
        t += 15_000;
        int firstAfterHours = -1;
        for (int i = 1; t <= work + 40 * 60_000L; i++, t += 30_000) { // 18:41:45 to 19:20: driving home
            if (firstAfterHours < 0 && t >= T0 + 14 * 3_600_000L) {
                firstAfterHours = day.size();
            }
            day.add(new Point(t, lat + i * 20_011, lon + i * 13_007, true, false));
        }
        Point home = day.getLast();
        for (int i = 0; i < 12; i++) { // parked at home, reporting every 5 minutes
            t += 300_000;
            day.add(new Point(t, home.lat(), home.lon(), false, false));
        }
        List<List<Point>> frames = new ArrayList<>();
        for (int from = 0; from < day.size(); from += 5) {
            frames.add(day.subList(from, Math.min(day.size(), from + 5)).reversed());
        }
        send(imei, frames.reversed());

        List<StoredRow> rows = rows(imei);
        assertEquals(day.size(), rows.size());
        assertEquals(EXACT, rows.get(firstAfterHours - 1).treatment(), "the drive in business hours is published");
        assertPrivate(rows, firstAfterHours, day.size(), "the drive after 19:00, home, and the tracker parked there");
        assertNowhere(needles(day.subList(firstAfterHours, day.size())), imei, "the drive home after hours");
    }

    @Test
    void theButtonReleasedAtTheDestinationPublishesNothingThere() throws Exception {
        long imei = device(policy("button", OPEN_POLICY_WITH_DEFAULT_TIMING));
        List<Point> day = homeThenPrivateTripThenParked(T0 + 7_200_000, false, 4_441); // the button held the whole trip
        send(imei, List.of(day.subList(0, 12), day.subList(12, 24), day.subList(24, day.size())));
        List<StoredRow> rows = rows(imei);
        assertPrivate(rows, 3, day.size(), "the trip and the parked vehicle after the button was released");
        assertNowhere(needles(day.subList(3, day.size())), imei, "button released at the destination");
    }

    // ---- a driver's own zone ------------------------------------------------------------------------

    @Test
    void aDriversOwnHomeZoneHidesHomeFromTheFleet() throws Exception {
        long imei = device(policy("driver-zone", OPEN_POLICY_WITH_DEFAULT_TIMING));
        String driver = new ApiTokens(gateway.dataSource()).create("acme", Role.DRIVER, imei, "driver", null).token();
        int homeLat = HOME_LAT + 6_661;
        int homeLon = HOME_LON + 6_661;
        placeDriverZone(driver, imei, "home", homeLat, homeLon);

        // Parked at home, then 12 km north-east in about 250 m steps, then parked.
        List<Point> day = new ArrayList<>();
        long t = T0 + 18_000_000;
        for (int i = 0; i < 3; i++) {
            day.add(new Point(t, homeLat, homeLon, false, false));
            t += 30_000;
        }
        for (int i = 1; i <= 60; i++) {
            day.add(new Point(t, homeLat + i * 18_000, homeLon + i * 17_000 + i * i * 37, i < 60, false));
            t += 30_000;
        }
        List<List<Point>> frames = new ArrayList<>();
        for (int from = 0; from < day.size(); from += 5) {
            frames.add(day.subList(from, Math.min(day.size(), from + 5)));
        }
        send(imei, frames);

        List<StoredRow> rows = rows(imei);
        int visible = 0;
        for (StoredRow row : rows) {
            if (row.latitude() != null) {
                visible++;
                double north = (row.latitude() - homeLat) / 1e7 * 111_195;
                double east = (row.longitude() - homeLon) / 1e7 * 111_195 * Math.cos(Math.toRadians(homeLat / 1e7));
                double metres = Math.hypot(north, east);
                assertTrue(metres > 300, "visible " + metres + " m from the driver's home");
            }
        }
        assertTrue(visible > 0, "a trip far from home is visible");
        List<Point> nearHome = day.stream().filter(p -> (p.lat() - homeLat) / 1e7 * 111_195 <= 600).toList();
        assertNowhere(needles(nearHome), imei, "the driver's own zone");
    }

    // ---- every rule in one day, every format, a dump -----------------------------------------------

    /** How far {@code p} is from the policy zone's centre, in metres (flat-earth, plenty at a few kilometres). */
    private static double metresFromZone(Point p) {
        double metresPerUnit = 6_371_008.8 * Math.PI / 180 / 1e7;
        double north = (p.lat() - ZONE_LAT) * metresPerUnit;
        double east = (p.lon() - ZONE_LON) * metresPerUnit * Math.cos(Math.toRadians(ZONE_LAT / 1e7));
        return Math.hypot(north, east);
    }

    /** A policy zone's centre and a driver's, near Munich: nobody drives there in the other tests. */
    private static final int ZONE_LAT = 481_537_291;
    private static final int ZONE_LON = 115_372_917;
    private static final int DRIVER_ZONE_LAT = 480_123_457;
    private static final int DRIVER_ZONE_LON = 112_345_671;
    private static final long IBUTTON = 0x0F1E2D3C4B5A6978L;

    /**
     * One device through every rule: a coarsened business trip into a policy zone, a private trip out of it, a trip
     * without location and telemetry consent, records sent while it is restricted, and a coarsened trip erased.
     * Nothing of what those hide, nor the centre of the policy's zone or of a zone the driver placed, is anywhere in
     * the database (each table and column as text, IO elements as the hex of their bytes), any API format, the audit,
     * the log or a metric's tags; what coarsening publishes is the cell's centre, not the position rounded.
     */
    @Test
    void aDayThroughEveryRuleLeavesNothingHiddenInTheDatabaseTheApiOrTheMetrics() throws Exception {
        // Through the API, which seals the zone's centre (a document written straight to the table keeps it in clear).
        String created = post(token, "/policies", "{\"name\": \"every-rule\", \"document\": {\"version\": 1,"
                + " \"consent\": {\"location\": true, \"driverIdentity\": false, \"telemetry\": true},"
                + " \"privateTrips\": {\"graceWindow\": \"PT0S\"}, \"coarsening\": {\"gridMetres\": 500},"
                + " \"zones\": [{\"name\": \"depot-home\", \"latitude\": " + BigDecimal.valueOf(ZONE_LAT, 7)
                + ", \"longitude\": " + BigDecimal.valueOf(ZONE_LON, 7) + ", \"radiusMetres\": 300}]}}");
        long imei = device(new ObjectMapper().readTree(created).get("id").asLong());
        String driver = new ApiTokens(gateway.dataSource()).create("acme", Role.DRIVER, imei, "driver", null).token();
        placeDriverZone(driver, imei, "doctor", DRIVER_ZONE_LAT, DRIVER_ZONE_LON);

        long t = T0 + 8 * 3_600_000L;
        // To the zone: parked 20 km south of it, 400 m a record north into it, parked there. Two records are logged for
        // harsh driving (253) and an iButton (78): event IDs whose elements neither consent nor coarsening keeps.
        List<Point> toTheZone = new ArrayList<>();
        for (int i = 0; i <= 52; i++, t += 30_000) {
            int step = Math.min(Math.max(i - 1, 0), 50);
            toTheZone.add(new Point(t, ZONE_LAT - 1_800_000 + step * 36_000, ZONE_LON - 50 * 1_371 + step * 1_371,
                    i > 0 && i < 51, false));
        }
        // The private trip: the button held, 12 km east out of the zone, parked where it ended.
        List<Point> privateTrip = new ArrayList<>();
        Point last = toTheZone.getLast();
        for (int i = 1; i <= 33; i++, t += 30_000) {
            int step = Math.min(i, 30);
            privateTrip.add(new Point(t, last.lat() + step * 1_237, last.lon() + step * 54_013, i < 30, i <= 30));
        }
        // Without location and telemetry consent, a trip 4 km north; restricted, 3 km further.
        List<Point> withoutConsent = new ArrayList<>();
        last = privateTrip.getLast();
        for (int i = 1; i <= 12; i++, t += 30_000) {
            int step = Math.min(i, 10);
            withoutConsent.add(new Point(t, last.lat() + step * 36_011, last.lon() + step * 2_003, i < 10, false));
        }
        List<Point> restricted = new ArrayList<>();
        last = withoutConsent.getLast();
        for (int i = 1; i <= 8; i++, t += 30_000) {
            restricted.add(new Point(t, last.lat() + i * 36_017, last.lon() + i * 3_001, true, false));
        }
        // To erase: hours later and 40 km west, a trip that starts with an ignition event.
        List<Point> toErase = new ArrayList<>();
        t += 3 * 3_600_000L;
        for (int i = 0; i <= 15; i++, t += 30_000) {
            toErase.add(new Point(t, 484_012_347 + i * 36_001, 109_012_347 + i * 4_003, i < 15, false));
        }
        java.util.function.BiConsumer<AvlBatch, Point> withIdentity = (batch, p) -> {
            batch.addIo(78, 8, IBUTTON);
            batch.addIo(636, 4, 0x0BAD_CAFE);
            batch.addIo(182, 2, 0x0457);
            batch.addIo(17, 2, 0x0163);
            batch.addIo(66, 2, withoutConsent.contains(p) ? 0x1A2B : restricted.contains(p) ? 0x3C4D : 0x2F5B);
            if (p == toTheZone.get(10)) {
                batch.setEventIo(batch.size() - 1, 253);
            } else if (p == toTheZone.get(12)) {
                batch.setEventIo(batch.size() - 1, 78);
            } else if (p == toErase.getFirst()) {
                batch.setEventIo(batch.size() - 1, 239);
            }
        };
        try (DeviceClient device = connectAccepted(imei)) {
            for (List<Point> part : List.of(toTheZone, privateTrip)) {
                for (int from = 0; from < part.size(); from += 6) {
                    sendAcknowledged(device, frame(part.subList(from, Math.min(part.size(), from + 6)), withIdentity));
                }
            }
            // A new device's first records wait sealed for the anchor delay, and a switch turned while they wait
            // applies to them too (the stricter of then and now): they are decided before consent is withdrawn.
            awaitDecided(imei);
            put(imei, "/consent", "{\"location\": false, \"telemetry\": false}");
            sendAcknowledged(device, frame(withoutConsent, withIdentity));
            put(imei, "/consent", "{\"location\": true, \"telemetry\": true}");
            awaitDecided(imei); // the restriction, a change of rules, would make whatever still waits private
            call("POST", imei, "/restrict", null);
            sendAcknowledged(device, frame(restricted, withIdentity));
            call("DELETE", imei, "/restrict", null);
        }
        // The trip to erase comes hours later, over a new connection: an open one takes up the lifted restriction only when the
        // change feed reaches it, and drops what it receives until then (a restriction is never late to hold).
        try (DeviceClient device = connectAccepted(imei)) {
            sendAcknowledged(device, frame(toErase, withIdentity));
        }
        List<StoredRow> rows = rows(imei);
        Map<Long, StoredRow> byTime = new java.util.HashMap<>();
        rows.forEach(row -> byTime.put(row.deviceTimeMillis(), row));
        List<Point> hidden = toTheZone.stream().filter(p -> !byTime.containsKey(p.time())).toList();
        List<Point> published = toTheZone.stream().filter(p -> byTime.containsKey(p.time())).toList();
        // Where the hidden disc falls depends on the zone key (random per run): what holds for every key is that no
        // visible point lies within 2.5 zone radii of the centre.
        List<Point> nearHome = toTheZone.stream().filter(p -> metresFromZone(p) <= 2.5 * 300).toList();
        assertTrue(nearHome.size() >= 3 && hidden.containsAll(nearHome) && published.size() > 5, "the zone hides the"
                + " way in: " + hidden.size() + " hidden (" + nearHome.size() + " within 750 m), " + published.size()
                + " published: " + rows);
        assertTrue(published.stream().allMatch(p -> byTime.get(p.time()).treatment() == COARSENED),
                "coarsened: " + rows);
        for (List<Point> part : List.of(privateTrip, withoutConsent)) {
            // A private record where the zone hides (its disc falls by the random key) is not stored at all.
            assertTrue(part.stream().allMatch(p -> !byTime.containsKey(p.time())
                    || byTime.get(p.time()).treatment() == PRIVATE), "private: " + rows);
            assertTrue(part.stream().filter(p -> metresFromZone(p) <= 2.5 * 300)
                    .noneMatch(p -> byTime.containsKey(p.time())), "private near home: " + rows);
        }
        assertTrue(restricted.stream().noneMatch(p -> byTime.containsKey(p.time())), "restricted records are not stored");
        List<StoredRow> erasedRows = toErase.stream().map(p -> byTime.get(p.time())).filter(java.util.Objects::nonNull)
                .filter(row -> row.latitude() != null).toList();
        assertFalse(erasedRows.isEmpty(), "the trip to erase was published: " + rows);

        // What every format shows of a located record is its cell's centre, without what coarsening removes.
        JsonNode track = new ObjectMapper().readTree(get("/devices/" + imei + "/positions?from=2026-01-01T00:00:00Z"
                + "&to=2026-01-02T00:00:00Z&limit=10000"));
        dev.telemask.privacy.GeoGrid grid = new dev.telemask.privacy.GeoGrid(500);
        Set<String> centres = new TreeSet<>();
        for (JsonNode position : track.get("positions")) {
            assertTrue(Set.of(0, 239, 240).contains(position.get("eventIo").asInt()), position.toString());
            for (String id : List.of("78", "636", "182", "17", "205", "206", "241", Integer.toString(WIFI_SCAN))) {
                assertFalse(position.get("io").has(id), id + " kept: " + position);
            }
            if (position.has("latitude")) {
                int lat = (int) Math.round(position.get("latitude").asDouble() * 1e7);
                int lon = (int) Math.round(position.get("longitude").asDouble() * 1e7);
                long cell = grid.snap(lat, lon);
                assertEquals(List.of(dev.telemask.privacy.GeoGrid.latitudeOf(cell),
                        dev.telemask.privacy.GeoGrid.longitudeOf(cell)), List.of(lat, lon),
                        "a published point is its cell's centre: " + position);
                assertEquals(0, position.get("speed").asInt() + position.get("angle").asInt()
                        + position.get("altitude").asInt(), position.toString());
                centres.add(Integer.toString(lat));
                centres.add(Integer.toString(lon));
                centres.add(position.get("latitude").asText());
                centres.add(position.get("longitude").asText());
            } else {
                assertFalse(position.has("satellites"), position.toString());
            }
        }
        assertFalse(track.toString().contains("\"66\":" + 0x1A2B), "telemetry without consent: " + track);
        call("POST", imei, "/erase?from=" + Instant.ofEpochMilli(toErase.getFirst().time()) + "&to="
                + Instant.ofEpochMilli(toErase.getLast().time() + 1), null);
        assertTrue(rows(imei).stream().noneMatch(row -> row.deviceTimeMillis() >= toErase.getFirst().time()),
                "erased");

        Set<String> needles = new TreeSet<>();
        for (int[] centre : List.of(new int[] {ZONE_LAT, ZONE_LON}, new int[] {DRIVER_ZONE_LAT, DRIVER_ZONE_LON})) {
            needles.addAll(precisions(centre[0]));
            needles.addAll(precisions(centre[1]));
        }
        for (List<Point> part : List.of(published, hidden, privateTrip, withoutConsent, restricted, toErase)) {
            for (Point p : part) {
                needles.addAll(precisions(p.lat()));
                needles.addAll(precisions(p.lon()));
            }
        }
        // A published cell centre may begin like a raw coordinate near it: that is the cell, not the coordinate.
        needles.removeIf(needle -> centres.stream().anyMatch(centre -> centre.contains(needle)));
        for (StoredRow row : erasedRows) {
            needles.add(Integer.toString(row.latitude()));
            needles.add(Integer.toString(row.longitude()));
            needles.add(BigDecimal.valueOf(row.latitude(), 7).stripTrailingZeros().toPlainString());
            needles.add(BigDecimal.valueOf(row.longitude(), 7).stripTrailingZeros().toPlainString());
        }
        // IO elements as the dump shows them (ID, width, value in hex) and as the API does (decimal).
        needles.addAll(List.of(String.format("%016x", IBUTTON), Long.toString(IBUTTON), "027c040badcafe",
                "00b6020457", "0011020163", "0042021a2b", "0042023c4d"));
        String dump = databaseDump();
        assertTrue(published.stream().map(p -> byTime.get(p.time()))
                .allMatch(row -> dump.contains(row.latitude() + "," + row.longitude())
                        || dump.contains(row.longitude() + "," + row.latitude())), "the dump shows what is published");
        assertNowhere(needles, imei, "every rule");
        for (io.micrometer.core.instrument.Meter meter : gateway.registry().getMeters()) {
            for (io.micrometer.core.instrument.Tag tag : meter.getId().getTags()) {
                assertFalse(tag.getValue().contains(Long.toString(imei)), "a metric per device: " + meter.getId());
            }
        }
    }

    /** A coordinate as text at 4 to 7 decimals, cut and rounded, and as a 1e-7 integer. */
    private static Set<String> precisions(int e7) {
        Set<String> out = new TreeSet<>();
        out.add(Integer.toString(e7));
        BigDecimal degrees = BigDecimal.valueOf(e7, 7);
        for (int scale = 4; scale <= 7; scale++) {
            out.add(degrees.setScale(scale, java.math.RoundingMode.DOWN).toPlainString());
            out.add(degrees.setScale(scale, java.math.RoundingMode.HALF_UP).toPlainString());
        }
        return out;
    }

    // ---- a change of rules -------------------------------------------------------------------------

    @Test
    void aZoneRemovedWhileATripThroughItWaitsPublishesNothingInIt() throws Exception {
        // A clinic 1 km north of where the vehicle is parked, 50 m across; the trip's first minute runs through it and
        // waits in its grace window when the fleet admin removes the zone.
        int clinicLat = HOME_LAT + 90_000 + 8_881;
        int clinicLon = HOME_LON + 8_881;
        long policy = policy("clinic", "{\"version\": 1, \"consent\": {\"location\": true, \"driverIdentity\": true,"
                + " \"telemetry\": true}, \"zones\": [{\"name\": \"clinic\", \"latitude\": "
                + BigDecimal.valueOf(clinicLat, 7) + ", \"longitude\": " + BigDecimal.valueOf(clinicLon, 7)
                + ", \"radiusMetres\": 50}]}");
        long imei = device(policy);
        long t = T0 + 36_000_000L;
        List<Point> day = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            day.add(new Point(t + i * 30_000L, clinicLat - 88_800, clinicLon - 53_800, false, false));
        }
        long start = t + 90_000;
        for (int k = 0; k <= 30; k++) { // some 210 m every 10 s, north by east through the clinic, 15 m off its centre
            day.add(new Point(start + k * 10_000L, clinicLat - 88_800 + k * 18_000, clinicLon - 53_800 + k * 11_000,
                    true, false));
        }
        try (DeviceClient device = connectAccepted(imei)) {
            List<Point> first = day.subList(0, 10); // parked, then the trip's first minute: it waits
            device.sendFrame(frame(first));
            assertEquals(first.size(), device.readAck());
            execute("INSERT INTO policy_versions (policy_id, version, document, created_by) VALUES (" + policy
                    + ", 2, '" + OPEN_POLICY_WITH_DEFAULT_TIMING + "', 'admin')");
            List<Point> rest = day.subList(10, day.size());
            device.sendFrame(frame(rest));
            assertEquals(rest.size(), device.readAck());
        }
        List<StoredRow> rows = rows(imei);
        assertEquals(day.size(), rows.size());
        for (StoredRow row : rows) {
            if (row.latitude() != null) {
                double metres = Math.hypot((row.latitude() - clinicLat) / 1e7 * 111_195,
                        (row.longitude() - clinicLon) / 1e7 * 111_195 * Math.cos(Math.toRadians(clinicLat / 1e7)));
                assertTrue(metres > 600, "published " + metres + " m from the clinic after the zone was removed");
            }
        }
        List<Point> nearClinic = day.stream()
                .filter(p -> Math.abs(p.lat() - clinicLat) / 1e7 * 111_195 <= 600 && p.time() >= start).toList();
        assertFalse(nearClinic.isEmpty());
        assertNowhere(needles(nearClinic), imei, "a zone removed while the trip through it waited");
    }

    // ---- restarts ----------------------------------------------------------------------------------

    @Test
    void recordsSealedWhenTheGatewayStopsAreResolvedAfterItsRestart() throws Exception {
        long imei = device(policy("restart", OPEN_POLICY_WITH_DEFAULT_TIMING));
        List<Point> trip = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            trip.add(new Point(T0 + 10_800_000 + i * 20_000L, HOME_LAT + 5_557 + i * 10_000, HOME_LON + 5_557 + i * 7_003,
                    i < 11, false));
        }
        List<Point> start = trip.subList(0, 3); // 40 s of a trip: inside its grace window
        send(imei, List.of(List.of(new Point(T0 + 10_780_000, HOME_LAT + 5_557, HOME_LON + 5_557, false, false)), start));
        assertEquals(4, count(imei), "acknowledged means stored");
        Eventually.holds(() -> sealedNow(imei) == 3, java.time.Duration.ofSeconds(20),
                () -> "the trip's start waits sealed for its grace window");
        assertNowhere(needles(start.subList(1, 3)), imei, "sealed");

        restartGateway();
        send(imei, List.of(trip.subList(3, trip.size())));
        List<StoredRow> rows = rows(imei);
        assertEquals(13, rows.size(), "nothing sealed was lost in the restart");
        for (int r = 1; r < rows.size(); r++) {
            assertEquals(EXACT, rows.get(r).treatment(), "a business trip, published once its window passed");
        }
        assertEquals(trip.get(0).lat(), rows.get(1).latitude());
    }

    /** Waits until none of the device's records waits undecided. */
    private void awaitDecided(long imei) {
        Eventually.holds(() -> sealedNow(imei) == 0, Duration.ofSeconds(20),
                () -> "the device's records are decided once the anchor delay passed");
    }

    private long sealedNow(long imei) {
        try {
            return sealed(imei);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- switches on another instance ------------------------------------------------------------

    private enum Switch { RESTRICT, PRIVATE_MODE, NO_LOCATION_CONSENT }

    @Test
    void aSwitchOnAnotherInstanceHoldsForEveryRecordReceivedAfterItReturned() throws Exception {
        try (Gateway api = startAnotherGateway()) {
            for (int round = 0; round < 8; round++) {
                for (Switch change : Switch.values()) {
                    raceOnce(api, change, round);
                }
            }
        }
    }

    /** A device sends one record a frame on this instance while the switch is set on the other. */
    private void raceOnce(Gateway api, Switch change, int round) throws Exception {
        long imei = device(policy("race-" + change + "-" + round, OPEN_POLICY));
        long start = T0 + 14_400_000 + round * 3_600_000L;
        List<long[]> sent = Collections.synchronizedList(new ArrayList<>()); // device time, nanos sent
        java.util.concurrent.atomic.AtomicLong returnedAt = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
        java.util.concurrent.CompletableFuture<Void> switched = null;
        try (DeviceClient device = connectAccepted(imei)) {
            int afterwards = 0;
            // Until 20 frames went after the call returned, however long it takes on a busy machine.
            for (int i = 0; afterwards < 20; i++) {
                assertTrue(i < 20_000, change + ": the switch call did not return");
                if (i == 20 + round * 3) {
                    switched = java.util.concurrent.CompletableFuture.runAsync(() -> {
                        set(api, change, imei);
                        returnedAt.set(System.nanoTime());
                    });
                }
                long time = start + i * 10_000L;
                long sentAt = System.nanoTime();
                device.sendFrame(frame(List.of(new Point(time, HOME_LAT + i * 1_000, HOME_LON, true, false))));
                assertEquals(1, device.readAck());
                sent.add(new long[] {time, sentAt});
                if (switched != null && switched.isDone()) {
                    afterwards++;
                }
            }
            switched.join();
        }
        Set<Long> after = new TreeSet<>();
        for (long[] record : sent) {
            if (record[1] > returnedAt.get()) {
                after.add(record[0]);
            }
        }
        assertTrue(after.size() >= 10, change + ": records sent after the switch returned");
        try (Connection c = gateway.dataSource().getConnection(); Statement st = c.createStatement()) {
            if (change == Switch.RESTRICT) {
                try (ResultSet rs = st.executeQuery("SELECT (extract(epoch FROM device_time) * 1000)::bigint FROM"
                        + " positions WHERE imei = " + imei + " UNION ALL SELECT (extract(epoch FROM device_time)"
                        + " * 1000)::bigint FROM sealed_positions WHERE imei = " + imei)) {
                    while (rs.next()) {
                        assertFalse(after.contains(rs.getLong(1)), change + " round " + round
                                + ": a record received after the restriction returned is stored");
                    }
                }
                return;
            }
        }
        rows(imei); // everything decided
        try (Connection c = gateway.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (extract(epoch FROM device_time) * 1000)::bigint, treatment,"
                     + " latitude FROM positions WHERE imei = " + imei)) {
            int checked = 0;
            while (rs.next()) {
                if (after.contains(rs.getLong(1))) {
                    checked++;
                    assertEquals(PRIVATE, rs.getInt(2), change + " round " + round + ": record at "
                            + Instant.ofEpochMilli(rs.getLong(1)) + " received after the switch returned");
                    assertNull(rs.getObject(3));
                }
            }
            assertEquals(after.size(), checked, change + ": every record sent after the switch is stored");
        }
    }

    /** How the device sends the frame a switch races: over its TCP connection, or as a UDP datagram. */
    private enum Way { TCP, UDP }

    /**
     * Location consent is given while a frame received without it is on its way to the database. The write is refused
     * as stale and the frame masked again under what the database holds: its records were received before the consent
     * was given, so none of them is stored with its location.
     */
    @Test
    void recordsReceivedWithoutLocationConsentStayWithoutLocationWhenConsentIsGivenBeforeTheyAreStored()
            throws Exception {
        locationConsentGivenWhileOnItsWay(Way.TCP, fiveDrivingRecords(T0 + 30_600_000, -9_000));
    }

    /** As over TCP: the datagram is judged again as received when it arrived, not left to its resend. */
    @Test
    void aDatagramReceivedWithoutLocationConsentStaysWithoutLocationWhenConsentIsGivenBeforeItIsStored()
            throws Exception {
        locationConsentGivenWhileOnItsWay(Way.UDP,
                fiveDrivingRecordsFrom(T0 + 39_600_000, HOME_LAT - 2_500_003, HOME_LON + 2_500_003));
    }

    private void locationConsentGivenWhileOnItsWay(Way way, List<Point> drive) throws Exception {
        long imei = device(policy("consent-in-flight-" + way, OPEN_POLICY));
        execute("INSERT INTO consent_history (imei, kind, granted, changed_by) VALUES (" + imei
                + ", 'location', false, 'test')");
        List<Point> sent = sendWhileASwitchChanges(way, imei, drive, "INSERT INTO consent_history (imei, kind, granted,"
                + " changed_by) VALUES (" + imei + ", 'location', true, 'test')");
        List<StoredRow> rows = rows(imei);
        assertEquals(sent.size(), rows.size());
        for (StoredRow row : rows) {
            assertNull(row.latitude(), way + ": received before location consent was given: " + row);
        }
        assertNowhere(needles(drive), imei, way + ": location consent given while the records were on their way");
    }

    /**
     * The driver switches private mode off while a frame received under it is on its way to the database. The write
     * is refused as stale and the frame masked again under what the database holds: its records were received before
     * the call returned, while private mode was on, and stay private (the switch ends at the call, not at "never").
     */
    @Test
    void recordsReceivedWhilePrivateModeWasOnStayPrivateWhenItIsSwitchedOffBeforeTheyAreStored() throws Exception {
        privateModeSwitchedOffWhileOnItsWay(Way.TCP, fiveDrivingRecords(T0 + 28_800_000, 9_000));
    }

    /**
     * As over TCP: the datagram is judged again as received when it arrived; its resends, which the device makes while
     * it waits for the acknowledgement, arrive after the call and change nothing.
     */
    @Test
    void aDatagramReceivedWhilePrivateModeWasOnStaysPrivateWhenItIsSwitchedOffBeforeItIsStored() throws Exception {
        privateModeSwitchedOffWhileOnItsWay(Way.UDP,
                fiveDrivingRecordsFrom(T0 + 37_800_000, HOME_LAT + 2_500_003, HOME_LON - 2_500_003));
    }

    private void privateModeSwitchedOffWhileOnItsWay(Way way, List<Point> drive) throws Exception {
        long imei = device(policy("off-in-flight-" + way, OPEN_POLICY));
        execute("UPDATE devices SET private_until = now() + interval '1 hour' WHERE imei = " + imei);
        // As the API ends it (FleetDeviceStore.endPrivateMode): now, in the change's transaction.
        List<Point> sent = sendWhileASwitchChanges(way, imei, drive,
                "UPDATE devices SET private_until = clock_timestamp() WHERE imei = " + imei);
        List<StoredRow> rows = rows(imei);
        assertEquals(sent.size(), rows.size());
        assertPrivate(rows, 0, rows.size(), way + ": received while private mode was on");
        assertNowhere(needles(drive), imei, way + ": private mode switched off while the records were on their way");
    }

    /**
     * The device is restricted, and the restriction is lifted while a frame received under it waits for the
     * database's word that the restriction still holds. The check is refused as stale and the frame judged again
     * under what the database holds: it was received while the device was restricted, so it is acknowledged and
     * dropped, not stored under the switches of after the lift.
     */
    @Test
    void aFrameReceivedWhileRestrictedIsDroppedWhenTheRestrictionIsLiftedBeforeItIsStored() throws Exception {
        restrictionLiftedWhileOnItsWay(Way.TCP, fiveDrivingRecords(T0 + 32_400_000, 9_000));
    }

    /** As over TCP: the datagram is judged again as received when it arrived, not left to its resend after the lift. */
    @Test
    void aDatagramReceivedWhileRestrictedIsDroppedWhenTheRestrictionIsLiftedBeforeItIsConfirmed() throws Exception {
        restrictionLiftedWhileOnItsWay(Way.UDP,
                fiveDrivingRecordsFrom(T0 + 41_400_000, HOME_LAT + 2_500_003, HOME_LON + 2_500_003));
    }

    private void restrictionLiftedWhileOnItsWay(Way way, List<Point> drive) throws Exception {
        long imei = device(policy("lift-in-flight-" + way, OPEN_POLICY));
        execute("UPDATE devices SET restricted = true WHERE imei = " + imei);
        sendWhileASwitchChanges(way, imei, drive, "UPDATE devices SET restricted = false WHERE imei = " + imei);
        assertEquals(List.of(), rows(imei), way + ": received while the device was restricted");
        assertNowhere(needles(drive), imei, way + ": restriction lifted while the records were on their way");
    }

    /**
     * The device is restricted and the restriction lifted again while a frame is on its way to the database, the
     * frame received in between: the session, which never heard of the restriction, masked it as usual. Its write
     * is refused as stale and the frame judged again: the lifted restriction's stored span covers its arrival, so
     * it is dropped.
     */
    @Test
    void aFrameReceivedDuringARestrictionTheSessionNeverHeardOfIsDroppedAfterItsLift() throws Exception {
        long imei = device(policy("restricted-unheard", OPEN_POLICY));
        List<Point> drive = fiveDrivingRecords(T0 + 34_200_000, -9_000);
        // The change's transaction began before the frame arrived (its start is the restriction's), and lifts it after.
        sendWhileASwitchChanges(Way.TCP, imei, drive, "UPDATE devices SET restricted = true WHERE imei = " + imei
                + "; UPDATE devices SET restricted = false WHERE imei = " + imei);
        assertEquals(List.of(), rows(imei), "received while the device was restricted");
        assertNowhere(needles(drive), imei, "restricted and lifted while the records were on their way");
    }

    /** Five driving records ten seconds apart from {@code start}, heading north ({@code latStep} > 0) or south. */
    private static List<Point> fiveDrivingRecords(long start, int latStep) {
        List<Point> drive = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            drive.add(new Point(start + i * 10_000L, HOME_LAT + i * latStep, HOME_LON + i * 13_000, true, false));
        }
        return drive;
    }

    /** Five driving records ten seconds apart from {@code start} at the given place, north-east in 1-2 km steps. */
    private static List<Point> fiveDrivingRecordsFrom(long start, int lat, int lon) {
        List<Point> drive = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            drive.add(new Point(start + i * 10_000L, lat + i * 11_003, lon + i * 17_001, true, false));
        }
        return drive;
    }

    /**
     * Sends {@code drive} as one frame while {@code change} is under way: the change's transaction has the device row
     * before the frame's write asks for it, and commits once that write (or, once it gave up, the device's claim
     * again) waits for the row, so the frame was received and masked before the change returned. Then waits for its
     * acknowledgement, over UDP sending the datagram again until it comes, as a device does. Over UDP the device is
     * known first: parked where {@code drive} starts, 30 s before it, that record decided, so that nothing of the
     * device is in flight when the datagram arrives. Returns every record sent.
     */
    private List<Point> sendWhileASwitchChanges(Way way, long imei, List<Point> drive, String change)
            throws Exception {
        List<Point> sent = new ArrayList<>();
        if (way == Way.UDP) {
            Point start = drive.getFirst();
            sent.add(new Point(start.time() - 30_000, start.lat(), start.lon(), false, false));
            sendUdp(imei, frame(sent));
            awaitDecided(imei);
        }
        sent.addAll(drive);
        byte[] datagram = datagram(imei, frame(drive), AvlCodecId.CODEC_8E);
        try (DeviceClient device = way == Way.TCP ? connectAccepted(imei) : null;
             DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             Connection changing = gateway.dataSource().getConnection(); Statement st = changing.createStatement()) {
            changing.setAutoCommit(false);
            st.execute("SELECT 1 FROM devices WHERE imei = " + imei + " FOR NO KEY UPDATE");
            if (device != null) {
                device.sendFrame(frame(drive));
            }
            // A datagram that arrives while the device's last write is still being confirmed is dropped: the device
            // sends it again, as it does until it has its acknowledgement.
            Eventually.holds(() -> {
                if (device == null) {
                    try {
                        sendDatagram(socket, datagram);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                return queryNumber("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        + " AND datname = current_database()") > 0;
            }, Duration.ofSeconds(20), () -> "the frame's write waits");
            st.execute(change);
            changing.commit();
            if (device != null) {
                assertEquals(drive.size(), device.readAck());
            } else {
                sendUntilAcknowledged(socket, datagram);
            }
        }
        return sent;
    }

    private void set(Gateway api, Switch change, long imei) {
        String base = "http://127.0.0.1:" + api.httpPort() + "/api/v1/devices/" + imei;
        HttpRequest.Builder request = switch (change) {
            case RESTRICT -> HttpRequest.newBuilder(URI.create(base + "/restrict"))
                    .POST(HttpRequest.BodyPublishers.noBody());
            case PRIVATE_MODE -> HttpRequest.newBuilder(URI.create(base + "/private-mode"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"until\": \""
                            + Instant.now().plusSeconds(3_600) + "\"}"));
            case NO_LOCATION_CONSENT -> HttpRequest.newBuilder(URI.create(base + "/consent"))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"location\": false, \"reason\": \"withdrawn\"}"));
        };
        HttpResponse<String> response;
        try {
            response = http.send(request.header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        assertTrue(response.statusCode() / 100 == 2, change + ": " + response.statusCode() + " " + response.body());
    }

    /** Every consent given; the product's default trip timing (a two-minute grace window). */
    private static final String OPEN_POLICY_WITH_DEFAULT_TIMING =
            "{\"version\": 1, \"consent\": {\"location\": true, \"driverIdentity\": true, \"telemetry\": true}}";
}
