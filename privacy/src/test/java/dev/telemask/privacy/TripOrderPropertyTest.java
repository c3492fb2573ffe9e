package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What is stored for a device does not depend on the order its records arrive in: random drives under random
 * policies, sent oldest first in random frames, then the same frames shuffled, newest first, with resends, and
 * across a reconnect (the ledger saved and restored with its sealed records), with writes that fail and are
 * resent, must leave the same stored rows,
 * masked fields included, and the same records sealed.
 */
class TripOrderPropertyTest {
    static final byte[] KEY = "order-test-key".getBytes(StandardCharsets.UTF_8);
    static final long T0 = 1_750_000_000_000L;
    static final long ARRIVAL = 1_800_000_000_000L;
    static final long EXPIRY = Duration.ofDays(1).toMillis();

    final Random random = new Random(11L);

    @Test
    void storedRowsAreTheSameWhateverTheArrivalOrder() {
        int published = 0;
        int privateRows = 0;
        for (int round = 0; round < 300; round++) {
            double lat = random.nextDouble() * 120 - 60;
            double lon = random.nextDouble() * 340 - 170;
            CompiledPolicy policy = CompiledPolicy.compile(randomPolicy(lat, lon), KEY);
            Consent consent = new Consent(random.nextInt(10) != 0, random.nextBoolean(), random.nextBoolean());
            List<AvlBatch> frames = frames(randomDrive(lat, lon));

            Store inOrder = ingest(policy, consent, frames, false);
            List<AvlBatch> shuffled = new ArrayList<>(frames);
            switch (round % 3) {
                case 0 -> Collections.reverse(shuffled);
                case 1 -> Collections.shuffle(shuffled, random);
                default -> {
                    Collections.shuffle(shuffled, random);
                    shuffled.add(shuffled.get(random.nextInt(shuffled.size()))); // a resend
                }
            }
            Store other = ingest(policy, consent, shuffled, round % 2 == 0);
            assertEquals(inOrder.rows, other.rows, "round " + round + ": stored rows differ");
            assertEquals(inOrder.sealed, other.sealed, "round " + round + ": sealed records differ");
            for (String row : inOrder.rows.values()) {
                if (row.contains("PRIVATE") || row.contains("ZONE")) {
                    privateRows++;
                } else {
                    published++;
                }
            }
        }
        assertTrue(published > 1000 && privateRows > 1000, "both exercised: " + published + " published, "
                + privateRows + " private");
    }

    /** The database as the writer would leave it: positions by key, and the keys of sealed records. */
    static final class Store {
        final Map<String, String> rows = new TreeMap<>();
        final TreeSet<String> sealed = new TreeSet<>();
    }

    /** Sends the frames one by one, then lets the anchor delay pass; optionally reconnects half way. */
    private Store ingest(CompiledPolicy policy, Consent consent, List<AvlBatch> frames, boolean reconnect) {
        Store store = new Store();
        DeviceLedger ledger = new DeviceLedger();
        PendingRecords sealedOnDisk = new PendingRecords();
        long now = ARRIVAL;
        for (int f = 0; f < frames.size(); f++) {
            if (reconnect && f == frames.size() / 2) {
                byte[] saved = ledger.savedState();
                ledger = new DeviceLedger();
                ledger.restore(saved, sealedOnDisk);
            }
            now += 20;
            AvlBatch copy = new AvlBatch();
            copy.copyFrom(frames.get(f));
            if (random.nextInt(6) == 0) {
                // The write of this frame fails: nothing of it is stored, and the device sends it again.
                ledger.apply(policy, consent, false, copy, now, Long.MIN_VALUE, Long.MAX_VALUE, EXPIRY);
                ledger.rolledBack();
            }
            apply(ledger, policy, consent, copy, now, store, sealedOnDisk);
        }
        apply(ledger, policy, consent, null, now + policy.anchorDelayMillis + 1, store, sealedOnDisk);
        apply(ledger, policy, consent, null, now + 2 * policy.anchorDelayMillis + 2, store, sealedOnDisk);
        return store;
    }

    private static void apply(DeviceLedger ledger, CompiledPolicy policy, Consent consent, AvlBatch frame, long now,
                              Store store, PendingRecords sealedOnDisk) {
        ledger.apply(policy, consent, false, frame, now, Long.MIN_VALUE, Long.MAX_VALUE, EXPIRY);
        ledger.committed();
        AvlBatch out = ledger.output();
        for (int i = 0; i < ledger.resolvedCount(); i++) {
            assertTrue(store.sealed.remove(key(ledger.resolvedTimes()[i], ledger.resolvedEvents()[i])),
                    "resolved a record that was not sealed");
        }
        for (int r = 0; r < out.size(); r++) {
            Treatment t = Treatment.ofCode(ledger.treatments()[r]);
            if (t == Treatment.SEALED) {
                store.sealed.add(key(out.timestamp(r), out.keyEventIo(r)));
                sealedOnDisk.add(out, r, ledger.sealFlags()[r], now, true);
            } else if (t != Treatment.DROPPED) {
                store.rows.putIfAbsent(key(out.timestamp(r), out.keyEventIo(r)), row(out, r, t));
            }
        }
        // What is on disk sealed is what the store says is sealed.
        PendingRecords still = new PendingRecords();
        for (int i = 0; i < sealedOnDisk.size(); i++) {
            if (store.sealed.contains(key(sealedOnDisk.timeAt(i), sealedOnDisk.eventAt(i)))) {
                still.add(sealedOnDisk.records(), sealedOnDisk.slot(i), sealedOnDisk.flagsAt(i),
                        sealedOnDisk.receivedAtMillis(i), true);
            }
        }
        sealedOnDisk.copyTail(still, 0, true);
    }

    private static String key(long time, int event) {
        return time + "/" + event;
    }

    private static String row(AvlBatch b, int r, Treatment t) {
        StringBuilder row = new StringBuilder().append(t).append(' ');
        if (b.isLocationCleared(r)) {
            row.append("no location");
        } else {
            row.append(b.latitude(r)).append(',').append(b.longitude(r)).append(',').append(b.altitude(r)).append(',')
                    .append(b.angle(r)).append(',').append(b.speed(r)).append(',').append(b.satellites(r));
        }
        row.append(" io");
        for (int e = b.ioStart(r), end = e + b.ioCount(r); e < end; e++) {
            if (!b.isIoRemoved(e)) {
                row.append(' ').append(b.ioId(e)).append('=').append(b.ioWidth(e) == 0 ? "nx" : b.ioValue(e));
            }
        }
        return row.toString();
    }

    private List<AvlBatch> frames(AvlBatch drive) {
        List<AvlBatch> frames = new ArrayList<>();
        int r = 0;
        while (r < drive.size()) {
            AvlBatch frame = new AvlBatch();
            int n = 1 + random.nextInt(8);
            boolean newestFirst = random.nextBoolean();
            int end = Math.min(drive.size(), r + n);
            for (int i = 0; i < end - r; i++) {
                frame.appendRecord(drive, newestFirst ? end - 1 - i : r + i);
            }
            frames.add(frame);
            r = end;
        }
        return frames;
    }

    private Policy randomPolicy(double lat, double lon) {
        Policy policy = Policy.noOp();
        if (random.nextBoolean()) {
            Map<DayOfWeek, List<TimeRange>> days = new EnumMap<>(DayOfWeek.class);
            for (DayOfWeek day : DayOfWeek.values()) {
                int start = random.nextInt(19 * 60);
                days.put(day, List.of(new TimeRange(start, start + 60 + random.nextInt(4 * 60))));
            }
            policy = policy.withSchedule(new BusinessSchedule(ZoneId.of("UTC"), days));
        }
        if (random.nextBoolean()) {
            policy = policy.withCoarseningMetres(200 + random.nextInt(2000));
        }
        if (random.nextBoolean()) {
            policy = policy.withZones(List.of(new PrivacyZone("home", lat, lon, 100 + random.nextInt(500))));
        }
        Duration grace = Duration.ofSeconds(random.nextInt(4) * 60L);
        return policy.withTiming(new TripTiming(grace, Duration.ofMinutes(1), Duration.ofHours(2),
                Duration.ofSeconds(5)));
    }

    /**
     * Parked and driving phases logged every 35 to 60 s (so that a missing frame always leaves a gap over a minute),
     * the private-mode button pressed and released at random, sometimes a long parked stretch logged every 20 min.
     */
    private AvlBatch randomDrive(double lat, double lon) {
        Drive drive = new Drive(ZoneId.of("UTC"));
        long time = T0 + random.nextInt(86_400_000);
        int n = 20 + random.nextInt(80);
        boolean driving = random.nextBoolean();
        boolean wasDriving = false;
        int button = 0;
        double heading = random.nextDouble() * 2 * Math.PI;
        for (int i = 0; i < n; i++) {
            if (random.nextInt(10) == 0) {
                driving = !driving;
            }
            if (random.nextInt(12) == 0) {
                button ^= 1;
            }
            boolean sparse = !driving && random.nextInt(8) == 0;
            time += sparse ? 20 * 60_000L : 35_000L + random.nextInt(25_000);
            if (driving) {
                heading += random.nextGaussian() * 0.3;
                double[] p = Haversine.destination(lat, lon, heading, 200 + random.nextInt(400));
                lat = p[0];
                lon = p[1];
            }
            drive.record(time, lat, lon, 9, driving ? 1 : 0, driving ? 1 : 0, random.nextInt(3) == 0 ? -1 : button);
            if (driving != wasDriving && random.nextInt(5) != 0) {
                // Like an FMB device, mostly: a record logged because ignition changed, which says so.
                drive.batch.setEventIo(drive.batch.size() - 1, TeltonikaIo.IGNITION);
            } else if (random.nextInt(15) == 0) {
                drive.batch.setEventIo(drive.batch.size() - 1, 155);
            }
            wasDriving = driving;
        }
        return drive.batch;
    }
}
