package dev.telemask.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import dev.telemask.privacy.CompiledPolicy;
import dev.telemask.privacy.Consent;
import dev.telemask.privacy.Policy;
import dev.telemask.privacy.PrivacyZone;
import dev.telemask.privacy.TeltonikaIo;
import dev.telemask.privacy.Treatment;
import dev.telemask.privacy.TripTiming;
import dev.telemask.storage.IngestProfile;
import dev.telemask.storage.PositionBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When the gateway received a device's frames must not time the way from home to a trip's first visible point.
 *
 * <p>A fleet manager who polls a device's {@code lastSeenAt} sees when frames arrive. A vehicle parked at home sends
 * rarely; the frames of a trip start come in a dense run from the moment it leaves. Were the frames of records a zone
 * hid (or that wait sealed in a trip's first minutes) to move it, the run's first update would time the way from home
 * to the trip's first visible point, and that time at the visible record's speed is the length of the way: a disc
 * around each first visible point, which trips in many directions narrow in on home, whatever the hidden disc's
 * offset (a distance is measured from home, not from the disc).
 *
 * <p>A record that waited sealed in its trip's grace window and is published had it stored with the receive time of
 * the frame that decided it, when the grace window ended: that time less the window is when the trip began at home.
 *
 * <p>The moment such a record is published tells the same where no stored time does: the live map, a webhook or
 * Kafka get it with the commit of the frame that decided it. A trip that starts in a hidden disc is therefore held
 * until its grace window has passed since it left the disc, not since it began.
 */
class ArrivalTimeZoneAttackTest {
    private static final byte[] KEY = "last-seen-attack-key".getBytes(StandardCharsets.UTF_8);
    private static final double HOME_LAT = 48.137;
    private static final double HOME_LON = 11.575;
    private static final int ZONE_RADIUS = 300;
    private static final double METRES_NORTH = 6_371_008.8 * Math.PI / 180;
    private static final double METRES_EAST = METRES_NORTH * Math.cos(Math.toRadians(HOME_LAT));
    private static final long STEP_MILLIS = 10_000;
    private static final long DELIVERY_MILLIS = 1_000;
    private static final int TRIPS = 16;

    private final DeviceContext device = new DeviceContext(
            new IngestProfile(352_094_080_000_002L, 1, false, null, 0, null, true, true, true, null, 0, 3),
            CompiledPolicy.compile(Policy.noOp()
                    .withZones(List.of(new PrivacyZone("home", HOME_LAT, HOME_LON, ZONE_RADIUS)))
                    .withTiming(TripTiming.DEFAULT), KEY),
            Consent.ALL);
    private final DevicePrivacy privacy = new DevicePrivacy(
            new IngestLimits(Period.ofMonths(12), Duration.ofMinutes(5), Duration.ofDays(1)));
    private final IngestMetrics metrics = new IngestMetrics(new SimpleMeterRegistry());
    /** What the attacker reads: every value {@code lastSeenAt} took, and the published records. */
    private final List<Long> lastSeen = new ArrayList<>();
    private final List<double[]> published = new ArrayList<>();
    private double speed = 12;

    @Test
    void theLastSeenTimeDoesNotTimeTheWayFromHomeToTheFirstVisiblePoint() {
        List<double[]> rings = new ArrayList<>();
        for (double[] first : tripsOut()) {
            rings.add(ringOf(first));
        }
        double[] estimate = multilaterate(rings);
        double miss = Math.hypot(estimate[0], estimate[1]);
        assertTrue(miss > ZONE_RADIUS, "lastSeenAt timed the way from home: the trips' first visible points, each"
                + " at the distance it gave, put home " + Math.round(miss) + " m from where it is");
    }

    @Test
    void aRecordThatWaitedSealedDoesNotTellWhenItsTripBegan() {
        assertHeldRecordsDoNotFindHome(4, "the receive times of records decided at the end of their trips' grace"
                + " windows");
    }

    @Test
    void theFrameThatPublishesATripsStartDoesNotTellWhenItBegan() {
        // The live map, a webhook or Kafka see a record when the frame that published it came.
        assertHeldRecordsDoNotFindHome(5, "the moment records held in their trips' grace windows were published");
    }

    private void assertHeldRecordsDoNotFindHome(int seen, String what) {
        speed = 25;
        double[] found = homeFromHeldRecords(tripsOut(), seen);
        assertTrue(found[0] > ZONE_RADIUS, what + " timed the way from home: " + (int) found[1] + " trips put home "
                + Math.round(found[0]) + " m from where it is");
    }

    /**
     * How far from home the attacker puts it, and from how many trips, taking field {@code seen} of each first visible
     * record (4: its stored receive time, 5: when the frame that published it came) for the end of its trip's grace
     * window where that is later than the device sent it (it waited).
     */
    private static double[] homeFromHeldRecords(List<double[]> firsts, int seen) {
        List<double[]> rings = new ArrayList<>();
        for (double[] first : firsts) {
            if (first[seen] - first[0] > DELIVERY_MILLIS) {
                long start = (long) first[seen] - DELIVERY_MILLIS - TripTiming.DEFAULT.graceWindow().toMillis();
                rings.add(new double[] {first[1], first[2], (first[0] - start) / 1000.0 * first[3]});
            }
        }
        double miss = Double.POSITIVE_INFINITY;
        if (rings.size() >= 3) {
            double[] estimate = multilaterate(rings);
            miss = Math.hypot(estimate[0], estimate[1]);
        }
        return new double[] {miss, rings.size()};
    }

    /** Trips out from home in many directions and back; the first visible record of each trip out. */
    private List<double[]> tripsOut() {
        privacy.restore(device);
        long time = 1_800_000_000_000L;
        List<double[]> firsts = new ArrayList<>();
        for (int trip = 0; trip < TRIPS; trip++) {
            double bearing = 2 * Math.PI * trip / TRIPS + 0.3;
            // Parked at home half an hour, one record, then a trip out 8 km along a straight road, parked there, and
            // back home.
            time += 30 * 60_000;
            send(record(time, 0, 0, false, 0));
            time += 20 * 60_000;
            int firstPublished = published.size();
            time = drive(time, bearing, 0, 8_000);
            firsts.add(published.get(firstPublished));
            time += 30 * 60_000;
            send(record(time, bearing, 8_000, false, 0));
            time += 20 * 60_000;
            time = drive(time, bearing + Math.PI, 8_000, 0);
        }
        return firsts;
    }

    /** The attacker's disc around a first visible point: east, north, radius (metres from home, which it seeks). */
    private double[] ringOf(double[] first) {
        long visibleReceived = (long) first[0] + DELIVERY_MILLIS;
        // The dense run of last-seen updates before the first visible record: its first one is the trip's start.
        int i = lastSeen.size() - 1;
        while (i > 0 && lastSeen.get(i) > visibleReceived) {
            i--;
        }
        while (i > 0 && lastSeen.get(i) - lastSeen.get(i - 1) <= 5 * 60_000) {
            i--;
        }
        long start = lastSeen.get(i) - DELIVERY_MILLIS;
        double metres = Math.max(0, (first[0] - start) / 1000.0 * first[3]);
        return new double[] {first[1], first[2], metres};
    }

    /** Drives from {@code from} to {@code to} metres along {@code bearing} (from home), ignition off at the end. */
    private long drive(long time, double bearing, double from, double to) {
        double direction = Math.signum(to - from);
        double along = from;
        send(record(time, bearing, along, true, TeltonikaIo.IGNITION));
        while (Math.abs(to - along) > speed * STEP_MILLIS / 1000.0) {
            time += STEP_MILLIS;
            along += direction * speed * STEP_MILLIS / 1000.0;
            send(record(time, bearing, along, true, 0));
        }
        time += STEP_MILLIS;
        send(record(time, bearing, to, false, 0));
        return time;
    }

    private AvlBatch record(long time, double bearing, double along, boolean driving, int eventIo) {
        AvlBatch frame = new AvlBatch();
        int lat = (int) Math.round((HOME_LAT + along * Math.cos(bearing) / METRES_NORTH) * 1e7);
        int lon = (int) Math.round((HOME_LON + along * Math.sin(bearing) / METRES_EAST) * 1e7);
        int heading = (int) Math.round(Math.toDegrees(bearing)) % 360;
        frame.addRecord(time, 0, lon, lat, 500, (heading + 360) % 360, 9,
                driving ? (int) Math.round(speed * 3.6) : 0, eventIo, AvlBatch.NO_GENERATION);
        frame.addIo(TeltonikaIo.IGNITION, 1, driving ? 1 : 0);
        frame.addIo(TeltonikaIo.MOVEMENT, 1, driving ? 1 : 0);
        return frame;
    }

    /** One frame per record, received a second after it was logged, and what a fleet manager then reads. */
    private void send(AvlBatch frame) {
        long received = frame.timestamp(0) + DELIVERY_MILLIS;
        PositionBatch positions = new PositionBatch();
        privacy.mask(device, frame, positions, received, metrics);
        if (positions.recordsLastSeen()) {
            lastSeen.add(positions.lastSeenMillis());
        }
        AvlBatch out = positions.records();
        for (int r = 0; r < out.size(); r++) {
            if (positions.treatment(r) == Treatment.EXACT.code()) {
                published.add(new double[] {out.timestamp(r),
                        (out.longitude(r) / 1e7 - HOME_LON) * METRES_EAST,
                        (out.latitude(r) / 1e7 - HOME_LAT) * METRES_NORTH, out.speed(r) / 3.6,
                        positions.receivedAtMillis(r), received});
            }
        }
        privacy.committed(positions);
    }

    /**
     * The point whose distances to the rings' centres best match their radii (least squares): searched on a 200 m grid
     * around the centres' centroid, then on a 10 m grid around the best point of that.
     */
    private static double[] multilaterate(List<double[]> rings) {
        double[] best = {rings.stream().mapToDouble(ring -> ring[0]).average().orElseThrow(),
                rings.stream().mapToDouble(ring -> ring[1]).average().orElseThrow()};
        for (double[] search : new double[][] {{10_000, 200}, {300, 10}}) {
            double[] centre = best.clone();
            double bestError = Double.MAX_VALUE;
            int steps = (int) (search[0] / search[1]);
            for (int i = -steps; i <= steps; i++) {
                for (int j = -steps; j <= steps; j++) {
                    double x = centre[0] + i * search[1];
                    double y = centre[1] + j * search[1];
                    double error = rings.stream().mapToDouble(ring -> {
                        double d = Math.hypot(x - ring[0], y - ring[1]) - ring[2];
                        return d * d;
                    }).sum();
                    if (error < bestError) {
                        bestError = error;
                        best = new double[] {x, y};
                    }
                }
            }
        }
        return best;
    }
}
