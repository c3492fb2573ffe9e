package dev.telemask.gateway.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import dev.telemask.simulator.DeviceClient;
import dev.telemask.gateway.GatewayTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A vehicle's day as a device reports it, under a policy with a privacy zone around the driver's home: parked at
 * home, a trip in private mode (the button released half-way), parked elsewhere, a business trip back home. What
 * reaches the database locates nothing at home and nothing of the private trip: no coordinates, no speed, no cell,
 * area or operator, no Wi-Fi/BLE scan (variable-length elements); the business trip away from home stays exact.
 */
abstract class PrivacyEndToEnd extends GatewayTestBase.ForOtherPackages {
    private static final double HOME_LATITUDE = 54.7000;
    private static final double HOME_LONGITUDE = 25.2500;
    /** About 200 m east at the home's latitude. */
    private static final double STEP_DEGREES = 0.0031;
    private static final double STEP_DEGREES_METRES = 200;
    private static final int ZONE_RADIUS_METRES = 300;
    private static final Set<Integer> LOCATING_IO = Set.of(205, 206, 241);
    private static final int WIFI_SCAN = 10_828;
    private static final int TRIP_RECORDS = 30;

    /** Where each record of the day was and what it was part of, in time order. */
    private enum Part { HOME, PRIVATE_TRIP, AWAY, BUSINESS_TRIP }

    private record Point(Part part, double longitude, boolean atHome) {
    }

    @Test
    void aPrivateTripAndTheHomeZoneLeaveNothingThatLocates() throws Exception {
        long policy = policy("home-zone", "{\"version\": 1, \"consent\": {\"location\": true, \"driverIdentity\": true,"
                + " \"telemetry\": true}, \"zones\": [{\"name\": \"home\", \"latitude\": " + HOME_LATITUDE
                + ", \"longitude\": " + HOME_LONGITUDE + ", \"radiusMetres\": " + ZONE_RADIUS_METRES + "}]}");
        long imei = device(policy);
        List<Point> day = day();
        try (DeviceClient device = connectAccepted(imei)) {
            for (int from = 0; from < day.size(); from += 5) {
                AvlBatch frame = records(day, from, Math.min(day.size(), from + 5));
                device.sendFrame(frame);
                assertEquals(frame.size(), device.readAck());
            }
        }
        java.util.Map<Long, Integer> byTime = new java.util.HashMap<>();
        long time = T0;
        for (int r = 0; r < day.size(); r++) {
            Part part = day.get(r).part();
            time += part == Part.PRIVATE_TRIP || part == Part.BUSINESS_TRIP ? 30_000 : 300_000;
            byTime.put(time, r);
        }
        List<StoredRow> rows = rows(imei);
        int privateTripRows = 0;
        int farBusinessExact = 0;
        for (StoredRow row : rows) {
            int r = byTime.get(row.deviceTimeMillis());
            Point point = day.get(r);
            String where = "record " + r + " (" + point.part() + ")";
            boolean hidden = point.atHome() || point.part() == Part.PRIVATE_TRIP;
            if (hidden) {
                // Records in the zone's hidden region are not stored at all; what is stored of them is private.
                assertEquals(2, row.treatment(), where + ": private");
                assertNull(row.longitude(), where);
                assertNull(row.latitude(), where);
                assertNull(row.speed(), where);
                assertTrue(row.io().stream().noneMatch(LOCATING_IO::contains), where + ": no cell, area or operator");
                assertFalse(row.io().contains(WIFI_SCAN), where + ": no Wi-Fi scan");
                assertTrue(row.io().contains(16), where + ": the odometer stays for the mileage log");
            }
            if (point.part() == Part.PRIVATE_TRIP) {
                privateTripRows++;
                // Its time and odometer at home would measure the way to where business resumes.
                double fromHome = Math.abs(point.longitude() - HOME_LONGITUDE) * STEP_DEGREES_METRES / STEP_DEGREES;
                assertTrue(fromHome > ZONE_RADIUS_METRES, where + ": a private record in the zone is not stored, "
                        + fromHome + " m from home");
            }
            if (row.longitude() != null) {
                double metres = Math.abs(row.longitude() / 1e7 - HOME_LONGITUDE) * STEP_DEGREES_METRES / STEP_DEGREES;
                assertTrue(metres > ZONE_RADIUS_METRES, where + ": visible " + metres + " m from home");
            }
            if (point.part() == Part.BUSINESS_TRIP && Math.abs(point.longitude() - HOME_LONGITUDE) > 25 * STEP_DEGREES
                    && row.treatment() == 0) {
                assertNotNull(row.longitude(), where);
                assertTrue(row.io().contains(WIFI_SCAN), where + ": kept where nothing is hidden");
                farBusinessExact++;
            }
        }
        assertTrue(privateTripRows > 0 && privateTripRows < TRIP_RECORDS,
                "the private trip past the zone is stored for the mileage log, private: " + privateTripRows);
        assertTrue(farBusinessExact > 0, "a business trip far from home is exact");
    }

    private static List<Point> day() {
        List<Point> day = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            day.add(new Point(Part.HOME, HOME_LONGITUDE, true));
        }
        for (int i = 0; i < TRIP_RECORDS; i++) {
            day.add(new Point(Part.PRIVATE_TRIP, HOME_LONGITUDE + i * STEP_DEGREES, i == 0));
        }
        double away = HOME_LONGITUDE + TRIP_RECORDS * STEP_DEGREES;
        for (int i = 0; i < 3; i++) {
            day.add(new Point(Part.AWAY, away, false));
        }
        for (int i = TRIP_RECORDS; i > 0; i--) {
            day.add(new Point(Part.BUSINESS_TRIP, HOME_LONGITUDE + i * STEP_DEGREES, false));
        }
        for (int i = 0; i < 3; i++) {
            day.add(new Point(Part.HOME, HOME_LONGITUDE, true));
        }
        return day;
    }

    /**
     * Records {@code from} (inclusive) to {@code to} of the day as a Teltonika FMB device sends them: parked every
     * 5 minutes, driving every 30 seconds.
     */
    private static AvlBatch records(List<Point> day, int from, int to) {
        AvlBatch batch = new AvlBatch();
        byte[] wifiScan = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, (byte) 0xC4};
        long time = T0;
        long odometer = 1_000_000;
        for (int r = 0; r < to; r++) {
            Point point = day.get(r);
            boolean driving = point.part() == Part.PRIVATE_TRIP || point.part() == Part.BUSINESS_TRIP;
            time += driving ? 30_000 : 300_000;
            odometer += driving ? 200 : 0;
            if (r < from) {
                continue;
            }
            boolean buttonPressed = point.part() == Part.PRIVATE_TRIP && r < 3 + TRIP_RECORDS / 2;
            batch.addRecord(time, 0, (int) Math.round(point.longitude() * 1e7), (int) Math.round(HOME_LATITUDE * 1e7),
                    110, 90, 11, driving ? 50 : 0, 0, AvlBatch.NO_GENERATION);
            batch.addIo(239, 1, driving ? 1 : 0);
            batch.addIo(240, 1, driving ? 1 : 0);
            batch.addIo(391, 1, buttonPressed ? 1 : 0);
            batch.addIo(205, 2, 31_337);
            batch.addIo(206, 2, 4_242);
            batch.addIo(241, 4, 24_602);
            batch.addIo(16, 4, odometer);
            batch.addNx(WIFI_SCAN, wifiScan, 0, wifiScan.length);
        }
        return batch;
    }
}
