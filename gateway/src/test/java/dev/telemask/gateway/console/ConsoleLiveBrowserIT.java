package dev.telemask.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemask.codec.AvlBatch;
import dev.telemask.codec.AvlEncoder;
import dev.telemask.simulator.DeviceClient;
import dev.telemask.gateway.GatewayTestBase;
import dev.telemask.gateway.TestDatabase;
import dev.telemask.gateway.api.ApiTokens;
import dev.telemask.gateway.api.Role;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's live fleet map in headless Chromium: a fleet of vans (one on a coarsening policy, one driven
 * privately) shows at its newest masked positions; a device then reports from elsewhere while the page stays open
 * and its pin moves. The private vehicle is listed as private and never placed, and neither the page nor any byte of
 * the live stream holds its coordinates, nor the coarsened van's raw ones, for the admin or a viewer. Search, the
 * filter and the keyboard reach the device's day; a label with markup shows as text. The screenshot of the live
 * view (target/console-e2e/console-live.png) is the README's docs/console.png.
 */
class ConsoleLiveBrowserIT extends GatewayTestBase.ForOtherPackages {
    /** Decided in each frame: no grace window and no anchor delay, so that a position is on the map at once. */
    private static final String OPEN = "{\"version\": 1, \"consent\": {\"location\": true, \"driverIdentity\": true,"
            + " \"telemetry\": true}, \"privateTrips\": {\"graceWindow\": \"PT0S\", \"anchorDelay\": \"PT0S\"}}";
    private static final String COARSE = "{\"version\": 1, \"consent\": {\"location\": true, \"driverIdentity\": true,"
            + " \"telemetry\": true}, \"coarsening\": {\"gridMetres\": 500},"
            + " \"privateTrips\": {\"graceWindow\": \"PT0S\", \"anchorDelay\": \"PT0S\"}}";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MOVING_LATITUDE = 546_874_257;
    private static final int MOVING_LONGITUDE = 252_760_283;
    /**
     * The next trip starts where the first one parked, a minute after: after a gap, or a jump elsewhere, the engine
     * fails closed and the new trip is private (the live map then takes the pin off, which is right but not this test).
     */
    private static final int MOVED_LATITUDE = MOVING_LATITUDE + ConsoleDrives.RECORDS_PER_TRIP * 20_000;
    private static final int MOVED_LONGITUDE = MOVING_LONGITUDE + ConsoleDrives.RECORDS_PER_TRIP * 30_000;
    private static final int COARSE_LATITUDE = 546_374_257;
    private static final int COARSE_LONGITUDE = 251_560_283;
    private static final int OTHER_LATITUDE = 546_974_257;
    private static final int OTHER_LONGITUDE = 253_060_283;
    private static final int MARKUP_LATITUDE = 546_574_257;
    private static final int MARKUP_LONGITUDE = 252_260_283;

    private final ConsoleBrowser browser =
            new ConsoleBrowser(Path.of(System.getProperty("telemask.console.dir", "target/console-e2e")));
    private long moving;
    private long coarse;
    private long privateCar;
    private long markup;
    private long other;
    private String adminToken;
    private String viewerToken;
    private long now;

    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.EMBEDDED;
    }

    @BeforeAll
    void seed() throws Exception {
        long open = policy("drivers", OPEN);
        long coarsePolicy = policy("couriers (500 m)", COARSE);
        moving = labelled(open, "Van 7 · Vilnius");
        other = labelled(open, "Van 12 · Žirmūnai");
        coarse = labelled(coarsePolicy, "Courier 3");
        privateCar = labelled(open, "Director's car");
        markup = labelled(open, "Van 9");
        labelled(open, "Spare tracker");
        ApiTokens tokens = new ApiTokens(gateway.dataSource());
        adminToken = tokens.create("acme", Role.ADMIN, null, "live-admin", null).token();
        viewerToken = tokens.create("acme", Role.VIEWER, null, "live-viewer", null).token();

        now = System.currentTimeMillis();
        long earlier = now - 30 * ConsoleDrives.MINUTE;
        drive(moving, ConsoleDrives.tripFrom(earlier, MOVING_LATITUDE, MOVING_LONGITUDE, 0));
        drive(other, ConsoleDrives.tripFrom(earlier, OTHER_LATITUDE, OTHER_LONGITUDE, 0));
        drive(coarse, ConsoleDrives.tripFrom(earlier, COARSE_LATITUDE, COARSE_LONGITUDE, 0));
        drive(privateCar, ConsoleDrives.privateTrip(earlier));
        drive(markup, ConsoleDrives.tripFrom(earlier, MARKUP_LATITUDE, MARKUP_LONGITUDE, 0));
    }

    @Test
    void theLiveMapMovesAPinWithoutReloadAndNeverPlacesThePrivateCar() throws Exception {
        browser.assumeReady();
        // A minute after the first trip's stop, from where it parked: the device's record goes on without a gap.
        long movedStart = now - 30 * ConsoleDrives.MINUTE + (ConsoleDrives.RECORDS_PER_TRIP + 1) * ConsoleDrives.MINUTE;
        long markupStart = movedStart;
        JsonNode result = browser.run("console-live.mjs", Map.ofEntries(
                Map.entry("baseUrl", "http://127.0.0.1:" + gateway.httpPort()),
                Map.entry("devicePort", gateway.devicePort()),
                Map.entry("adminToken", adminToken),
                Map.entry("viewerToken", viewerToken),
                Map.entry("moving", frame(moving, ConsoleDrives.tripFrom(movedStart, MOVED_LATITUDE,
                        MOVED_LONGITUDE, 0), movedStart)),
                Map.entry("markup", Map.of("label", "<b>Van 9</b> spare", "imei", Long.toString(markup),
                        "handshake", handshake(markup),
                        "frame", hex(DeviceClient.frame(ConsoleDrives.tripFrom(markupStart,
                                MARKUP_LATITUDE + ConsoleDrives.RECORDS_PER_TRIP * 20_000,
                                MARKUP_LONGITUDE + ConsoleDrives.RECORDS_PER_TRIP * 30_000, 0))),
                        "time", last(markupStart),
                        // Its second trip erased, the pin goes back to where the first one stopped.
                        "erasedFrom", Instant.ofEpochMilli(markupStart).toString(),
                        "timeLeft", last(now - 30 * ConsoleDrives.MINUTE))),
                Map.entry("otherImei", Long.toString(other)),
                Map.entry("privateImei", Long.toString(privateCar)),
                Map.entry("coarseImei", Long.toString(coarse)),
                Map.entry("privateNeedles", ConsoleDrives.privateNeedles()),
                Map.entry("rawCoarseNeedles", ConsoleDrives.needlesOf(COARSE_LATITUDE, COARSE_LONGITUDE)),
                Map.entry("movedNeedles", ConsoleDrives.needlesOf(MOVED_LATITUDE, MOVED_LONGITUDE).subList(
                        2 * ConsoleDrives.RECORDS_PER_TRIP, 2 * ConsoleDrives.RECORDS_PER_TRIP + 2)),
                Map.entry("searchText", "žirm"),
                Map.entry("outDir", browser.dir().toString())));
        assertFalse(result.has("failure"), () -> "the browser script failed: " + result.get("failure").asText());

        assertEquals(ConsoleDrives.RECORDS_PER_TRIP + 1, result.get("movingAck").asInt());
        assertTrue(Instant.parse(result.get("movingTimeBefore").asText()).isBefore(Instant.parse(last(movedStart))),
                "the pin first stood at the older position: " + result);
        assertTrue(result.get("movingRow").asText().contains("online"), result.toString());
        assertEquals("live", result.get("liveStatus").asText());
        assertEquals(0, result.get("privatePins").asInt(), "the private car is not on the map");
        assertEquals(0, result.get("viewerPrivatePins").asInt(), "not for the viewer either");
        assertTrue(result.get("privateRow").asText().contains("private"), result.get("privateRow").asText());
        assertEquals(4, result.get("pinsBefore").asInt(), "the located vans, not the private car nor the spare");

        assertEquals(List.of(), JSON.convertValue(result.get("privateLeaks"), List.class),
                "no coordinate of the private car in any page or live byte (" + result.get("liveBytes") + ")");
        assertEquals(List.of(), JSON.convertValue(result.get("rawCoarseLeaks"), List.class),
                "the coarsened van only ever at its cell");
        assertFalse(result.get("movedFound").isEmpty(), "the leak check sees coordinates at all: " + result);
        for (JsonNode event : result.get("viewerLiveEvents")) {
            if (event.get("imei").asText().equals(Long.toString(privateCar))) {
                assertFalse(event.toString().contains("latitude"), "a private position has no point: " + event);
            }
        }

        assertEquals(1, result.get("searchRows").size(), result.toString());
        assertTrue(result.get("searchRows").get(0).asText().contains("Van 12 · Žirmūnai"), result.toString());
        assertEquals(List.of(Long.toString(privateCar)), JSON.convertValue(result.get("privateFilterRows"), List.class));
        assertTrue(result.get("trackTitle").asText().startsWith("Track of "), result.toString());
        assertFalse(result.get("openedImei").isNull(), "the arrow key moved the focus along the list");

        assertEquals(200, result.get("markupPatchStatus").asInt());
        assertTrue(result.get("markupPinText").asText().contains("<b>Van 9</b> spare"),
                "the label shows as text, markup and all: " + result.get("markupPinText"));
        assertEquals(0, result.get("markupElements").asInt(), "the label's markup is not parsed");
        assertEquals(200, result.get("markupEraseStatus").asInt());
        assertEquals(last(now - 30 * ConsoleDrives.MINUTE), result.get("markupTimeAfterErasure").asText(),
                "the erased position left the open page, the one before it stands");
        assertEquals(204, result.get("otherDeleteStatus").asInt());
        assertEquals(0, result.get("otherPinsAfterDelete").asInt(), "a device deleted elsewhere leaves the open map");
        assertEquals(0, result.get("otherRowsAfterDelete").asInt(), "and the list");
        assertEquals(List.of(), JSON.convertValue(result.get("consoleErrors"), List.class), "no script errors");
        for (JsonNode screenshot : result.get("screenshots")) {
            assertTrue(Files.size(Path.of(screenshot.asText())) > 10_000, "screenshot taken: " + screenshot);
        }
        System.out.println("live map: acknowledgement to moved pin " + result.get("ackToPinMillis") + " ms");
    }

    private long labelled(long policy, String label) throws Exception {
        long imei = device(policy);
        execute("UPDATE devices SET label = '" + label.replace("'", "''") + "' WHERE imei = " + imei);
        return imei;
    }

    private void drive(long imei, AvlBatch trip) throws Exception {
        try (DeviceClient device = connectAccepted(imei)) {
            device.sendFrame(trip);
            assertEquals(ConsoleDrives.RECORDS_PER_TRIP + 1, device.readAck(), "trip of " + imei + " stored");
        }
    }

    private static Map<String, Object> frame(long imei, AvlBatch trip, long start) {
        return Map.of("imei", Long.toString(imei), "handshake", handshake(imei), "frame", hex(DeviceClient.frame(trip)),
                "records", ConsoleDrives.RECORDS_PER_TRIP + 1, "time", last(start));
    }

    /** The device time of a trip's last record (its stop), as the API writes it. */
    private static String last(long start) {
        return Instant.ofEpochMilli(start + ConsoleDrives.RECORDS_PER_TRIP * ConsoleDrives.MINUTE).toString();
    }

    private static String handshake(long imei) {
        ByteBuf buf = Unpooled.buffer();
        AvlEncoder.encodeHandshake(imei, buf);
        return hex(ByteBufUtil.getBytes(buf));
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
