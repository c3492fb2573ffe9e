package dev.telemask.gateway.console;

import dev.telemask.codec.AvlBatch;
import dev.telemask.privacy.GeoGrid;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The console test's day of driving: a business trip through Vilnius, then a private trip somewhere else (the
 * device's private-mode element on), each ended by a stop. The two are far apart, so that any coordinate of the
 * private trip found in the browser can only be a leak.
 */
final class ConsoleDrives {
    static final int RECORDS_PER_TRIP = 10;
    static final long MINUTE = 60_000L;
    static final int BUSINESS_LATITUDE = 546_674_257;
    static final int BUSINESS_LONGITUDE = 252_560_283;
    static final int PRIVATE_LATITUDE = 547_123_457;
    static final int PRIVATE_LONGITUDE = 253_198_765;

    private ConsoleDrives() {
    }

    static AvlBatch businessTrip(long startMillis) {
        return trip(startMillis, BUSINESS_LATITUDE, BUSINESS_LONGITUDE, 20_000, 30_000, 0);
    }

    static AvlBatch privateTrip(long startMillis) {
        return trip(startMillis, PRIVATE_LATITUDE, PRIVATE_LONGITUDE, 11_000, 13_000, 1);
    }

    /** A trip like the business one, from another place; private when {@code privateMode} is 1. */
    static AvlBatch tripFrom(long startMillis, int latitude, int longitude, int privateMode) {
        return trip(startMillis, latitude, longitude, 20_000, 30_000, privateMode);
    }

    /** What the trip from a place looks like in any text the browser gets (degrees, cut to 4 decimals). */
    static List<String> needlesOf(int latitude, int longitude) {
        List<String> needles = new ArrayList<>();
        for (int r = 0; r <= RECORDS_PER_TRIP; r++) {
            needles.add(degrees(latitude + r * 20_000));
            needles.add(degrees(longitude + r * 30_000));
        }
        return needles;
    }

    /** What the private trip's coordinates look like in any text the browser gets: none may appear. */
    static List<String> privateNeedles() {
        List<String> needles = new ArrayList<>();
        for (int r = 0; r <= RECORDS_PER_TRIP; r++) {
            int latitude = PRIVATE_LATITUDE + r * 11_000;
            int longitude = PRIVATE_LONGITUDE + r * 13_000;
            needles.add(degrees(latitude));
            needles.add(degrees(longitude));
            needles.add(Integer.toString(latitude));
            needles.add(Integer.toString(longitude));
        }
        return needles;
    }

    /** The business trip's stored (coarsened) points, which the browser must get: the check's positive control. */
    static List<String> businessNeedles(int gridMetres) {
        GeoGrid grid = new GeoGrid(gridMetres);
        List<String> needles = new ArrayList<>();
        for (int r = 0; r < RECORDS_PER_TRIP; r++) {
            long centre = grid.snap(BUSINESS_LATITUDE + r * 20_000, BUSINESS_LONGITUDE + r * 30_000);
            needles.add(degrees(GeoGrid.latitudeOf(centre)));
        }
        return needles;
    }

    /** Degrees as JSON or a page would print them, cut to 4 decimals (about 10 m): a prefix of any rendering. */
    static String degrees(int e7) {
        String plain = BigDecimal.valueOf(e7, 7).stripTrailingZeros().toPlainString();
        int point = plain.indexOf('.');
        return point < 0 ? plain : plain.substring(0, Math.min(plain.length(), point + 5));
    }

    /** {@link #RECORDS_PER_TRIP} records a minute apart, moving, then one where ignition and movement go off. */
    private static AvlBatch trip(long startMillis, int latitude, int longitude, int latitudeStep, int longitudeStep,
                                 int privateMode) {
        AvlBatch batch = new AvlBatch();
        for (int r = 0; r <= RECORDS_PER_TRIP; r++) {
            boolean stop = r == RECORDS_PER_TRIP;
            batch.addRecord(startMillis + r * MINUTE, 0, longitude + r * longitudeStep, latitude + r * latitudeStep,
                    120, 45, 9, stop ? 0 : 40, stop ? 239 : 0, AvlBatch.NO_GENERATION);
            batch.addIo(239, 1, stop ? 0 : 1); // ignition
            batch.addIo(240, 1, stop ? 0 : 1); // movement
            batch.addIo(391, 1, privateMode); // Teltonika's private-mode element
            batch.addIo(16, 4, 2_000_000 + r * 1_200L); // total odometer, metres
        }
        return batch;
    }
}
