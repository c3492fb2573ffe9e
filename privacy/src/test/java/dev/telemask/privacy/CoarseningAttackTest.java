package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attacks on coarsened tracks: what many coarsened records of one place give away beyond their cell.
 */
class CoarseningAttackTest {
    static final byte[] KEY = "coarsening-attack-key".getBytes(StandardCharsets.UTF_8);
    static final int GRID = 500;

    @Test
    void aParkedVehicleWhoseFixesJitterAcrossACellEdgeStaysInOneCell() {
        // Parked 3 m east of a cell edge, GNSS jitter of 8 m: with a plain grid the share of fixes on each side of
        // the edge tells how far from the edge the vehicle stands, to a metre or two, however many cells wide.
        Set<Long> cells = cellsOfAVehicleParkedNearAnEdge(Interruption.NONE);
        assertEquals(1, cells.size(), "cells published for one parked place");
        long published = cells.iterator().next();
        assertTrue(Math.abs(GeoGrid.latitudeOf(published) - Drive.e7(52.52)) < GRID / GeoGrid.METRES_PER_DEGREE * 1e7,
                "the cell is one the vehicle was near");
    }

    @Test
    void recordsWithoutAFixAtZeroZeroDoNotResetTheCellAParkedVehicleIsHeldIn() {
        // The same parked vehicle, in a garage where the fix comes and goes: between fixes the device reports
        // satellites 0 at 0,0. If such a record took the cell of 0,0, the next fix would find no cell near it to
        // stay in and take the cell its jitter puts it in: the share of each side again measures the edge.
        assertEquals(1, cellsOfAVehicleParkedNearAnEdge(Interruption.NO_FIX).size(),
                "cells published for one parked place, records without a fix included");
    }

    @Test
    void aGnssJumpDoesNotResetTheCellAParkedVehicleIsHeldIn() {
        // In a street of tall buildings a fix now and then lands kilometres away and the next one is back. If the
        // jump's cell replaced the one the vehicle was held in, the fix after it would take the cell its jitter
        // puts it in. The jumps themselves are published where they landed: they tell nothing of the vehicle.
        Set<Long> cells = cellsOfAVehicleParkedNearAnEdge(Interruption.JUMP);
        cells.removeIf(cell -> GeoGrid.latitudeOf(cell) > Drive.e7(52.52 + JUMP_DEGREES / 2));
        assertEquals(1, cells.size(), "cells published for one parked place, the jumps' left out");
    }

    /** What comes between the fixes of a parked vehicle: nothing, records without a fix, or GNSS jumps. */
    private enum Interruption { NONE, NO_FIX, JUMP }

    /** A jump's way north: 5.5 km. */
    private static final double JUMP_DEGREES = 0.05;

    /**
     * The cells published for 400 records of a vehicle parked 3 m east of a cell edge with 8 m of GNSS jitter,
     * every other one {@code interrupted}: without a fix (satellites 0 at 0,0) or a GNSS jump north.
     */
    private static Set<Long> cellsOfAVehicleParkedNearAnEdge(Interruption interrupted) {
        GeoGrid grid = new GeoGrid(GRID);
        int lat = Drive.e7(52.52);
        long cell = grid.snap(lat, Drive.e7(13.40));
        double width = 360.0 / grid.cellsInBand(grid.band(lat));
        double edge = GeoGrid.longitudeOf(cell) / 1e7 - width / 2;          // the west edge of that cell
        double metresPerDegree = GeoGrid.METRES_PER_DEGREE * Math.cos(Math.toRadians(52.52));
        double parkedLon = edge + 3 / metresPerDegree;
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp().withCoarseningMetres(GRID)
                .withTiming(Ledgers.CONTINUOUS), KEY);
        Random random = new Random(7);
        Drive drive = Drive.in("UTC");
        long t = 1_750_000_000_000L;
        for (int i = 0; i < 400; i++) {
            if (interrupted == Interruption.NO_FIX && i % 2 == 1) {
                drive.record(t + i * 30_000L, 0, 0, 0, 0, 0, 0);
            } else if (interrupted == Interruption.JUMP && i % 2 == 1) {
                drive.record(t + i * 30_000L, 52.52 + JUMP_DEGREES, parkedLon, 9, 0, 0, 0);
            } else {
                drive.record(t + i * 30_000L, 52.52 + random.nextGaussian() * 8 / GeoGrid.METRES_PER_DEGREE,
                        parkedLon + random.nextGaussian() * 8 / metresPerDegree, 9, 0, 0, 0);
            }
        }
        Treatments out = new Treatments();
        AvlBatch stored = Ledgers.feed(new DeviceLedger(), policy, Consent.ALL, false, drive.batch, out);
        Set<Long> cells = new HashSet<>();
        for (int r = 0; r < stored.size(); r++) {
            assertEquals(Treatment.COARSENED, out.get(r));
            cells.add(GeoGrid.pack(stored.latitude(r), stored.longitude(r)));
        }
        return cells;
    }

    @ParameterizedTest(name = "{0} m past the line")
    @ValueSource(ints = {4, 12})
    void aVehicleParkedNearTheLineWhereItsCellChangesIsPublishedInOneCellEveryNight(int metresPastTheLine) {
        // Each evening the vehicle drives east into a cell and parks a few metres past the line a quarter of a cell
        // past its west edge, where a vehicle coming from the west leaves the cell before. Held by the cell it came
        // from, its jittering fixes cross that line one by one: the night's parked records switch cell at a moment
        // whose average over the nights (the share of fixes past the line) measures its distance to the line to a
        // metre or two (60 nights: within 3 m, up to 8 m from the line). The last driving records still cross it by
        // their jitter, but one or two a night, not one per parked record.
        List<Set<Long>> nights = nightsParkedAt(GeoGrid.HYSTERESIS * GRID + metresPastTheLine);
        assertEquals(1, cellsOf(nights).size(), nights.stream().filter(night -> night.size() > 1).count() + " of "
                + nights.size() + " nights switched cell while parked");
    }

    @Test
    void aBusinessTripLeavingWhereAPrivateOneEndedStartsInOneCellEveryMorning() {
        // Each evening a private trip ends 3 m east of a cell's west edge, and each morning a business trip leaves
        // from there. Nothing published holds the vehicle in a cell there, so the morning's first record takes the
        // cell its fix lies in: its jitter puts it west of the edge on a share of the mornings that measures the
        // distance to the edge to a metre or two.
        GeoGrid grid = new GeoGrid(GRID);
        int band = grid.band(Drive.e7(52.52));
        double lat = grid.bandCentreLatitude(band);
        double metresPerDegree = GeoGrid.METRES_PER_DEGREE * Math.cos(Math.toRadians(lat));
        double width = 360.0 / grid.cellsInBand(band);
        double placeLon = GeoGrid.longitudeOf(grid.snap(Drive.e7(lat), Drive.e7(13.40))) / 1e7 - width / 2
                + 3 / metresPerDegree;
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp().withCoarseningMetres(GRID)
                .withTiming(Ledgers.CONTINUOUS), KEY);
        Random random = new Random(3);
        DeviceLedger ledger = new DeviceLedger();
        Set<Long> starts = new HashSet<>();
        for (int d = 0; d < 40; d++) {
            long evening = 1_750_000_000_000L + d * 86_400_000L;
            AvlBatch home = new AvlBatch();
            AvlBatch leaving = new AvlBatch();
            for (int i = 0; i < 50; i++) {
                boolean parked = i >= 20 && i < 25;
                boolean morning = i >= 25;
                double east = i < 20 ? -1000.0 * (20 - i) / 20 : morning ? -1000.0 * (i - 25) / 25 : 0;
                long t = morning ? evening + 43_200_000L + (i - 25) * 10_000L : evening + i * 10_000L;
                AvlBatch to = morning ? leaving : home;
                to.addRecord(t, 0, Drive.e7(placeLon + (east + random.nextGaussian() * 8) / metresPerDegree),
                        Drive.e7(lat + random.nextGaussian() * 8 / GeoGrid.METRES_PER_DEGREE), 0, 0, 9, 0,
                        i == 0 || i == 25 ? TeltonikaIo.IGNITION : 0, AvlBatch.NO_GENERATION);
                to.addIo(TeltonikaIo.IGNITION, 1, parked ? 0 : 1);
                to.addIo(TeltonikaIo.MOVEMENT, 1, parked ? 0 : 1);
                to.addIo(Policy.DEFAULT_PRIVATE_MODE_IO, 1, morning ? 0 : 1);
            }
            Treatments out = new Treatments();
            Ledgers.feed(ledger, policy, Consent.ALL, false, home, out);
            AvlBatch stored = Ledgers.feed(ledger, policy, Consent.ALL, false, leaving, out);
            assertEquals(Treatment.COARSENED, out.get(0), "morning " + d);
            starts.add(GeoGrid.pack(stored.latitude(0), stored.longitude(0)));
        }
        assertEquals(1, starts.size(), "cells the business trips start in");
    }

    private static Set<Long> cellsOf(List<Set<Long>> nights) {
        Set<Long> all = new HashSet<>();
        nights.forEach(all::addAll);
        return all;
    }

    /**
     * The cells published for the parked records of 40 evenings: each a drive along a band's centre from 1.5 km
     * west of a place {@code metresPastEdge} east of a cell's west edge, logged every 10 m, then 60 parked records a
     * minute apart, every fix with 8 m of GNSS jitter.
     */
    private static List<Set<Long>> nightsParkedAt(double metresPastEdge) {
        GeoGrid grid = new GeoGrid(GRID);
        int band = grid.band(Drive.e7(52.52));
        double lat = grid.bandCentreLatitude(band);
        double metresPerDegree = GeoGrid.METRES_PER_DEGREE * Math.cos(Math.toRadians(lat));
        double width = 360.0 / grid.cellsInBand(band);
        double westEdge = GeoGrid.longitudeOf(grid.snap(Drive.e7(lat), Drive.e7(13.40))) / 1e7 - width / 2;
        double parkedLon = westEdge + metresPastEdge / metresPerDegree;
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp().withCoarseningMetres(GRID)
                .withTiming(Ledgers.CONTINUOUS), KEY);
        Random random = new Random(5);
        DeviceLedger ledger = new DeviceLedger();
        List<Set<Long>> nights = new ArrayList<>();
        for (int d = 0; d < 40; d++) {
            AvlBatch frame = new AvlBatch();
            long t = 1_750_000_000_000L + d * 86_400_000L;
            for (int i = 0; i <= 150 + 60; i++, t += i <= 150 ? 10_000 : 60_000) {
                boolean parked = i >= 150;
                double east = parked ? 0 : -1500.0 * (150 - i) / 150;
                frame.addRecord(t, 0, Drive.e7(parkedLon + (east + random.nextGaussian() * 8) / metresPerDegree),
                        Drive.e7(lat + random.nextGaussian() * 8 / GeoGrid.METRES_PER_DEGREE), 0, 0, 9, 0,
                        i == 0 ? TeltonikaIo.IGNITION : 0, AvlBatch.NO_GENERATION);
                frame.addIo(TeltonikaIo.IGNITION, 1, parked ? 0 : 1);
                frame.addIo(TeltonikaIo.MOVEMENT, 1, parked ? 0 : 1);
            }
            Treatments out = new Treatments();
            AvlBatch stored = Ledgers.feed(ledger, policy, Consent.ALL, false, frame, out);
            Set<Long> cells = new HashSet<>();
            for (int r = 150; r < stored.size(); r++) {
                assertEquals(Treatment.COARSENED, out.get(r), "evening " + d + " record " + r);
                cells.add(GeoGrid.pack(stored.latitude(r), stored.longitude(r)));
            }
            nights.add(cells);
        }
        return nights;
    }

    @Test
    void aVehicleLeavesItsCellAQuarterOfACellPastTheEdge() {
        GeoGrid grid = new GeoGrid(GRID);
        GeoGrid.Cache cache = new GeoGrid.Cache();
        int lat = Drive.e7(52.52);
        long cell = grid.snap(lat, Drive.e7(13.40));
        double width = 360.0 / grid.cellsInBand(grid.band(lat));
        double eastEdge = GeoGrid.longitudeOf(cell) / 1e7 + width / 2;
        long next = grid.snap(lat, Drive.e7(eastEdge + width / 2));
        assertEquals(cell, grid.snap(lat, Drive.e7(eastEdge + 0.2 * width), cache, cell), "0.2 of a cell past");
        assertEquals(next, grid.snap(lat, Drive.e7(eastEdge + 0.3 * width), cache, cell), "0.3 of a cell past");
        assertEquals(next, grid.snap(lat, Drive.e7(eastEdge + 0.2 * width), cache, GeoGrid.NO_CELL));
        assertEquals(cell, grid.snap(lat + Drive.e7(0.2 * 180.0 / Math.round(180.0 * GeoGrid.METRES_PER_DEGREE / GRID)),
                Drive.e7(13.40), cache, cell), "the same northwards");
        long otherGrid = new GeoGrid(GRID * 2).snap(lat, Drive.e7(eastEdge + 0.2 * width));
        assertEquals(next, grid.snap(lat, Drive.e7(eastEdge + 0.2 * width), cache, otherGrid),
                "a cell of another grid (the policy changed) is not kept");
    }

    @Test
    void theLastCellAndTheFrontiersEventAreSavedWithTheStateAndAStateOfTheFormerFormatHasNeither() {
        DeviceState state = new DeviceState();
        state.frontierMillis = 1_700_000_000_000L;
        state.zoneTrailMetres = 12.5;
        state.lastCell = new GeoGrid(GRID).snap(Drive.e7(52.52), Drive.e7(13.40));
        state.frontierEvent = 250;
        byte[] saved = state.save();
        assertEquals(state.lastCell, DeviceState.restore(saved).lastCell);
        assertEquals(250, DeviceState.restore(saved).frontierEvent);
        DeviceState copy = new DeviceState();
        copy.copyFrom(state);
        assertEquals(java.util.Arrays.toString(saved), java.util.Arrays.toString(copy.save()));
        byte[] version3 = java.util.Arrays.copyOf(saved, DeviceState.SAVED_LENGTH_V3);
        version3[0] = 3;
        DeviceState restored = DeviceState.restore(version3);
        assertEquals(GeoGrid.NO_CELL, restored.lastCell);
        assertEquals(0, restored.frontierEvent);
        assertEquals(12.5, restored.zoneTrailMetres);
        assertEquals(state.frontierMillis(), restored.frontierMillis());
        assertEquals(GeoGrid.NO_CELL, new DeviceState().lastCell);
    }

    @Test
    void theParkingPlacesAreSavedWithTheStateAndAStateOfVersion9HasNone() {
        // A device that reconnects to another instance must publish its parking places in the cells of before: a
        // place forgotten is decided afresh, a coin again where it stands near a line.
        GeoGrid grid = new GeoGrid(GRID);
        GeoGrid.Cache cache = new GeoGrid.Cache();
        int lat = Drive.e7(52.52);
        int lon = Drive.e7(13.40);
        long east = grid.snap(lat, lon + Drive.e7(0.01));
        DeviceState state = new DeviceState();
        state.parkingPlaces.parked(grid, lat, lon, east, 1_750_000_000_000L);
        byte[] saved = state.save();
        assertEquals(east, DeviceState.restore(saved).parkingPlaces.cellAt(grid, cache, lat + 100, lon));
        DeviceState copy = new DeviceState();
        copy.copyFrom(state);
        assertEquals(east, copy.parkingPlaces.cellAt(grid, cache, lat, lon - 100));
        assertEquals(GeoGrid.NO_CELL, copy.parkingPlaces.cellAt(grid, cache, lat + Drive.e7(0.001), lon),
                "110 m away is another place");
        assertEquals(GeoGrid.NO_CELL, copy.parkingPlaces.cellAt(new GeoGrid(GRID * 2), cache, lat, lon),
                "a cell of another grid size holds nothing");
        byte[] version9 = java.util.Arrays.copyOf(saved, DeviceState.SAVED_LENGTH_V9);
        version9[0] = 9;
        assertEquals(GeoGrid.NO_CELL, DeviceState.restore(version9).parkingPlaces.cellAt(grid, cache, lat, lon));
        assertEquals(state.lastCell, DeviceState.restore(version9).lastCell);
    }

    @Test
    void aLateRecordOfACoarsenedTripKeepsOnlyWholeCellsOfMileage() {
        // Records of the trip that arrive behind decided ones (a resend after a reconnect, a backlog flushed slower
        // than the anchor delay) are stored private; an exact odometer between coarsened neighbours, whose rounded
        // odometers and cells are published, would place them and their neighbours inside the cells.
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp().withCoarseningMetres(1000)
                .withTiming(Ledgers.CONTINUOUS), KEY);
        AvlBatch first = new AvlBatch();
        AvlBatch late = new AvlBatch();
        long t = 1_750_000_000_000L;
        long odometer = 7_000_123;
        for (int i = 0; i < 20; i++) {
            odometer += 137;
            AvlBatch to = i % 5 == 2 ? late : first;
            to.addRecord(t + i * 10_000L, 1, Drive.e7(13.40 + i * 0.002), Drive.e7(52.52), 40, 90, 9, 50, 0,
                    AvlBatch.NO_GENERATION);
            to.addIo(TeltonikaIo.IGNITION, 1, 1);
            to.addIo(TeltonikaIo.MOVEMENT, 1, 1);
            to.addIo(TeltonikaIo.TOTAL_ODOMETER, 4, odometer);
        }
        DeviceLedger ledger = new DeviceLedger();
        Treatments out = new Treatments();
        Ledgers.feed(ledger, policy, Consent.ALL, false, first, out);
        AvlBatch stored = Ledgers.feed(ledger, policy, Consent.ALL, false, late, out);
        assertEquals(late.size(), ledger.late(), "stored as late");
        for (int r = 0; r < stored.size(); r++) {
            int e = stored.findIo(r, TeltonikaIo.TOTAL_ODOMETER);
            assertTrue(e >= 0, "the mileage log keeps the late record's odometer");
            assertEquals(0, stored.ioValue(e) % 1000, "late record " + r + " (" + out.get(r) + ") keeps an exact"
                    + " odometer between coarsened records of its trip");
        }
    }

    @Test
    void aPrivateRecordOfACoarsenedDeviceKeepsOnlyWholeCellsOfMileage() {
        // A coarsened business trip to the office, parked there, then private (the button; outside business hours
        // the same): an exact odometer on the private records at home the evening before and at the office after
        // the trip is the way between them to the metre, which with a map places home inside its cell.
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp().withCoarseningMetres(1000)
                .withTiming(Ledgers.CONTINUOUS), KEY);
        AvlBatch batch = new AvlBatch();
        long t = 1_750_000_000_000L;
        long odometer = 7_000_123;
        for (int i = 0; i < 40; i++) {
            boolean driving = i >= 10 && i < 30;
            odometer += driving ? 137 : 0;
            batch.addRecord(t + i * 10_000L, 1, Drive.e7(13.40 + odometer / 1e8), Drive.e7(52.52), 0, 90, 9, 50, 0,
                    AvlBatch.NO_GENERATION);
            batch.addIo(TeltonikaIo.IGNITION, 1, driving ? 1 : 0);
            batch.addIo(TeltonikaIo.MOVEMENT, 1, driving ? 1 : 0);
            batch.addIo(Policy.DEFAULT_PRIVATE_MODE_IO, 1, driving ? 0 : 1);
            batch.addIo(TeltonikaIo.TOTAL_ODOMETER, 4, odometer);
            batch.addIo(TeltonikaIo.TRIP_ODOMETER, 4, odometer - 7_000_000);
        }
        Treatments out = new Treatments();
        AvlBatch stored = Ledgers.feed(new DeviceLedger(), policy, Consent.ALL, false, batch, out);
        Set<Treatment> seen = new HashSet<>();
        for (int r = 0; r < stored.size(); r++) {
            seen.add(out.get(r));
            for (int id : new int[] {TeltonikaIo.TOTAL_ODOMETER, TeltonikaIo.TRIP_ODOMETER}) {
                int e = stored.findIo(r, id);
                assertTrue(e >= 0, "the mileage log keeps record " + r + "'s mileage");
                assertEquals(0, stored.ioValue(e) % 1000, "record " + r + " (" + out.get(r) + ") keeps an exact "
                        + "mileage element " + id);
            }
        }
        assertEquals(Set.of(Treatment.PRIVATE, Treatment.COARSENED), seen);
    }

    /** The tachograph's vehicle speed (FMx150), km/h. */
    static final int TACHOGRAPH_SPEED = 10156;
    /** ISOBUS (FMC650, FMM650, FMB641): the machine's ground-based speed, mm/s. */
    static final int ISOBUS_GROUND_SPEED = 12400;
    /** ISOBUS: the ground-based and the wheel-based distance, mm. */
    static final int ISOBUS_GROUND_DISTANCE = 12401;
    static final int ISOBUS_WHEEL_DISTANCE = 12404;
    /** OBD's barometric pressure, kPa. */
    static final int BAROMETRIC_PRESSURE = 50;
    /** Metres of height per kPa of air pressure near sea level. */
    static final double METRES_PER_KPA = 83;
    /** The hillside of the home cell: metres of height per metre east, and the height of the valley west of it. */
    static final double SLOPE = 0.3;
    static final double VALLEY_METRES = 30;

    @ParameterizedTest(name = "element {0}")
    @ValueSource(ints = {TACHOGRAPH_SPEED, ISOBUS_GROUND_SPEED})
    void aSpeedElementDoesNotDeadReckonTheWayFromTheCellChangeToTheParkingPlace(int speedElement) {
        // Every evening the vehicle drives east into its home cell and parks 325 m past the line where the published
        // cell changes. Integrating the speed of each record over the time to the next one from that change to the
        // stop (and half a logging period at the change, where the line was crossed) measures the way to a few
        // metres; a month of evenings places the parking spot on its road inside the cell.
        Commute commute = new Commute();
        double metres = commute.averageOverEvenings(day -> {
            int change = lastCellChange(day);
            double way = metresPerSecond(day, change, speedElement) * Commute.PERIOD_MILLIS / 2000.0;
            for (int r = change; r < day.size() - 1; r++) {
                way += metresPerSecond(day, r, speedElement) * (day.timestamp(r + 1) - day.timestamp(r)) / 1000.0;
            }
            return way;
        });
        double estimate = commute.changeLine + metres / commute.metresPerDegree;
        assertMissesByMoreThanTheCellCentre(commute, estimate, "dead-reckoned from element " + speedElement);
    }

    @ParameterizedTest(name = "element {0}")
    @ValueSource(ints = {ISOBUS_GROUND_DISTANCE, ISOBUS_WHEEL_DISTANCE})
    void anIsobusDistanceDoesNotMeasureTheWayFromTheCellChangeToTheParkingPlace(int distanceElement) {
        // A machine on ISOBUS counts the metres it drives to the millimetre: from the record where the cell changed
        // to the stop, the way into the cell, and the parking spot on its road.
        Commute commute = new Commute();
        double metres = commute.averageOverEvenings(day -> {
            int change = day.findIo(lastCellChange(day), distanceElement);
            int stop = day.findIo(day.size() - 1, distanceElement);
            return change < 0 || stop < 0 ? 0 : (day.ioValue(stop) - day.ioValue(change)) / 1000.0
                    + metresPerSecond(day, lastCellChange(day), TACHOGRAPH_SPEED) * Commute.PERIOD_MILLIS / 2000.0;
        });
        double estimate = commute.changeLine + metres / commute.metresPerDegree;
        assertMissesByMoreThanTheCellCentre(commute, estimate, "measured by the ISOBUS distance");
    }

    @Test
    void aPrivateRecordOfACoarsenedDeviceKeepsNoSpeedNorUnroundedDistance() {
        for (AvlBatch day : new Commute().evenings(3, true)) {
            for (int r = 0; r < day.size(); r++) {
                for (int id : new int[] {TACHOGRAPH_SPEED, ISOBUS_GROUND_SPEED, ISOBUS_GROUND_DISTANCE,
                        ISOBUS_WHEEL_DISTANCE}) {
                    assertTrue(day.findIo(r, id) < 0, "private record " + r + " keeps element " + id);
                }
            }
        }
    }

    @Test
    void theBarometricPressureDoesNotMeasureTheParkingPlacesHeightInsideItsCell() {
        // The home cell lies on a hillside, the drive starts in the valley, whose height a map gives. The pressure
        // drop from the valley to the parked vehicle, minutes apart in the same weather, is its height; whole kPa
        // (83 m) are dithered by the weather, and a month of evenings measures the height to metres: on a slope,
        // how far up the hill inside the cell the vehicle parks.
        Commute commute = new Commute();
        double height = VALLEY_METRES + commute.averageOverEvenings(day -> {
            int first = day.findIo(0, BAROMETRIC_PRESSURE);
            int last = day.findIo(day.size() - 1, BAROMETRIC_PRESSURE);
            return first < 0 || last < 0 ? 0 : (day.ioValue(first) - day.ioValue(last)) * METRES_PER_KPA;
        });
        double estimate = commute.westEdge + (height - commute.heightAtWestEdge) / SLOPE / commute.metresPerDegree;
        assertMissesByMoreThanTheCellCentre(commute, estimate, "placed on the hillside by its air pressure");
    }

    @Test
    void theSatellitesInViewDoNotTellWhichPlaceInTheCellTheVehicleParksAt() {
        // One cell holds a block's underground car park, where the tracker sees four satellites, and the open street
        // beside it, where it sees eleven (on a business trip's end its fix is still the last one before the ramp).
        // Night after night the count published with the cell tells which of the two the driver parks at: the fix
        // quality elements (GNSS status, PDOP, HDOP) go for that very reason. A record without a fix (the car park's
        // depths) stays in its cell too and must not say so by its own count.
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp().withCoarseningMetres(GRID)
                .withTiming(Ledgers.CONTINUOUS), KEY);
        Set<Integer> published = new HashSet<>();
        for (int[] place : new int[][] {{4, 0}, {11, 11}}) {
            Drive drive = Drive.in("UTC");
            long t = 1_750_000_000_000L;
            for (int i = 0; i < 60; i++) {
                int satellites = place[i % 2];
                drive.record(t + i * 60_000L, satellites == 0 ? 0 : 52.52, satellites == 0 ? 0 : 13.40001,
                        satellites, 0, 0, 0);
            }
            Treatments out = new Treatments();
            AvlBatch stored = Ledgers.feed(new DeviceLedger(), policy, Consent.ALL, false, drive.batch, out);
            for (int r = 0; r < stored.size(); r++) {
                assertEquals(Treatment.COARSENED, out.get(r));
                published.add(stored.satellites(r));
            }
        }
        assertEquals(1, published.size(), "satellite counts published for the car park and the street: " + published);
    }

    /** The GSM signal level, 0 to 5. */
    static final int GSM_SIGNAL = 21;
    /** The mobile network's type: 0 3G, 1 GSM, 2 4G, 3 LTE Cat M1, 4 NB-IoT. */
    static final int NETWORK_TYPE = 237;

    @ParameterizedTest(name = "privately {0}")
    @ValueSource(booleans = {false, true})
    void theMobileNetworkDoesNotTellWhichPlaceInTheCellTheVehicleParksAt(boolean privately) {
        // The same cell as above, the car park below ground and the street beside it: down there the tracker hears
        // the network at level 1 on 2G, up here at level 5 on 4G. Night after night the level and type published
        // with the cell (or with the private time entries of a vehicle parked where a private trip ended) tell which
        // of the two the driver parks at, as surely as the satellite count removed for that reason.
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp().withCoarseningMetres(GRID)
                .withTiming(Ledgers.CONTINUOUS), KEY);
        List<String> published = new ArrayList<>();
        for (int[] place : new int[][] {{1, 1}, {5, 2}}) {
            AvlBatch frame = new AvlBatch();
            long t = 1_750_000_000_000L;
            for (int i = 0; i < 60; i++) {
                frame.addRecord(t + i * 60_000L, 0, Drive.e7(13.40001), Drive.e7(52.52), 0, 0, 9, 0, 0,
                        AvlBatch.NO_GENERATION);
                frame.addIo(TeltonikaIo.IGNITION, 1, 0);
                frame.addIo(TeltonikaIo.MOVEMENT, 1, 0);
                frame.addIo(GSM_SIGNAL, 1, place[0] - i % 2);
                frame.addIo(NETWORK_TYPE, 1, place[1]);
            }
            Treatments out = new Treatments();
            AvlBatch stored = Ledgers.feed(new DeviceLedger(), policy, Consent.ALL, privately, frame, out);
            Set<String> levels = new HashSet<>();
            for (int r = 0; r < stored.size(); r++) {
                assertEquals(privately ? Treatment.PRIVATE : Treatment.COARSENED, out.get(r));
                int level = stored.findIo(r, GSM_SIGNAL);
                int type = stored.findIo(r, NETWORK_TYPE);
                levels.add((level < 0 ? "-" : stored.ioValue(level)) + "/" + (type < 0 ? "-" : stored.ioValue(type)));
            }
            published.add(levels.toString());
        }
        assertEquals(published.get(0), published.get(1), "GSM level/network type published for the car park and"
                + " the street");
    }

    /** The attacker's estimate tells no more than the published cell: it misses by more than the cell's centre. */
    private static void assertMissesByMoreThanTheCellCentre(Commute commute, double estimate, String how) {
        double missed = Math.abs(estimate - commute.homeLon) * commute.metresPerDegree;
        double centreMisses = Math.abs(commute.centreLon - commute.homeLon) * commute.metresPerDegree;
        assertTrue(missed > centreMisses, "parking spot " + how + " to " + Math.round(missed)
                + " m; the cell's centre is " + Math.round(centreMisses) + " m from it");
    }

    /** The first record of the cell the day's drive ends in. */
    private static int lastCellChange(AvlBatch day) {
        int change = day.size() - 1;
        while (change > 0 && day.longitude(change - 1) == day.longitude(day.size() - 1)) {
            change--;
        }
        return change;
    }

    /** The speed element's reading on record {@code r}, in m/s; 0 where the record does not have it. */
    private static double metresPerSecond(AvlBatch day, int r, int speedElement) {
        int e = day.findIo(r, speedElement);
        if (e < 0) {
            return 0;
        }
        return speedElement == TACHOGRAPH_SPEED ? day.ioValue(e) / 3.6 : day.ioValue(e) / 1000.0;
    }

    /**
     * A vehicle's evening drive home, east along one latitude from the valley into a cell on a hillside, logged
     * every ten seconds at a phase and speed of the day, with the tachograph's and ISOBUS's speed, ISOBUS's
     * distances and OBD's barometric pressure on every record; parked 200 m east of the home cell's centre, 325 m past the line where the cell changes.
     */
    private static final class Commute {
        static final long PERIOD_MILLIS = 10_000;
        final GeoGrid grid = new GeoGrid(GRID);
        final double lat;
        final double metresPerDegree;
        final double centreLon;
        final double westEdge;
        final double changeLine;
        final double homeLon;
        final double heightAtWestEdge;

        Commute() {
            int band = grid.band(Drive.e7(52.52));
            lat = grid.bandCentreLatitude(band);
            metresPerDegree = GeoGrid.METRES_PER_DEGREE * Math.cos(Math.toRadians(lat));
            centreLon = GeoGrid.longitudeOf(grid.snap(Drive.e7(lat), Drive.e7(13.40))) / 1e7;
            double width = 360.0 / grid.cellsInBand(band);
            westEdge = centreLon - width / 2;
            changeLine = westEdge + GeoGrid.HYSTERESIS * width;
            homeLon = centreLon + 200 / metresPerDegree;
            heightAtWestEdge = VALLEY_METRES + 1000 * SLOPE;
        }

        /** Height above the sea at a longitude: the valley, then the hillside from 1 km west of the home cell. */
        double height(double lon) {
            double east = (lon - westEdge) * metresPerDegree + 1000;
            return VALLEY_METRES + Math.max(0, east) * SLOPE;
        }

        /** What the attacker measures on each of a month of evenings' stored records, averaged. */
        double averageOverEvenings(ToDoubleFunction<AvlBatch> measure) {
            return evenings(30, false).stream().mapToDouble(measure).average().orElseThrow();
        }

        /** The stored records of {@code days} evenings, each a batch; {@code privately} with the button on. */
        List<AvlBatch> evenings(int days, boolean privately) {
            CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp().withCoarseningMetres(GRID)
                    .withTiming(Ledgers.CONTINUOUS), KEY);
            Random random = new Random(11);
            DeviceLedger ledger = new DeviceLedger();
            List<AvlBatch> stored = new ArrayList<>();
            for (int d = 0; d < days; d++) {
                int kmh = 30 + random.nextInt(21);
                double metresPerMilli = kmh / 3.6 / 1000;
                double weatherKpa = 99 + 4 * random.nextDouble();
                double startLon = homeLon - (2500 + random.nextDouble() * PERIOD_MILLIS * metresPerMilli)
                        / metresPerDegree;
                long start = 1_750_000_000_000L + d * 86_400_000L;
                double odometerStart = 1_000_000 + d * 40_000 + random.nextDouble() * 10_000;
                long arrival = start + Math.round((homeLon - startLon) * metresPerDegree / metresPerMilli);
                AvlBatch frame = new AvlBatch();
                for (long t = start; ; t += PERIOD_MILLIS) {
                    boolean home = t >= arrival;
                    long at = home ? arrival : t;
                    double lon = home ? homeLon : startLon + (at - start) * metresPerMilli / metresPerDegree;
                    frame.addRecord(at, 0, Drive.e7(lon), Drive.e7(lat), (int) height(lon), 90, 9, home ? 0 : kmh,
                            t == start ? TeltonikaIo.IGNITION : 0, AvlBatch.NO_GENERATION);
                    frame.addIo(TeltonikaIo.IGNITION, 1, home ? 0 : 1);
                    frame.addIo(TeltonikaIo.MOVEMENT, 1, home ? 0 : 1);
                    frame.addIo(TACHOGRAPH_SPEED, 2, home ? 0 : kmh);
                    frame.addIo(ISOBUS_GROUND_SPEED, 2, home ? 0 : Math.round(kmh / 3.6 * 1000));
                    long millimetres = Math.round(odometerStart * 1000 + (at - start) * metresPerMilli * 1000);
                    frame.addIo(ISOBUS_GROUND_DISTANCE, 4, millimetres);
                    frame.addIo(ISOBUS_WHEEL_DISTANCE, 4, millimetres + millimetres / 50);
                    frame.addIo(BAROMETRIC_PRESSURE, 1, Math.round(weatherKpa - height(lon) / METRES_PER_KPA));
                    if (home) {
                        break;
                    }
                }
                Treatments out = new Treatments();
                AvlBatch day = Ledgers.feed(ledger, policy, Consent.ALL, privately, frame, out);
                AvlBatch copy = new AvlBatch();
                for (int r = 0; r < day.size(); r++) {
                    assertEquals(privately ? Treatment.PRIVATE : Treatment.COARSENED, out.get(r), "day " + d);
                    copy.appendRecord(day, r);
                }
                stored.add(copy);
            }
            return stored;
        }
    }
}
