package dev.telemask.bench.zone;

import dev.telemask.codec.AvlBatch;
import dev.telemask.privacy.CompiledPolicy;
import dev.telemask.privacy.Consent;
import dev.telemask.privacy.DeviceLedger;
import dev.telemask.privacy.Policy;
import dev.telemask.privacy.PrivacyZone;
import dev.telemask.privacy.Treatment;
import dev.telemask.privacy.TripTiming;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Drives one home's trips through the real privacy engine (a {@link DeviceLedger}, as the gateway does) and keeps
 * what the API would publish of each: only records stored exact or coarsened carry a position.
 */
final class ZoneAttackRun {
    /** Logged every second; trips 40 minutes apart, continuous for the engine (no gaps, no grace window). */
    static final TripTiming TIMING = new TripTiming(Duration.ZERO, Duration.ofHours(1), Duration.ofHours(2),
            Duration.ZERO);
    private static final long START = 1_750_000_000_000L;
    private static final long NOW = 1_800_000_000_000L;
    private static final int ODOMETER = 16;

    private ZoneAttackRun() {}

    /**
     * {@code trips} trips leaving a home and as many arriving, half on straight streets and half on curvy roads,
     * under a zone of {@code radiusMetres} around the home and a grid of {@code gridMetres} (0: none).
     */
    static List<PublishedTrip> run(Random random, LocalPlane home, int radiusMetres, int gridMetres, int trips,
                                   byte[] zoneKey) {
        PrivacyZone zone = new PrivacyZone("home", home.latitude(), home.longitude(), radiusMetres);
        Policy policy = Policy.noOp().withZones(List.of(zone)).withCoarseningMetres(gridMetres).withTiming(TIMING);
        CompiledPolicy compiled = CompiledPolicy.compile(policy, zoneKey);
        CommuteRoutes routes = new CommuteRoutes(random);
        DeviceLedger ledger = new DeviceLedger();
        List<PublishedTrip> published = new ArrayList<>();
        long time = START;
        long odometer = 10_000_000;
        for (int t = 0; t < 2 * trips; t++) {
            boolean leaving = t % 2 == 0;
            CommuteRoutes.Road road = (t / 2) % 2 == 0 ? CommuteRoutes.Road.STRAIGHT : CommuteRoutes.Road.CURVY;
            double bearing = 2 * Math.PI * random.nextDouble();
            double[][] route = leaving ? routes.away(road, bearing, 6000) : routes.home(road, bearing, 6000);
            AvlBatch frame = new AvlBatch();
            List<double[]> truth = new ArrayList<>();
            for (int i = 0; i <= route.length + 1; i++) {
                double[] s = route[Math.min(Math.max(i - 1, 0), route.length - 1)];
                boolean driving = i > 0 && i <= route.length;
                odometer += driving ? Math.round(s[2]) : 0;
                frame.addRecord(time, 0, home.longitudeE7(s[0]), home.latitudeE7(s[1]), 50 + (int) (s[1] / 100),
                        (int) Math.round(Math.toDegrees(s[3]) % 360 + 360) % 360, 10,
                        driving ? (int) Math.round(s[2] * 3.6) : 0, 0, AvlBatch.NO_GENERATION);
                frame.addIo(239, 1, driving ? 1 : 0);
                frame.addIo(240, 1, driving ? 1 : 0);
                frame.addIo(ODOMETER, 4, odometer);
                truth.add(new double[] {s[0], s[1]});
                time += 1000;
            }
            time += Duration.ofMinutes(40).toMillis();
            ledger.apply(compiled, Consent.ALL, false, frame, NOW, Long.MIN_VALUE, Long.MAX_VALUE,
                    Duration.ofDays(1).toMillis());
            ledger.committed();
            published.add(collect(ledger, home, truth, leaving, frame.timestamp(0)));
        }
        return published;
    }

    private static PublishedTrip collect(DeviceLedger ledger, LocalPlane home, List<double[]> truth, boolean leaving,
                                         long frameStart) {
        AvlBatch out = ledger.output();
        PublishedTrip trip = new PublishedTrip(leaving);
        for (int r = 0; r < out.size(); r++) {
            Treatment treatment = Treatment.ofCode(ledger.treatments()[r]);
            if (treatment != Treatment.EXACT && treatment != Treatment.COARSENED) {
                continue;
            }
            int index = (int) ((out.timestamp(r) - frameStart) / 1000);
            if (index < 0 || index >= truth.size()) {
                continue; // a record of an earlier frame decided only now: not this trip's
            }
            double[] t = truth.get(index);
            trip.add(home.xE7(out.latitude(r), out.longitude(r)), home.yE7(out.latitude(r)),
                    out.speed(r) / 3.6, Math.toRadians(out.angle(r)), t[0], t[1]);
        }
        return trip;
    }
}
