package dev.telemask.privacy;

import dev.telemask.codec.AvlBatch;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * Builds synthetic drives for the tests: records at local times in one zone, with ignition, movement, odometer and
 * the location-revealing elements a real FMB device sends (cell ID, area code, operator, a Wi-Fi scan blob).
 */
final class Drive {
    static final int CELL_ID = 205;
    static final int OPERATOR = 241;
    static final int WIFI_SCAN_NX = 1640;
    static final int EXTERNAL_VOLTAGE = 66;
    static final int OBD_SPEED = 37;
    static final int CAN_SPEED = 81;
    static final int OVER_SPEEDING = 255;
    /** FMB140's speed measured on an analogue input. */
    static final int AIN_SPEED = 329;
    /** Engine RPM over OBD (36) and CAN (85): in a known gear, the speed. */
    static final int OBD_RPM = 36;
    static final int CAN_RPM = 85;
    static final int TACHO_TOTAL_DISTANCE = 10151;
    /** Accelerometer axes, signed mG. */
    static final int AXIS_X = 17;
    static final int AXIS_Y = 18;
    static final int AXIS_Z = 19;

    final AvlBatch batch = new AvlBatch();
    private final ZoneId zone;
    private long odometer = 1_000_000;

    Drive(ZoneId zone) {
        this.zone = zone;
    }

    static Drive in(String zone) {
        return new Drive(ZoneId.of(zone));
    }

    static long millis(String localDateTime, ZoneId zone) {
        return LocalDateTime.parse(localDateTime).atZone(zone).toInstant().toEpochMilli();
    }

    /** A record with a fix at {@code (lat, lon)}, local time {@code "2025-06-02T18:55"}. */
    Drive fix(String localTime, double lat, double lon, int ignition, int movement) {
        return record(millis(localTime, zone), lat, lon, 9, ignition, movement, -1);
    }

    /** A record without a fix: satellites 0, the device repeating the last known position. */
    Drive noFix(String localTime, double lastLat, double lastLon, int ignition, int movement) {
        return record(millis(localTime, zone), lastLat, lastLon, 0, ignition, movement, -1);
    }

    /** A record with the device's private-mode element (391) set to {@code privateMode}. */
    Drive fixWithPrivateMode(String localTime, double lat, double lon, int ignition, int movement, int privateMode) {
        return record(millis(localTime, zone), lat, lon, 9, ignition, movement, privateMode);
    }

    Drive record(long time, double lat, double lon, int satellites, int ignition, int movement, int privateMode) {
        odometer += 500;
        batch.addRecord(time, 1, e7(lon), e7(lat), 120, 90, satellites, satellites > 0 ? 50 : 0, 0,
                AvlBatch.NO_GENERATION);
        batch.addIo(TeltonikaIo.IGNITION, 1, ignition);
        batch.addIo(TeltonikaIo.MOVEMENT, 1, movement);
        if (privateMode >= 0) {
            batch.addIo(Policy.DEFAULT_PRIVATE_MODE_IO, 1, privateMode);
        }
        batch.addIo(EXTERNAL_VOLTAGE, 2, 12_800);
        batch.addIo(CELL_ID, 2, 31_337);
        batch.addIo(206, 2, 4_242);
        batch.addIo(OPERATOR, 4, 26_201);
        batch.addIo(78, 8, 0x0123_4567_89AB_CDEFL);
        batch.addIo(TeltonikaIo.TOTAL_ODOMETER, 4, odometer);
        batch.addNx(WIFI_SCAN_NX, new byte[] {1, 2, 3, 4, 5, 6, -60}, 0, 7);
        return this;
    }

    static int e7(double degrees) {
        return (int) Math.round(degrees * 1e7);
    }
}
