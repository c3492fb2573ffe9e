package dev.telemask.simulator;

import dev.telemask.codec.AvlBatch;
import java.util.SplittableRandom;

/**
 * One device's vehicle: a seeded random walk along roads-ish headings. It parks, starts a trip (ignition on), drives
 * towards a destination (home or elsewhere) at speeds that suit the road, stops at lights, arrives (movement off,
 * ignition off) and parks again for minutes to hours, so trips happen at every hour of the day and night. Some
 * trips are in private mode. Each call appends the next record, with the IO a Teltonika FMB device reports, to a
 * batch; nothing is allocated per record.
 *
 * <p>Time is simulated: a record every {@value #DRIVING_INTERVAL_MILLIS} ms while the ignition is on and every
 * {@value #PARKED_INTERVAL_MILLIS} ms while parked, however fast the simulator sends them. Not thread-safe.
 */
public final class SimulatedVehicle {
    static final long DRIVING_INTERVAL_MILLIS = 10_000;
    static final long PARKED_INTERVAL_MILLIS = 300_000;
    public static final int MAX_SPEED_KMH = 130;
    private static final double PRIVATE_TRIP_SHARE = 0.2;
    private static final double HOME_TRIP_SHARE = 0.5;
    private static final double ARRIVED_METRES = 100;
    private static final double LOCAL_STREETS_METRES = 1_000;
    private static final long MAX_TRIP_MILLIS = 3 * 3_600_000L;
    private static final int GSM_OPERATOR_CODE = 24_602;
    /** Road classes: typical cruising speeds in km/h, city streets to motorway. */
    private static final int[] ROAD_SPEEDS = {40, 50, 50, 70, 90, 110, 130};

    private enum Phase { PARKED, DRIVING, ARRIVED }

    private final SplittableRandom random;
    private final HomeArea home;
    private final long iButton;

    private Phase phase = Phase.PARKED;
    private long time;
    private long parkedUntil;
    private long tripEnds;
    private double latitude;
    private double longitude;
    private double altitude;
    private double roadHeading;
    private double heading;
    private double speed;
    private double cruiseSpeed;
    private int trafficStopRecords;
    private double destinationLatitude;
    private double destinationLongitude;
    private boolean ignition;
    private boolean moving;
    private boolean privateMode;
    private double odometer;
    private double tripOdometer;
    private int gsmSignal = 4;

    /**
     * @param seed       the run's seed; with the IMEI it fixes the vehicle's whole route
     * @param startMillis the earliest record time; each vehicle starts at its own time of day within a day of it
     */
    public SimulatedVehicle(long seed, long imei, long startMillis) {
        this.random = new SplittableRandom(Geo.mix(seed, imei));
        this.home = HomeArea.of(seed, imei);
        // About a third of the vehicles identify their driver with an iButton key.
        this.iButton = random.nextInt(3) == 0 ? 0x0100_0000_0000_0000L | (imei & 0xFFFF_FFFF_FFFFL) : 0;
        this.time = startMillis + random.nextLong(86_400_000L) / 1000 * 1000;
        this.parkedUntil = time + random.nextLong(2 * 3_600_000L);
        this.latitude = home.latitude();
        this.longitude = home.longitude();
        this.altitude = 90 + random.nextInt(80);
        this.odometer = random.nextInt(20_000_000);
    }

    public HomeArea home() {
        return home;
    }

    /** Moves the vehicle on to its next record and appends that record to {@code batch}. */
    public void appendRecord(AvlBatch batch) {
        int event = advance();
        batch.addRecord(time, event == 0 ? 0 : 1, (int) Math.round(longitude * 1e7), (int) Math.round(latitude * 1e7),
                (int) Math.round(altitude), (int) heading % 360, 9 + random.nextInt(6), (int) Math.round(speed), event,
                AvlBatch.NO_GENERATION);
        gsmSignal = Math.clamp(gsmSignal + random.nextInt(3) - 1, 1, 5);
        batch.addIo(TeltonikaIo.IGNITION, 1, ignition ? 1 : 0);
        batch.addIo(TeltonikaIo.MOVEMENT, 1, moving ? 1 : 0);
        batch.addIo(TeltonikaIo.GSM_SIGNAL, 1, gsmSignal);
        batch.addIo(TeltonikaIo.PRIVATE_MODE, 1, privateMode ? 1 : 0);
        batch.addIo(TeltonikaIo.EXTERNAL_VOLTAGE, 2, ignition ? 13_800 + random.nextInt(400) : 12_300 + random.nextInt(300));
        batch.addIo(TeltonikaIo.GSM_CELL_ID, 2, cellId());
        batch.addIo(TeltonikaIo.TOTAL_ODOMETER, 4, (long) odometer);
        batch.addIo(TeltonikaIo.TRIP_ODOMETER, 4, (long) tripOdometer);
        batch.addIo(TeltonikaIo.GSM_OPERATOR, 4, GSM_OPERATOR_CODE);
        batch.addIo(TeltonikaIo.IBUTTON, 8, ignition ? iButton : 0);
    }

    /** Advances time and state by one record; returns the IO ID that triggered the record, or 0. */
    private int advance() {
        switch (phase) {
            case PARKED -> {
                if (time + PARKED_INTERVAL_MILLIS < parkedUntil) {
                    time += PARKED_INTERVAL_MILLIS;
                    return 0;
                }
                time = Math.max(time + 1_000, parkedUntil);
                startTrip();
                return TeltonikaIo.IGNITION;
            }
            case DRIVING -> {
                time += DRIVING_INTERVAL_MILLIS;
                drive();
                if (!moving) {
                    moving = true;
                    return TeltonikaIo.MOVEMENT;
                }
                if (arrived()) {
                    speed = 0;
                    moving = false;
                    phase = Phase.ARRIVED;
                    return TeltonikaIo.MOVEMENT;
                }
                return 0;
            }
            default -> {
                time += DRIVING_INTERVAL_MILLIS;
                ignition = false;
                phase = Phase.PARKED;
                parkedUntil = time + parkingMillis();
                return TeltonikaIo.IGNITION;
            }
        }
    }

    private void startTrip() {
        phase = Phase.DRIVING;
        ignition = true;
        tripOdometer = 0;
        tripEnds = time + MAX_TRIP_MILLIS;
        privateMode = random.nextDouble() < PRIVATE_TRIP_SHARE;
        boolean atHome = home.contains(latitude, longitude);
        if (!atHome && random.nextDouble() < HOME_TRIP_SHARE) {
            destinationLatitude = home.latitude();
            destinationLongitude = home.longitude();
        } else {
            double distance = 2_000 + random.nextDouble(23_000);
            double bearing = random.nextDouble(360);
            destinationLatitude = Geo.latitudeAfter(latitude, distance, bearing);
            destinationLongitude = Geo.longitudeAfter(latitude, longitude, distance, bearing);
        }
        chooseRoad();
    }

    /** One interval of driving: maybe turn at a junction, change speed towards the road's, move. */
    private void drive() {
        double remaining = distanceToDestination();
        if (remaining < LOCAL_STREETS_METRES) {
            // The last stretch: straight at the destination on a slow street, so every trip arrives.
            roadHeading = bearingToDestination();
            cruiseSpeed = 30;
        } else if (random.nextInt(8) == 0) {
            chooseRoad();
        }
        double targetSpeed = cruiseSpeed;
        if (trafficStopRecords > 0) {
            trafficStopRecords--;
            targetSpeed = 0;
        } else if (random.nextInt(25) == 0) {
            trafficStopRecords = 1 + random.nextInt(3);
        }
        double previous = speed;
        speed = Math.clamp(previous + Math.clamp(targetSpeed - previous, -25, 20) + random.nextDouble(-3, 3), 0, MAX_SPEED_KMH);
        heading = Geo.normalise(roadHeading + random.nextDouble(-4, 4));
        double metres = (previous + speed) / 2 / 3.6 * (DRIVING_INTERVAL_MILLIS / 1000.0);
        if (metres > 0) {
            metres = Math.min(metres, remaining);
            double lat = latitude;
            latitude = Geo.latitudeAfter(lat, metres, heading);
            longitude = Geo.longitudeAfter(lat, longitude, metres, heading);
            odometer += metres;
            tripOdometer += metres;
        }
        altitude = Math.clamp(altitude + random.nextDouble(-2, 2), 40, 300);
    }

    /** At a junction: a road along one of the eight compass directions roughly towards the destination. */
    private void chooseRoad() {
        double bearing = bearingToDestination() + (random.nextInt(5) == 0 ? random.nextInt(-1, 2) * 45 : 0);
        roadHeading = Geo.normalise(Math.round(bearing / 45) * 45.0);
        cruiseSpeed = ROAD_SPEEDS[random.nextInt(ROAD_SPEEDS.length)];
    }

    private boolean arrived() {
        return distanceToDestination() < ARRIVED_METRES || time >= tripEnds;
    }

    /** Minutes to hours: short errands by day, long stops (nights) now and then. */
    private long parkingMillis() {
        long minutes = random.nextInt(5) == 0 ? 240 + random.nextInt(600) : 5 + random.nextInt(120);
        return minutes * 60_000 + random.nextInt(60) * 1_000L;
    }

    private double distanceToDestination() {
        return Geo.distanceMetres(latitude, longitude, destinationLatitude, destinationLongitude);
    }

    private double bearingToDestination() {
        return Geo.bearing(latitude, longitude, destinationLatitude, destinationLongitude);
    }

    /** Cells of roughly 1.5 km, so the cell ID moves with the vehicle and reveals where it is. */
    private int cellId() {
        long row = (long) Math.floor(latitude / 0.014);
        long column = (long) Math.floor(longitude / 0.024);
        return (int) ((row * 7_919 + column * 104_729) & 0xFFFF);
    }
}
