package dev.telemask.gateway.api;

import java.io.ByteArrayOutputStream;
import java.time.Instant;

/**
 * Puts a track into {@code positions} the way the writer stores the privacy engine's output: business records with
 * (possibly coarsened) coordinates, private records with NULL location and only ignition, movement and odometer.
 */
final class StoredTrack {
    static final int EXACT = 0;
    static final int PRIVATE = 2;

    private final ApiTestServer server;
    private final long imei;
    private Instant time;
    private long odometer = 10_000;

    StoredTrack(ApiTestServer server, long imei, Instant start) {
        this.server = server;
        this.imei = imei;
        this.time = start;
    }

    /** One record a minute after the previous; {@code latE7} null for a private record. */
    StoredTrack record(boolean ignitionOn, Integer latE7, Integer lonE7, int treatment) {
        odometer += ignitionOn ? 500 : 0;
        boolean masked = latE7 == null;
        String io = "'\\x" + hex(ignitionOn ? 1 : 0, ignitionOn ? 1 : 0, odometer) + "'::bytea";
        server.execute("INSERT INTO positions (imei, device_time, receive_time, priority, longitude, latitude,"
                + " altitude, angle, satellites, speed, event_io, io, treatment) VALUES (" + imei + ", '" + time
                + "', '" + time + "', 0, " + lonE7 + ", " + latE7 + ", " + (masked ? "NULL, NULL, NULL, NULL"
                : "120, 90, 9, 55") + ", 0, " + io + ", " + treatment + ")");
        time = time.plusSeconds(60);
        return this;
    }

    /** A business trip: parked, three moving records, parked. */
    StoredTrack businessTrip(int latE7) {
        return record(false, latE7, 13_4000000, EXACT)
                .record(true, latE7 + 10_000, 13_4000000, EXACT)
                .record(true, latE7 + 20_000, 13_4000000, EXACT)
                .record(false, latE7 + 30_000, 13_4000000, EXACT);
    }

    /** A private trip, stored as the engine masks it: no location at all. */
    StoredTrack privateTrip() {
        return record(true, null, null, PRIVATE).record(true, null, null, PRIVATE).record(false, null, null, PRIVATE);
    }

    Instant now() {
        return time;
    }

    private static String hex(int ignition, int movement, long odometer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        element(out, 239, 1, ignition);
        element(out, 240, 1, movement);
        element(out, 16, 4, odometer);
        StringBuilder hex = new StringBuilder();
        for (byte b : out.toByteArray()) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }

    private static void element(ByteArrayOutputStream out, int id, int width, long value) {
        out.write(id >>> 8);
        out.write(id);
        out.write(width);
        for (int b = width - 1; b >= 0; b--) {
            out.write((int) (value >>> (8 * b)));
        }
    }
}
