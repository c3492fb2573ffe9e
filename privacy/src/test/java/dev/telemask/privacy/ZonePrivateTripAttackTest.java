package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A private trip that leaves home is a series of time entries with their mileage; where it ends, the next business
 * trip is published from its first record. Were the entries inside the zone's hidden region kept, the first one's
 * odometer and time would be home's, so the odometer published where business resumes, less that one, is the road
 * distance from home, and the private trip's duration times it: a disc around each place business resumed, which
 * private trips to many places narrow in on home.
 */
class ZonePrivateTripAttackTest {
    private static final byte[] KEY = "zone-private-trip-key".getBytes(StandardCharsets.UTF_8);
    private static final double HOME_LAT = 50.94;
    private static final double HOME_LON = 6.96;
    private static final PrivacyZone HOME = new PrivacyZone("home", HOME_LAT, HOME_LON, 300);
    private static final CompiledPolicy POLICY = CompiledPolicy.compile(
            Policy.noOp().withZones(List.of(HOME)).withTiming(Ledgers.CONTINUOUS), KEY);
    private static final double PLACE_METRES = 7_000;
    private static final int TRIPS = 12;

    private final DeviceLedger ledger = new DeviceLedger();
    private final SpokeDrive vehicle = new SpokeDrive(HOME_LAT, HOME_LON, Ledgers.NOW - 30L * 24 * 3_600_000,
            12_000_000);
    /** What a reader of the track gets: every stored record as {time, treatment, odometer, ignition, east, north}. */
    private final List<double[]> stored = new ArrayList<>();

    @Test
    void aPrivateTripFromHomeDoesNotMeasureTheWayToWhereBusinessResumes() {
        for (int trip = 0; trip < TRIPS; trip++) {
            double bearing = 2 * Math.PI * trip / TRIPS + 0.2;
            AvlBatch day = new AvlBatch();
            // Parked at home, privately to a place 7 km out, parked there, then on business a kilometre further
            // and back home along the same road, parked at home again.
            vehicle.along = 0;
            vehicle.park(day, bearing, 3);
            vehicle.drive(day, bearing, PLACE_METRES, true);
            vehicle.park(day, bearing, 2);
            vehicle.drive(day, bearing, PLACE_METRES + 1_000, false);
            vehicle.drive(day, bearing, 0, false);
            vehicle.park(day, bearing, 2);
            Treatments out = new Treatments();
            AvlBatch masked = Ledgers.feed(ledger, POLICY, Consent.ALL, false, day, out);
            for (int r = 0; r < masked.size(); r++) {
                if (out.get(r) == Treatment.ZONE || out.get(r) == Treatment.DROPPED) {
                    continue;
                }
                int e = masked.findIo(r, TeltonikaIo.TOTAL_ODOMETER);
                stored.add(new double[] {masked.timestamp(r), out.get(r).ordinal(),
                        e < 0 ? Double.NaN : masked.ioValue(e), masked.ioValue(masked.findIo(r, TeltonikaIo.IGNITION)),
                        Haversine.metres(HOME_LAT, HOME_LON, HOME_LAT, masked.longitude(r) / 1e7)
                                * Math.signum(masked.longitude(r) / 1e7 - HOME_LON),
                        Haversine.metres(HOME_LAT, HOME_LON, masked.latitude(r) / 1e7, HOME_LON)
                                * Math.signum(masked.latitude(r) / 1e7 - HOME_LAT)});
            }
        }
        List<double[]> byOdometer = new ArrayList<>();
        List<double[]> byTime = new ArrayList<>();
        for (int i = 0; i < stored.size(); i++) {
            double[] first = stored.get(i);
            // A private trip's first entry: private and driving, after anything else.
            if (!isPrivate(first) || first[3] == 0
                    || (i > 0 && isPrivate(stored.get(i - 1)) && stored.get(i - 1)[3] == 1)) {
                continue;
            }
            int end = i;
            while (!(isPrivate(stored.get(end)) && stored.get(end)[3] == 0)) {
                end++;
            }
            int resumed = end;
            while (stored.get(resumed)[1] != Treatment.EXACT.ordinal()) {
                resumed++;
            }
            double[] place = stored.get(resumed);
            byOdometer.add(new double[] {place[4], place[5], place[2] - first[2]});
            byTime.add(new double[] {place[4], place[5], (stored.get(end)[0] - first[0]) / 1000 * SpokeDrive.SPEED_MPS});
        }
        assertTrue(byOdometer.size() == TRIPS, "every private trip was found: " + byOdometer.size());
        double missByOdometer = Multilateration.miss(byOdometer);
        double missByTime = Multilateration.miss(byTime);
        assertTrue(missByOdometer > HOME.radiusMetres(), "the private trips' odometers put home "
                + Math.round(missByOdometer) + " m from where it is");
        assertTrue(missByTime > HOME.radiusMetres(), "the private trips' durations put home "
                + Math.round(missByTime) + " m from where it is");
    }

    private static boolean isPrivate(double[] row) {
        return row[1] == Treatment.PRIVATE.ordinal();
    }

    /** Where the discs (east, north, radius in metres from home) best meet, by least squares on a 20 m grid. */
    static final class Multilateration {
        private Multilateration() {}

        static double miss(List<double[]> discs) {
            double cx = 0;
            double cy = 0;
            for (double[] disc : discs) {
                cx += disc[0] / discs.size();
                cy += disc[1] / discs.size();
            }
            double bestX = cx;
            double bestY = cy;
            double bestError = Double.MAX_VALUE;
            for (double x = cx - 10_000; x <= cx + 10_000; x += 20) {
                for (double y = cy - 10_000; y <= cy + 10_000; y += 20) {
                    double error = 0;
                    for (double[] disc : discs) {
                        double d = Math.hypot(x - disc[0], y - disc[1]) - disc[2];
                        error += d * d;
                    }
                    if (error < bestError) {
                        bestError = error;
                        bestX = x;
                        bestY = y;
                    }
                }
            }
            return Math.hypot(bestX, bestY);
        }
    }
}
