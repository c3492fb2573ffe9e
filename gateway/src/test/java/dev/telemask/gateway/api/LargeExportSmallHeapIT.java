package dev.telemask.gateway.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A device's whole history streams: the export of {@value #ROWS} positions, or of {@value #COMMANDS} answered
 * commands, runs in a JVM whose heap is far smaller than those rows would take in memory (the build runs this class
 * alone with {@code -Xmx128m}). Reading them all into a result set or a list, or building the document before sending
 * it, fails with OutOfMemoryError, and with it the gateway that serves the devices.
 */
class LargeExportSmallHeapIT {
    static final int ROWS = 600_000;
    /** What the rows would take in memory at once: roughly 500 bytes each as driver tuples, more as JSON. */
    static final long LOADED_BYTES = ROWS * 500L;
    static final int COMMANDS = 200_000;
    static final int ANSWER_CHARS = 1_000;

    @Test
    void exportingMoreRowsThanTheHeapHoldsStreamsThemAll() throws Exception {
        assertHeapBelow(LOADED_BYTES / 2);
        try (ApiTestServer server = ApiTestServer.start(Clock.systemUTC())) {
            long imei = 356_307_042_441_999L;
            server.device("big", imei);
            server.execute("INSERT INTO positions (imei, device_time, receive_time, priority, longitude, latitude,"
                    + " altitude, angle, satellites, speed, event_io, io, treatment)"
                    + " SELECT " + imei + ", t, t, 0, 134000000 + i, 525000000 + i, 100, 90, 9, 50, 0,"
                    + " '\\x00ef0101'::bytea, 0 FROM generate_series(0, " + (ROWS - 1) + ") i,"
                    + " LATERAL (SELECT TIMESTAMPTZ '2025-06-01T00:00:00Z' + i * INTERVAL '30 seconds' AS t) x");

            assertEquals(ROWS, exported(server, "big", imei, "positions"));
            assertEquals(ROWS, server.queryLong("SELECT (details->>'rows')::bigint FROM audit_log"
                    + " WHERE action = 'export'"));
        }
    }

    /** A year of a command every few minutes, each answer a kilobyte: the commands stream like the positions. */
    @Test
    void exportingMoreCommandsThanTheHeapHoldsStreamsThemAll() throws Exception {
        assertHeapBelow((long) COMMANDS * ANSWER_CHARS);
        try (ApiTestServer server = ApiTestServer.start(Clock.systemUTC())) {
            long imei = 356_307_042_441_998L;
            server.device("commands", imei);
            server.execute("INSERT INTO device_commands (tenant_id, imei, text, reveals_location, state, created_at,"
                    + " created_by, expires_at, sent_at, answered_at, answer, answer_treatment)"
                    + " SELECT " + server.tenant("commands") + ", " + imei + ", 'getinfo', false, 'answered', t,"
                    + " 'token:1', t, t, t, repeat(chr(65 + i % 26), " + ANSWER_CHARS + "), 'exact'"
                    + " FROM generate_series(0, " + (COMMANDS - 1) + ") i,"
                    + " LATERAL (SELECT TIMESTAMPTZ '2025-06-01T00:00:00Z' + i * INTERVAL '150 seconds' AS t) x");

            assertEquals(COMMANDS, exported(server, "commands", imei, "commands"));
        }
    }

    private static void assertHeapBelow(long bytes) {
        assertTrue(Runtime.getRuntime().maxMemory() < bytes,
                "this test proves streaming only with a heap smaller than the data; max heap is "
                        + Runtime.getRuntime().maxMemory());
    }

    /** Exports the device and counts the objects of the export's array {@code field} without keeping them. */
    private static long exported(ApiTestServer server, String tenant, long imei, String field) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.uri("/api/v1/devices/" + imei + "/export"))
                .header("Authorization", "Bearer " + server.token(tenant, Role.ADMIN, null)).build();
        HttpResponse<InputStream> response = server.client().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        long objects = 0;
        try (InputStream body = response.body();
             JsonParser parser = ApiRequest.JSON.getFactory().createParser(body)) {
            int depth = 0;
            boolean inField = false;
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                if (t == JsonToken.FIELD_NAME && depth == 1) {
                    inField = parser.currentName().equals(field);
                }
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    if (inField && depth == 2 && t == JsonToken.START_OBJECT) {
                        objects++;
                    }
                    depth++;
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    depth--;
                }
            }
        }
        return objects;
    }
}
