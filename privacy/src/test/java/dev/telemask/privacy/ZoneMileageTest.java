package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the mileage around a privacy zone: a reader of business trips to and from a home zone sees where the
 * track ends before home and starts again after it; the odometers published there must not measure the way between.
 */
class ZoneMileageTest {
    static final byte[] KEY = "zone-mileage-key".getBytes(StandardCharsets.UTF_8);
    static final double HOME_LAT = 52.52;
    static final double HOME_LON = 13.40;
    static final double EAST = Math.PI / 2;
    static final PrivacyZone HOME = new PrivacyZone("home", HOME_LAT, HOME_LON, 300);
    static final CompiledPolicy POLICY = CompiledPolicy.compile(
            Policy.noOp().withZones(List.of(HOME)).withTiming(Ledgers.CONTINUOUS), KEY);

    long time = 1_750_000_000_000L;
    long odometer = 5_000_000;
    long tripOdometer;
    double lastAlong = Double.NaN;

    /** A record on the straight road leading east from home, {@code along} metres out; odometers count the road. */
    void at(AvlBatch batch, double along, int ignition) {
        if (!Double.isNaN(lastAlong)) {
            long driven = Math.round(Math.abs(along - lastAlong));
            odometer += driven;
            tripOdometer += driven;
        }
        lastAlong = along;
        double[] p = Haversine.destination(HOME_LAT, HOME_LON, EAST, along);
        batch.addRecord(time, 1, Drive.e7(p[1]), Drive.e7(p[0]), 40, 90, 9, ignition == 1 ? 50 : 0, 0,
                AvlBatch.NO_GENERATION);
        batch.addIo(TeltonikaIo.IGNITION, 1, ignition);
        batch.addIo(TeltonikaIo.MOVEMENT, 1, ignition);
        batch.addIo(TeltonikaIo.TOTAL_ODOMETER, 4, odometer);
        batch.addIo(TeltonikaIo.TRIP_ODOMETER, 4, tripOdometer);
        time += 2_000;
    }

    /** Home from 8 km out, parked overnight, out the same road the next morning (the trip odometer restarts). */
    AvlBatch dayAndNight() {
        return dayAndNight(8000);
    }

    /** The same, home from {@code from} metres out. */
    AvlBatch dayAndNight(double from) {
        AvlBatch drive = new AvlBatch();
        for (double along = from; along >= 0; along -= 25) {
            at(drive, along, 1);
        }
        for (int i = 0; i < 30; i++) {
            at(drive, 0, 0);
            time += 30 * 60_000L;
        }
        tripOdometer = 0;
        for (double along = 0; along <= 8000; along += 25) {
            at(drive, along, 1);
        }
        return drive;
    }

    /** The stored exact records' {time, total odometer, trip odometer, metres east of home}. */
    static List<long[]> visible(AvlBatch stored, Treatments out) {
        List<long[]> rows = new ArrayList<>();
        for (int r = 0; r < out.size(); r++) {
            if (out.get(r) == Treatment.EXACT) {
                double east = Haversine.metres(HOME_LAT, HOME_LON, HOME_LAT, stored.longitude(r) / 1e7);
                rows.add(new long[] {stored.timestamp(r), stored.ioValue(stored.findIo(r, TeltonikaIo.TOTAL_ODOMETER)),
                        stored.ioValue(stored.findIo(r, TeltonikaIo.TRIP_ODOMETER)), Math.round(east)});
            }
        }
        return rows;
    }

    @Test
    void theOdometersAroundAZoneHiddenStopDoNotMeasureTheWayHome() {
        Treatments out = new Treatments();
        AvlBatch stored = Ledgers.feed(new DeviceLedger(), POLICY, Consent.ALL, false, dayAndNight(), out);
        List<long[]> rows = visible(stored, out);
        int firstOut = 1;
        while (rows.get(firstOut)[0] - rows.get(firstOut - 1)[0] < 60_000) {
            firstOut++;
        }
        long[] lastIn = rows.get(firstOut - 1);
        long[] out1 = rows.get(firstOut);
        assertTrue(lastIn[3] > HOME.radiusMetres() && out1[3] > HOME.radiusMetres(), "both ends are past the zone");
        // Unshifted, the difference would be the way in plus the way out: home on the road, to the metre.
        assertEquals(lastIn[1], out1[1], "the total odometer continues across the hidden stretch");
        assertEquals(0, out1[2], "the morning's trip odometer starts at the first visible point, not at home");
        // Within the visible parts the mileage log is exact: metres driven between visible records.
        for (int i = 1; i < rows.size(); i++) {
            if (i != firstOut) {
                assertEquals(Math.abs(rows.get(i)[3] - rows.get(i - 1)[3]), rows.get(i)[1] - rows.get(i - 1)[1], 2,
                        "visible metres between records " + (i - 1) + " and " + i);
            }
        }
    }

    /**
     * Whether the morning's trip odometer was seen to restart must not depend on the hidden way: it was told by the raw
     * value at the first visible point (the way out from home) falling below the one at the last visible point of
     * the evening's trip, so evening trips of many lengths bracketed the way out to the metre.
     */
    @Test
    void theMorningsTripOdometerDoesNotTellTheWayOutAgainstTheEveningsTrip() {
        for (double from : new double[] {20_000, 6_000, 4_600, 4_300, 4_000}) {
            ZoneMileageTest night = new ZoneMileageTest();
            Treatments out = new Treatments();
            AvlBatch stored = Ledgers.feed(new DeviceLedger(), POLICY, Consent.ALL, false, night.dayAndNight(from),
                    out);
            List<long[]> rows = visible(stored, out);
            int firstOut = 1;
            while (rows.get(firstOut)[0] - rows.get(firstOut - 1)[0] < 60_000) {
                firstOut++;
            }
            assertEquals(0, rows.get(firstOut)[2], "home from " + from + " m: the morning's trip odometer at the"
                    + " first visible point");
        }
    }

    /**
     * Distances the engine keeps no offsets for, counted up like an odometer, as a device with an OBD adapter sends
     * them: Fuel Used GPS (12, the fuel it reckons from the GNSS distance at its configured consumption, here 8 l/100
     * km, 0.08 ml a metre), OBD's distance with the MIL on (43) and since the codes were cleared (49), and the
     * vehicle's own total mileage over OBD (389), in km.
     */
    static AvlBatch withOtherDistances(AvlBatch drive) {
        AvlBatch out = new AvlBatch();
        for (int r = 0; r < drive.size(); r++) {
            out.appendRecord(drive, r);
            long metres = drive.ioValue(drive.findIo(r, TeltonikaIo.TOTAL_ODOMETER));
            out.addIo(12, 4, metres * 8 / 100);
            out.addIo(43, 2, metres / 1000);
            out.addIo(49, 2, metres / 1000);
            out.addIo(389, 4, metres / 1000);
        }
        return out;
    }

    static final int[] OTHER_DISTANCES = {12, 43, 49, 389};

    /**
     * The fuel the engine burnt, as the CAN adapter counts it up: Fuel Consumed (83, 0.1 l) and Fuel Consumed counted
     * (107, l), here at 8 l/100 km. Coarse (a tenth of a litre is about 1.25 km), but its jump across a hidden stretch
     * is the way home at that consumption, and many nights average the rounding away.
     */
    static AvlBatch withFuelConsumed(AvlBatch drive) {
        AvlBatch out = new AvlBatch();
        for (int r = 0; r < drive.size(); r++) {
            out.appendRecord(drive, r);
            long metres = drive.ioValue(drive.findIo(r, TeltonikaIo.TOTAL_ODOMETER));
            out.addIo(83, 4, metres * 8 / 10_000);
            out.addIo(107, 4, metres * 8 / 100_000);
        }
        return out;
    }

    /** The exact records' indexes. */
    static List<Integer> exactRecords(Treatments out) {
        List<Integer> exact = new ArrayList<>();
        for (int r = 0; r < out.size(); r++) {
            if (out.get(r) == Treatment.EXACT) {
                exact.add(r);
            }
        }
        return exact;
    }

    /** Which of {@code exact} is the first visible record after the night at home: the first after a long gap. */
    static int firstAfterHome(AvlBatch stored, List<Integer> exact) {
        int firstOut = 1;
        while (stored.timestamp(exact.get(firstOut)) - stored.timestamp(exact.get(firstOut - 1)) < 60_000) {
            firstOut++;
        }
        return firstOut;
    }

    @Test
    void distancesTheEngineCannotShiftDoNotMeasureTheWayHome() {
        assertNoJumpAcrossTheNightAtHome(withOtherDistances(dayAndNight()), OTHER_DISTANCES);
    }

    @Test
    void theFuelConsumedCountersDoNotMeasureTheWayHome() {
        assertNoJumpAcrossTheNightAtHome(withFuelConsumed(dayAndNight()), new int[] {83, 107});
    }

    /**
     * Distances from the tachograph, the CAN adapter and other families, counted from the odometer: the tachograph's
     * total and trip distance through the CAN adapter (133, 134, m), the FM63xx total odometer (216, m), LV-CAN total
     * mileage (36, m) and tachograph odometer (192, m), and two countdowns in km, the distance until service (402)
     * and the remaining range (866).
     */
    static AvlBatch withTachographAndServiceDistances(AvlBatch drive) {
        AvlBatch out = new AvlBatch();
        for (int r = 0; r < drive.size(); r++) {
            out.appendRecord(drive, r);
            long metres = drive.ioValue(drive.findIo(r, TeltonikaIo.TOTAL_ODOMETER));
            for (int id : new int[] {133, 134, 216, 36, 192}) {
                out.addIo(id, 4, metres);
            }
            out.addIo(402, 4, 30_000 - metres / 1000);
            out.addIo(866, 2, 900 - metres / 1000 % 900);
        }
        return out;
    }

    @Test
    void theTachographAndServiceDistancesDoNotMeasureTheWayHome() {
        assertNoJumpAcrossTheNightAtHome(withTachographAndServiceDistances(dayAndNight()),
                new int[] {133, 134, 216, 36, 192, 402, 866});
    }

    /** The fuels other than the CAN adapter's litres: CNG (233), LNG (855), LPG (1100), FMS (86), FM63xx LV-CAN (33). */
    @Test
    void theOtherFuelCountersDoNotMeasureTheWayHome() {
        AvlBatch drive = dayAndNight();
        AvlBatch withFuels = new AvlBatch();
        int[] ids = {233, 855, 1100, 86, 33};
        for (int r = 0; r < drive.size(); r++) {
            withFuels.appendRecord(drive, r);
            long metres = drive.ioValue(drive.findIo(r, TeltonikaIo.TOTAL_ODOMETER));
            for (int id : ids) {
                withFuels.addIo(id, 4, metres * 8 / 10_000);
            }
        }
        assertNoJumpAcrossTheNightAtHome(withFuels, ids);
    }

    /**
     * The tachograph's clocks through the CAN adapter, in minutes: the selected activity's duration (142: how long the
     * driver has been driving, from 0 when driving starts after the night's rest) and the cumulative driving time
     * (144), and the FM63xx CAN adapter's engine worktime (14). At the first visible point after home the first is
     * the way out, timed; the jump of the others across the night is the way in and out.
     */
    @Test
    void theTachographClocksDoNotTimeTheWayHome() {
        // The activity counts as the runtime since the start does, the cumulative clocks as the ignition-on counter.
        AvlBatch drive = withDrivingTime(dayAndNight());
        AvlBatch withClocks = new AvlBatch();
        for (int r = 0; r < drive.size(); r++) {
            long activity = drive.ioValue(drive.findIo(r, 42));
            long driving = drive.ioValue(drive.findIo(r, 449));
            withClocks.appendRecord(drive, r);
            withClocks.addIo(142, 2, activity / 60);
            withClocks.addIo(144, 2, driving / 60);
            withClocks.addIo(14, 4, driving / 60);
        }
        assertNoJumpAcrossTheNightAtHome(withClocks, new int[] {142, 144, 14});
    }

    /**
     * Each of {@code ids} is either gone from the first visible record after the night at home or unchanged since the
     * last one before it: unshifted, the difference is the way in plus the way out, as an odometer's would be.
     */
    private static void assertNoJumpAcrossTheNightAtHome(AvlBatch drive, int[] ids) {
        Treatments out = new Treatments();
        AvlBatch stored = Ledgers.feed(new DeviceLedger(), POLICY, Consent.ALL, false, drive, out);
        List<Integer> exact = exactRecords(out);
        int firstOut = firstAfterHome(stored, exact);
        for (int id : ids) {
            int lastIn = stored.findIo(exact.get(firstOut - 1), id);
            int afterHome = stored.findIo(exact.get(firstOut), id);
            assertTrue(afterHome < 0 || lastIn >= 0 && stored.ioValue(afterHome) == stored.ioValue(lastIn),
                    () -> "IO " + id + " across the hidden stretch: " + (lastIn < 0 ? "-" : stored.ioValue(lastIn))
                            + ", then " + stored.ioValue(afterHome));
        }
    }

    /**
     * An answer to a command that reads IO without stating a position ({@code readio 16}: the raw total odometer) of a
     * device whose published mileage leaves out what a zone hid: beside the published odometer it would tell the
     * metres hidden, and read before and after each night at home, the way in plus the way out, an ellipse around
     * the two visible ends that many nights intersect at home.
     */
    @Test
    void anIoAnswerDoesNotShowTheRawOdometerBesideThePublishedOne() {
        DeviceLedger ledger = new DeviceLedger();
        Ledgers.feed(ledger, POLICY, Consent.ALL, false, dayAndNight(), new Treatments());
        AvlBatch answer = new AvlBatch();
        answer.addRecord(time, 0, 0, 0, 0, 0, 0, 0, 0, AvlBatch.NO_GENERATION);
        assertTrue(ledger.maskStatedPosition(POLICY, Consent.ALL, false, answer, 0, time) != Treatment.EXACT,
                "an IO answer is stored as sent while zones have shifted the device's mileage");

        // Where no zone hid anything, the raw and the published odometer are one: the answer is kept.
        DeviceLedger open = new DeviceLedger();
        CompiledPolicy noZones = CompiledPolicy.compile(Policy.noOp().withTiming(Ledgers.CONTINUOUS), KEY);
        Ledgers.feed(open, noZones, Consent.ALL, false, dayAndNight(), new Treatments());
        AvlBatch kept = new AvlBatch();
        kept.addRecord(time, 0, 0, 0, 0, 0, 0, 0, 0, AvlBatch.NO_GENERATION);
        assertEquals(Treatment.EXACT, open.maskStatedPosition(noZones, Consent.ALL, false, kept, 0, time));
    }

    /**
     * Driving time as an OBD adapter and the device count it: runtime since the engine started (42, s, from 0 at each
     * start) and the ignition-on counter (449, s, counted up while the ignition is on).
     */
    static AvlBatch withDrivingTime(AvlBatch drive) {
        AvlBatch out = new AvlBatch();
        long runtime = 0;
        long ignitionOn = 0;
        for (int r = 0; r < drive.size(); r++) {
            boolean on = drive.ioValue(drive.findIo(r, TeltonikaIo.IGNITION)) == 1;
            boolean wasOn = r > 0 && drive.ioValue(drive.findIo(r - 1, TeltonikaIo.IGNITION)) == 1;
            long seconds = r == 0 ? 0 : (drive.timestamp(r) - drive.timestamp(r - 1)) / 1000;
            runtime = on && wasOn ? runtime + seconds : 0;
            ignitionOn += wasOn ? seconds : 0;
            out.appendRecord(drive, r);
            out.addIo(42, 2, runtime);
            out.addIo(449, 4, ignitionOn);
        }
        return out;
    }

    @Test
    void theDrivingTimeCountersDoNotTimeTheWayHome() {
        Treatments out = new Treatments();
        AvlBatch stored = Ledgers.feed(new DeviceLedger(), POLICY, Consent.ALL, false, withDrivingTime(dayAndNight()),
                out);
        List<Integer> exact = exactRecords(out);
        int firstOut = firstAfterHome(stored, exact);
        int sinceStart = stored.findIo(exact.get(firstOut), 42);
        // The seconds since the engine started at home, at the first visible point: the way out, timed.
        assertTrue(sinceStart < 0, () -> "runtime since engine start after home: " + stored.ioValue(sinceStart) + " s");
        int before = stored.findIo(exact.get(firstOut - 1), 449);
        int after = stored.findIo(exact.get(firstOut), 449);
        // The ignition was on only while driving in and out: the difference times both.
        assertTrue(after < 0 || before >= 0 && stored.ioValue(after) == stored.ioValue(before),
                () -> "ignition-on counter across the hidden stretch: " + stored.ioValue(before) + " s, then "
                        + stored.ioValue(after) + " s");
    }

    /**
     * Teltonika's auto-geofence (175): once parked, the device draws a circle of a configured radius around where it
     * stands and logs a record (event ID 175, the element 0) when the vehicle leaves it. Configured wider than the
     * hidden disc and its trail, that record is visible every morning, and each such point lies on a circle around
     * home: three mornings out along different roads give the circle, and its centre is home to the metre.
     */
    @Test
    void theAutoGeofenceAroundWhereTheVehicleParkedDoesNotMarkACircleAroundHome() {
        AvlBatch drive = dayAndNight();
        AvlBatch withAutoGeofence = new AvlBatch();
        int leftAt = -1;
        for (int r = 0; r < drive.size(); r++) {
            double east = Haversine.metres(HOME_LAT, HOME_LON, HOME_LAT, drive.longitude(r) / 1e7);
            boolean leaves = leftAt < 0 && r > drive.size() / 2 && east >= 6000;
            withAutoGeofence.addRecord(drive.timestamp(r), drive.priority(r), drive.longitude(r), drive.latitude(r),
                    drive.altitude(r), drive.angle(r), drive.satellites(r), drive.speed(r),
                    leaves ? AUTO_GEOFENCE : 0, AvlBatch.NO_GENERATION);
            for (int e = drive.ioStart(r), end = e + drive.ioCount(r); e < end; e++) {
                withAutoGeofence.addIo(drive.ioId(e), drive.ioWidth(e), drive.ioValue(e));
            }
            withAutoGeofence.addIo(AUTO_GEOFENCE, 1, east >= 6000 && r > drive.size() / 2 ? 0 : 1);
            if (leaves) {
                leftAt = r;
            }
        }
        Treatments out = new Treatments();
        AvlBatch stored = Ledgers.feed(new DeviceLedger(), POLICY, Consent.ALL, false, withAutoGeofence, out);
        boolean leftVisible = false;
        for (int r : exactRecords(out)) {
            int e = stored.findIo(r, AUTO_GEOFENCE);
            assertTrue(e < 0, () -> "an exact record keeps the auto-geofence element: " + stored.ioValue(e));
            assertTrue(stored.eventIo(r) != AUTO_GEOFENCE, "an exact record says it left the circle around home");
            leftVisible |= stored.timestamp(r) == drive.timestamp(leftAt);
        }
        assertTrue(leftVisible, "the record where it left the circle is visible, 6 km out");
    }

    static final int AUTO_GEOFENCE = 175;

    @Test
    void aCoarsenedRecordKeepsNoDistanceTheEngineCannotRound() {
        CompiledPolicy coarse = CompiledPolicy.compile(Policy.noOp().withCoarseningMetres(1000)
                .withTiming(Ledgers.CONTINUOUS), KEY);
        Treatments out = new Treatments();
        AvlBatch stored = Ledgers.feed(new DeviceLedger(), coarse, Consent.ALL, false,
                withOtherDistances(dayAndNight()), out);
        for (int r = 0; r < out.size(); r++) {
            if (out.get(r) == Treatment.COARSENED) {
                for (int id : OTHER_DISTANCES) {
                    // The ml or km between two records of one cell are the metres driven inside it.
                    int e = stored.findIo(r, id);
                    assertTrue(e < 0, () -> "a coarsened record keeps IO " + id + ": " + stored.ioValue(e));
                }
            }
        }
    }

    @Test
    void aReconnectInsideTheZoneContinuesTheSameMileage() {
        AvlBatch drive = dayAndNight();
        Treatments whole = new Treatments();
        List<long[]> expected = visible(Ledgers.feed(new DeviceLedger(), POLICY, Consent.ALL, false, drive, whole),
                whole);
        // The same records in two frames, the device reconnecting (its state saved and restored) while parked.
        int split = 0;
        while (drive.ioValue(drive.findIo(split, TeltonikaIo.IGNITION)) != 0) {
            split++;
        }
        split += 10;
        AvlBatch first = new AvlBatch();
        AvlBatch second = new AvlBatch();
        for (int r = 0; r < drive.size(); r++) {
            (r < split ? first : second).appendRecord(drive, r);
        }
        DeviceLedger ledger = new DeviceLedger();
        Treatments out = new Treatments();
        List<long[]> rows = new ArrayList<>(visible(Ledgers.feed(ledger, POLICY, Consent.ALL, false, first, out), out));
        DeviceLedger restored = new DeviceLedger();
        restored.restore(ledger.savedState(), null);
        rows.addAll(visible(Ledgers.feed(restored, POLICY, Consent.ALL, false, second, out), out));
        assertEquals(expected.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(java.util.Arrays.toString(expected.get(i)), java.util.Arrays.toString(rows.get(i)));
        }
    }

    @Test
    void aStateSavedBeforeMileageOffsetsWhileHiddenCountsAfreshFromTheNextVisibleRecord() {
        DeviceState state = new DeviceState();
        state.lastFixInZone = true;
        byte[] v4 = java.util.Arrays.copyOf(state.save(), DeviceState.SAVED_LENGTH_V4);
        v4[0] = 4;
        AvlBatch batch = new AvlBatch();
        at(batch, 0, 1);
        DeviceState.restore(v4).mileage.publish(batch, 0);
        assertEquals(0, batch.ioValue(batch.findIo(0, TeltonikaIo.TOTAL_ODOMETER)));
    }

    @Test
    void aLostOrErasedStateCountsTheMileageAfreshFromTheNextRecord() {
        // Its offsets are gone with it: the raw odometer beside the shifted ones published before would tell how much
        // the zones hid.
        AvlBatch batch = new AvlBatch();
        at(batch, 4000, 1);
        DeviceState state = DeviceState.restore(DeviceState.unknownPast().save());
        state.mileage.publish(batch, 0);
        assertEquals(0, batch.ioValue(batch.findIo(0, TeltonikaIo.TOTAL_ODOMETER)));
        assertEquals(0, batch.ioValue(batch.findIo(0, TeltonikaIo.TRIP_ODOMETER)));
    }
}
