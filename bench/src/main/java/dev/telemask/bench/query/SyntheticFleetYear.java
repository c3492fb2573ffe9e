package dev.telemask.bench.query;

import dev.telemask.privacy.Treatment;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * A year of positions for a fleet: every device logs one record every {@code interval}, each device offset by a
 * few seconds so the fleet does not log in lockstep, driving a slow deterministic loop around its home point.
 */
record SyntheticFleetYear(int devices, Duration interval) {
    static final long FIRST_IMEI = 350_000_000_000_000L;
    static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    static final int DAYS = 365;
    static final String COLUMNS = "imei, device_time, receive_time, priority, longitude, latitude, altitude, angle,"
            + " satellites, speed, event_io, io, treatment";
    private static final int FIELDS = 13;
    private static final long DAY_MILLIS = Duration.ofDays(1).toMillis();
    // What a Teltonika record typically keeps: ignition, movement (u8), external voltage (u16), odometer (u32),
    // GSM signal (u8), in the stored IO format (id u16, width u8, big-endian value).
    private static final byte[] IO = {0, (byte) 239, 1, 1, 0, (byte) 240, 1, 1, 0, 66, 2, 0x32, 0x00,
            0, 16, 4, 0, 0x0F, 0x42, 0x40, 0, 21, 1, 4};

    long imei(int device) {
        return FIRST_IMEI + device;
    }

    int recordsPerDevicePerDay() {
        return (int) (DAY_MILLIS / interval.toMillis());
    }

    long rowsPerDay() {
        return (long) devices * recordsPerDevicePerDay();
    }

    Instant day(int index) {
        return START.plus(Duration.ofDays(index));
    }

    /** Writes day {@code index}'s rows in time order, as a live fleet would deliver them; returns how many. */
    long writeDay(int index, BinaryCopyWriter out) throws SQLException {
        long dayStart = day(index).toEpochMilli();
        long step = interval.toMillis();
        int perDevice = recordsPerDevicePerDay();
        for (int k = 0; k < perDevice; k++) {
            for (int d = 0; d < devices; d++) {
                long offset = (d * 7_919L) % step;
                long time = dayStart + k * step + offset;
                long tick = (long) index * perDevice + k;
                out.row(FIELDS);
                out.int8(imei(d));
                out.timestamp(time);
                out.timestamp(time + 1_500);
                out.int2(0);
                out.int4(100_000_000 + d * 10_000 + (int) (tick % 2_000) * 50); // longitude, 1e-7 degrees
                out.int4(520_000_000 + d * 10_000 + (int) (tick % 1_000) * 80); // latitude
                out.int2(40 + d % 200);
                out.int2((int) (tick * 13 % 360));
                out.int2(9);
                out.int4((int) (tick % 90));
                out.int4(0);
                out.bytea(IO);
                out.int2(Treatment.EXACT.code());
            }
        }
        return rowsPerDay();
    }
}
