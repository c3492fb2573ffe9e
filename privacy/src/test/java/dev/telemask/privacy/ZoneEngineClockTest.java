package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Timing attacks on a privacy zone through the engine's own clocks. The hidden records are not stored, so no stored
 * time says when the vehicle left home; but an engine reports how long it has run. A reader of the first visible
 * record after the night at home who can tell how many seconds the engine has run since it started there, times the
 * speed the track shows, has the way from home: a circle around the first visible point, and mornings out along
 * different roads intersect at home. A counter of engine minutes read before and after the night is the way in plus
 * the way out without the stop, which is the one unknown that keeps the durations of hidden stretches from doing the
 * same (docs/POLICY.md, "Privacy zones").
 */
class ZoneEngineClockTest {
    /** OBD's minutes run with the MIL on (PID 0x4D) and since the trouble codes were cleared (PID 0x4E). */
    static final int[] ENGINE_MINUTES = {54, 55};
    static final int OBD_COOLANT = 32;
    static final int OBD_OIL = 58;
    static final int CAN_COOLANT = 115;
    static final double AMBIENT = 10;
    static final double THERMOSTAT = 90;
    /** How fast a cold engine warms up: the coolant closes 1/e of the way to the thermostat's in this many seconds. */
    static final double COOLANT_SECONDS = 240;
    static final double OIL_SECONDS = 600;

    /**
     * The engine's clocks over {@code drive}: the two OBD minute counters, counted up while the ignition is on, and
     * the coolant and oil temperatures, warming from the ambient temperature after a start that follows a night off
     * (a stop of minutes leaves them warm).
     */
    static AvlBatch withEngineClocks(AvlBatch drive) {
        AvlBatch out = new AvlBatch();
        long engineSeconds = 3_600 * 1_000;
        double sinceColdStart = 0;
        long offSeconds = 0;
        for (int r = 0; r < drive.size(); r++) {
            boolean on = drive.ioValue(drive.findIo(r, TeltonikaIo.IGNITION)) == 1;
            boolean wasOn = r > 0 && drive.ioValue(drive.findIo(r - 1, TeltonikaIo.IGNITION)) == 1;
            long seconds = r == 0 ? 0 : (drive.timestamp(r) - drive.timestamp(r - 1)) / 1000;
            engineSeconds += wasOn ? seconds : 0;
            offSeconds = wasOn ? 0 : offSeconds + seconds;
            if (on && wasOn) {
                sinceColdStart += seconds;
            } else if (on && offSeconds > 3_600) {
                sinceColdStart = 0;
            }
            double coolant = warmed(sinceColdStart, COOLANT_SECONDS);
            out.appendRecord(drive, r);
            out.addIo(54, 2, engineSeconds / 60);
            out.addIo(55, 2, engineSeconds / 60);
            out.addIo(OBD_COOLANT, 1, Math.round(coolant));
            out.addIo(OBD_OIL, 2, Math.round(warmed(sinceColdStart, OIL_SECONDS)));
            out.addIo(CAN_COOLANT, 2, Math.round(coolant * 10));
        }
        return out;
    }

    /** ZoneMileageTest's day and night with the engine's clocks, through the engine under its zone policy. */
    private static AvlBatch dayAndNightWithEngineClocks(Treatments out) {
        return Ledgers.feed(new DeviceLedger(), ZoneMileageTest.POLICY, Consent.ALL, false,
                withEngineClocks(new ZoneMileageTest().dayAndNight()), out);
    }

    static double warmed(double seconds, double timeConstant) {
        return THERMOSTAT - (THERMOSTAT - AMBIENT) * Math.exp(-seconds / timeConstant);
    }

    /** What a reader inverts: the seconds a cold engine has run to reach {@code celsius}. */
    static double secondsToWarm(double celsius, double timeConstant) {
        return -timeConstant * Math.log((THERMOSTAT - celsius) / (THERMOSTAT - AMBIENT));
    }

    @Test
    void theCoolantTemperatureDoesNotTimeTheWayFromHome() {
        Treatments out = new Treatments();
        AvlBatch stored = dayAndNightWithEngineClocks(out);
        List<Integer> exact = ZoneMileageTest.exactRecords(out);
        int first = exact.get(ZoneMileageTest.firstAfterHome(stored, exact));
        int next = exact.get(ZoneMileageTest.firstAfterHome(stored, exact) + 1);
        // The speed the track shows: the way between the first two visible points over the time between them.
        double metresPerSecond = Haversine.metres(stored.latitude(first) / 1e7, stored.longitude(first) / 1e7,
                stored.latitude(next) / 1e7, stored.longitude(next) / 1e7)
                / ((stored.timestamp(next) - stored.timestamp(first)) / 1000.0);
        double fromHome = Haversine.metres(ZoneMileageTest.HOME_LAT, ZoneMileageTest.HOME_LON,
                stored.latitude(first) / 1e7, stored.longitude(first) / 1e7);
        for (int id : new int[] {OBD_COOLANT, CAN_COOLANT, OBD_OIL}) {
            int element = stored.findIo(first, id);
            assertTrue(element < 0, () -> {
                double celsius = stored.ioValue(element) / (id == CAN_COOLANT ? 10.0 : 1.0);
                double seconds = secondsToWarm(celsius, id == OBD_OIL ? OIL_SECONDS : COOLANT_SECONDS);
                return "IO " + id + " at the first visible point after home: " + celsius + " °C, the engine ran "
                        + Math.round(seconds) + " s, " + Math.round(seconds * metresPerSecond)
                        + " m at the speed shown; the point lies " + Math.round(fromHome) + " m from home";
            });
        }
    }

    @Test
    void theEngineMinuteCountersDoNotTimeTheWayHomeAndBack() {
        Treatments out = new Treatments();
        AvlBatch stored = dayAndNightWithEngineClocks(out);
        List<Integer> exact = ZoneMileageTest.exactRecords(out);
        int firstOut = ZoneMileageTest.firstAfterHome(stored, exact);
        for (int id : ENGINE_MINUTES) {
            int lastIn = stored.findIo(exact.get(firstOut - 1), id);
            int afterHome = stored.findIo(exact.get(firstOut), id);
            // Counted only while the engine runs, the jump is the way in and out, timed without the night between.
            assertTrue(afterHome < 0 || lastIn >= 0 && stored.ioValue(afterHome) == stored.ioValue(lastIn),
                    () -> "IO " + id + " across the night at home: " + (lastIn < 0 ? "-" : stored.ioValue(lastIn))
                            + " min, then " + stored.ioValue(afterHome) + " min");
        }
    }
}
