package dev.telemask.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import dev.telemask.codec.AvlCodecId;
import dev.telemask.codec.AvlDecoder;
import dev.telemask.codec.AvlEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The simulated routes are plausible enough for the gateway's privacy rules to have something to act on. */
class SimulatedVehicleTest {
    private static final long SEED = 7;
    private static final long START = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
    private static final int VEHICLES = 40;
    private static final int RECORDS = 3_000;

    @Test
    void routesArePlausible() {
        int privateRecords = 0;
        int ignitionOn = 0;
        int ignitionOff = 0;
        int tripsFromHome = 0;
        int nightTrips = 0;
        for (int v = 0; v < VEHICLES; v++) {
            long imei = SimulatorOptions.DEFAULT_IMEI_BASE + v;
            SimulatedVehicle vehicle = new SimulatedVehicle(SEED, imei, START);
            AvlBatch batch = new AvlBatch();
            for (int i = 0; i < RECORDS; i++) {
                vehicle.appendRecord(batch);
            }
            for (int r = 0; r < batch.size(); r++) {
                assertTrue(batch.speed(r) >= 0 && batch.speed(r) <= SimulatedVehicle.MAX_SPEED_KMH, "speed " + batch.speed(r));
                assertTrue(batch.angle(r) >= 0 && batch.angle(r) < 360);
                privateRecords += (int) io(batch, r, TeltonikaIo.PRIVATE_MODE);
                if (io(batch, r, TeltonikaIo.IGNITION) == 0) {
                    assertEquals(0, io(batch, r, TeltonikaIo.MOVEMENT), "moving with the ignition off");
                    assertEquals(0, batch.speed(r));
                }
                if (r == 0) {
                    continue;
                }
                assertTrue(batch.timestamp(r) > batch.timestamp(r - 1), "timestamps must increase");
                long driven = io(batch, r, TeltonikaIo.TOTAL_ODOMETER) - io(batch, r - 1, TeltonikaIo.TOTAL_ODOMETER);
                assertTrue(driven >= 0, "odometer went back");
                double seconds = (batch.timestamp(r) - batch.timestamp(r - 1)) / 1000.0;
                assertTrue(driven <= SimulatedVehicle.MAX_SPEED_KMH / 3.6 * seconds + 1, "drove " + driven + " m in " + seconds + " s");
                assertTrue(distance(batch, r - 1, r) <= driven + 2, "jumped further than the odometer says");
                if (batch.eventIo(r) == TeltonikaIo.IGNITION) {
                    boolean on = io(batch, r, TeltonikaIo.IGNITION) == 1;
                    assertEquals(on ? 0 : 1, io(batch, r - 1, TeltonikaIo.IGNITION), "ignition event without a change");
                    if (on) {
                        ignitionOn++;
                        assertEquals(0, io(batch, r, TeltonikaIo.TRIP_ODOMETER), "a trip starts at 0 m");
                        tripsFromHome += vehicle.home().contains(batch.latitude(r) / 1e7, batch.longitude(r) / 1e7) ? 1 : 0;
                        int hour = Instant.ofEpochMilli(batch.timestamp(r)).atZone(ZoneOffset.UTC).getHour();
                        nightTrips += hour >= 22 || hour < 5 ? 1 : 0;
                    } else {
                        ignitionOff++;
                    }
                }
            }
        }
        assertTrue(privateRecords > VEHICLES * RECORDS / 20, "private records: " + privateRecords);
        assertTrue(privateRecords < VEHICLES * RECORDS / 2, "private records: " + privateRecords);
        assertTrue(ignitionOn > VEHICLES * 5, "trips: " + ignitionOn);
        assertTrue(Math.abs(ignitionOn - ignitionOff) <= VEHICLES, "every trip that starts ends");
        assertTrue(tripsFromHome > ignitionOn / 5, "trips from home: " + tripsFromHome + " of " + ignitionOn);
        assertTrue(nightTrips > 0, "no trip at night");
    }

    @Test
    void sameSeedSameRoute() {
        AvlBatch first = new AvlBatch();
        AvlBatch second = new AvlBatch();
        SimulatedVehicle a = new SimulatedVehicle(SEED, 350_000_000_000_001L, START);
        SimulatedVehicle b = new SimulatedVehicle(SEED, 350_000_000_000_001L, START);
        for (int i = 0; i < 255; i++) {
            a.appendRecord(first);
            b.appendRecord(second);
        }
        assertEquals(encode(first), encode(second));
    }

    @Test
    void recordsSurviveTheWireWithEveryIoElement() {
        SimulatedVehicle vehicle = new SimulatedVehicle(SEED, 350_000_000_000_002L, START);
        AvlBatch sent = new AvlBatch();
        for (int i = 0; i < 255; i++) {
            vehicle.appendRecord(sent);
        }
        AvlBatch received = new AvlBatch();
        AvlDecoder.decodeTcpFrame(encode(sent), received);

        assertEquals(sent.size(), received.size());
        assertEquals(encode(sent), encode(received));
        int[] expected = {TeltonikaIo.IGNITION, TeltonikaIo.MOVEMENT, TeltonikaIo.GSM_SIGNAL, TeltonikaIo.PRIVATE_MODE,
                TeltonikaIo.EXTERNAL_VOLTAGE, TeltonikaIo.GSM_CELL_ID, TeltonikaIo.TOTAL_ODOMETER,
                TeltonikaIo.TRIP_ODOMETER, TeltonikaIo.GSM_OPERATOR, TeltonikaIo.IBUTTON};
        for (int id : expected) {
            assertTrue(received.findIo(0, id) >= 0, "IO " + id + " missing");
        }
    }

    private static ByteBuf encode(AvlBatch batch) {
        ByteBuf frame = Unpooled.buffer();
        AvlEncoder.encodeTcpFrame(batch, AvlCodecId.CODEC_8E, frame);
        return frame;
    }

    private static long io(AvlBatch batch, int r, int id) {
        return batch.ioValue(batch.findIo(r, id));
    }

    private static double distance(AvlBatch batch, int from, int to) {
        return Geo.distanceMetres(batch.latitude(from) / 1e7, batch.longitude(from) / 1e7,
                batch.latitude(to) / 1e7, batch.longitude(to) / 1e7);
    }
}
