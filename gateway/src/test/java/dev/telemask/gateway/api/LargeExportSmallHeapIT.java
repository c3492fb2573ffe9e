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
 * A device's whole history streams: the export of {@value #ROWS} positions runs in a JVM whose heap is far smaller
 * than those rows would take in memory (the build runs this class alone with {@code -Xmx128m}). Reading them all
 * into a result set, or building the document before sending it, fails with OutOfMemoryError.
 */
class LargeExportSmallHeapIT {
    static final int ROWS = 600_000;
    /** What the rows would take in memory at once: roughly 500 bytes each as driver tuples, more as JSON. */
    static final long LOADED_BYTES = ROWS * 500L;

    @Test
    void exportingMoreRowsThanTheHeapHoldsStreamsThemAll() throws Exception {
        assertTrue(Runtime.getRuntime().maxMemory() < LOADED_BYTES / 2,
                "this test proves streaming only with a heap smaller than the data; max heap is "
                        + Runtime.getRuntime().maxMemory());
        try (ApiTestServer server = ApiTestServer.start(Clock.systemUTC())) {
            long imei = 356_307_042_441_999L;
            server.device("big", imei);
            server.execute("INSERT INTO positions (imei, device_time, receive_time, priority, longitude, latitude,"
                    + " altitude, angle, satellites, speed, event_io, io, treatment)"
                    + " SELECT " + imei + ", t, t, 0, 134000000 + i, 525000000 + i, 100, 90, 9, 50, 0,"
                    + " '\\x00ef0101'::bytea, 0 FROM generate_series(0, " + (ROWS - 1) + ") i,"
                    + " LATERAL (SELECT TIMESTAMPTZ '2025-06-01T00:00:00Z' + i * INTERVAL '30 seconds' AS t) x");
            String token = server.token("big", Role.ADMIN, null);

            HttpRequest request = HttpRequest.newBuilder(server.uri("/api/v1/devices/" + imei + "/export"))
                    .header("Authorization", "Bearer " + token).build();
            HttpResponse<InputStream> response = server.client().send(request,
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            long positions = 0;
            try (InputStream body = response.body();
                 JsonParser parser = ApiRequest.JSON.getFactory().createParser(body)) {
                // Counts the objects of the "positions" array without keeping them.
                int depth = 0;
                boolean inPositions = false;
                for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                    if (t == JsonToken.FIELD_NAME && depth == 1) {
                        inPositions = parser.currentName().equals("positions");
                    }
                    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                        if (inPositions && depth == 2 && t == JsonToken.START_OBJECT) {
                            positions++;
                        }
                        depth++;
                    } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                        depth--;
                    }
                }
            }
            assertEquals(ROWS, positions);
            assertEquals(ROWS, server.queryLong("SELECT (details->>'rows')::bigint FROM audit_log"
                    + " WHERE action = 'export'"));
        }
    }
}
