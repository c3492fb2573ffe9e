package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * For random policies and random drives: no private or zone record ever leaves the engine with anything that
 * locates it, and no record inside a zone is ever visible.
 */
class PrivacyPropertyTest {
    static final byte[] KEY = "property-test-key".getBytes(StandardCharsets.UTF_8);
    static final String[] ZONES = {"Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC",
            "Pacific/Chatham", "America/Sao_Paulo"};

    final Random random = new Random(20250602L);

    @Test
    void maskedRecordsNeverCarryAnythingThatLocatesThem() {
        int masked = 0;
        int visible = 0;
        for (int round = 0; round < 400; round++) {
            double homeLat = random.nextDouble() * 160 - 80;
            double homeLon = random.nextDouble() * 360 - 180;
            Policy policy = randomPolicy(homeLat, homeLon);
            Consent consent = new Consent(random.nextInt(8) != 0, random.nextBoolean(), random.nextBoolean());
            CompiledPolicy compiled = CompiledPolicy.compile(policy.withTiming(Ledgers.CONTINUOUS), KEY);
            DeviceLedger ledger = new DeviceLedger();
            boolean manualPrivate = random.nextInt(4) == 0;
            Treatments out = new Treatments();
            for (int batchNo = 0; batchNo < 3; batchNo++) {
                AvlBatch original = randomDrive(homeLat, homeLon, 1_750_000_000_000L + batchNo * 3_600_000L);
                java.util.Map<Long, Integer> byTime = new java.util.HashMap<>();
                for (int r = original.size() - 1; r >= 0; r--) {
                    byTime.put(original.timestamp(r), r);
                }
                AvlBatch batch = Ledgers.feed(ledger, compiled, consent, manualPrivate, original, out);
                for (int r = 0; r < batch.size(); r++) {
                    Treatment t = out.get(r);
                    if (t == Treatment.SEALED) {
                        continue; // held encrypted, never published
                    }
                    assertTrue(!manualPrivate || Verdicts.masked(t), "the manual switch hides everything");
                    if (Verdicts.masked(t)) {
                        masked++;
                        Verdicts.assertNothingLocates(batch, r);
                    } else {
                        visible++;
                        assertTrue(consent.location(), "without location consent nothing is visible");
                        assertOutsideEveryZone(policy, original, byTime.get(batch.timestamp(r)));
                    }
                    assertFilters(consent, compiled, batch, r);
                }
            }
        }
        assertTrue(masked > 1000 && visible > 1000, "both kinds exercised: " + masked + " masked, " + visible + " visible");
    }

    private static void assertOutsideEveryZone(Policy policy, AvlBatch original, int r) {
        if (original.latitude(r) == 0 && original.longitude(r) == 0) {
            return;
        }
        for (PrivacyZone zone : policy.zones()) {
            double d = Haversine.metres(original.latitude(r) / 1e7, original.longitude(r) / 1e7,
                    zone.latitude(), zone.longitude());
            assertTrue(d > zone.radiusMetres(), "record " + r + " visible " + d + " m from the centre of " + zone);
        }
    }

    private static void assertFilters(Consent consent, CompiledPolicy compiled, AvlBatch batch, int r) {
        for (int e = batch.ioStart(r), end = e + batch.ioCount(r); e < end; e++) {
            if (batch.isIoRemoved(e)) {
                continue;
            }
            int id = batch.ioId(e);
            assertTrue(consent.driverIdentity() || !TeltonikaIo.DRIVER_IDENTITY.contains(id), "driver element " + id);
            assertTrue(consent.telemetry() || TeltonikaIo.WITHOUT_TELEMETRY.contains(id), "telemetry element " + id);
            assertTrue(compiled.keptIo == null || compiled.keptIo.contains(id), "filtered element " + id);
        }
    }

    private Policy randomPolicy(double homeLat, double homeLon) {
        Policy policy = Policy.noOp();
        if (random.nextBoolean()) {
            Map<DayOfWeek, List<TimeRange>> days = new EnumMap<>(DayOfWeek.class);
            for (DayOfWeek day : DayOfWeek.values()) {
                if (random.nextInt(3) != 0) {
                    int start = random.nextInt(TimeRange.MINUTES_PER_DAY - 1);
                    days.put(day, List.of(new TimeRange(start, start + 1 + random.nextInt(TimeRange.MINUTES_PER_DAY - start))));
                }
            }
            policy = policy.withSchedule(new BusinessSchedule(ZoneId.of(ZONES[random.nextInt(ZONES.length)]), days));
        }
        if (random.nextBoolean()) {
            policy = policy.withCoarseningMetres(100 + random.nextInt(5000));
        }
        List<PrivacyZone> zones = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            double[] centre = Haversine.destination(homeLat, homeLon, random.nextDouble() * 2 * Math.PI, random.nextDouble() * 3000);
            zones.add(new PrivacyZone("z" + i, centre[0], centre[1], 50 + random.nextInt(2000)));
        }
        policy = policy.withZones(zones);
        if (random.nextInt(4) == 0) {
            Set<Integer> keep = new HashSet<>();
            for (int id : new int[] {16, 199, 239, 240, 66, 205, 78, 1640, 391}) {
                if (random.nextBoolean()) {
                    keep.add(id);
                }
            }
            policy = policy.withKeptIo(IoSelection.only(keep));
        }
        if (random.nextInt(5) == 0) {
            policy = policy.withPrivateRecords(PrivateRecordHandling.DROP);
        }
        return policy;
    }

    /** A wandering drive around home: trips, stops, no-fix stretches, the private-mode button, shuffled frames. */
    private AvlBatch randomDrive(double lat, double lon, long start) {
        Drive drive = new Drive(ZoneId.of("UTC"));
        int n = 5 + random.nextInt(60);
        int ignition = random.nextInt(2);
        long[] times = new long[n];
        for (int i = 0; i < n; i++) {
            times[i] = start + i * (1000L + random.nextInt(600_000));
        }
        if (random.nextInt(5) == 0) {
            shuffle(times);
        }
        for (int i = 0; i < n; i++) {
            if (random.nextInt(6) == 0) {
                ignition ^= 1;
            }
            double[] p = Haversine.destination(lat, lon, random.nextDouble() * 2 * Math.PI, random.nextDouble() * 1500);
            lat = p[0];
            lon = p[1];
            int satellites = random.nextInt(5) == 0 ? 0 : 4 + random.nextInt(10);
            double reportedLat = satellites == 0 && random.nextBoolean() ? 0 : lat;
            double reportedLon = reportedLat == 0 ? 0 : lon;
            int privateMode = random.nextInt(4) == 0 ? random.nextInt(2) : -1;
            drive.record(times[i], reportedLat, reportedLon, satellites, ignition, ignition == 1 ? random.nextInt(5) == 0 ? 0 : 1 : 0,
                    privateMode);
        }
        return drive.batch;
    }

    private void shuffle(long[] values) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }
}
