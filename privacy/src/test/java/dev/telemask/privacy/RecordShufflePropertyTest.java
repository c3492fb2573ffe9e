package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The arrival-order property record by record: the records of a day (not its frames) in a random permutation, cut
 * into random frames, with duplicates inside a frame and across frames, failed writes, and several reconnects to
 * "another instance" (the ledger saved as the gateway saves it and restored with what is sealed on disk), all within
 * the anchor delay; must leave the rows of the drive sent at once in device order.
 */
class RecordShufflePropertyTest {
    static final byte[] KEY = "shuffle-property-key".getBytes(StandardCharsets.UTF_8);
    static final long ARRIVAL = 1_800_000_000_000L;
    static final long EXPIRY = Duration.ofDays(1).toMillis();

    final Random random = new Random(977L);
    final ArrivalOrderPropertyTest generator = new ArrivalOrderPropertyTest();

    @Test
    void storedRowsAreTheSameWhateverTheOrderOfTheRecords() {
        for (int round = 0; round < 600; round++) {
            double lat = random.nextDouble() * 120 - 60;
            double lon = random.nextDouble() * 340 - 170;
            CompiledPolicy policy = CompiledPolicy.compile(generator.randomPolicy(lat, lon), KEY);
            AvlBatch drive = generator.randomDrive(lat, lon);
            Map<String, String> inOrder = ingest(policy, List.of(drive), 0);
            Map<String, String> shuffled = ingest(policy, shuffledFrames(drive), 1 + random.nextInt(4));
            assertEquals(inOrder, shuffled, "round " + round);
        }
    }

    /** The records in a random order (those of one millisecond together), cut into frames, some sent twice. */
    private List<AvlBatch> shuffledFrames(AvlBatch drive) {
        List<List<Integer>> groups = new ArrayList<>();
        for (int r = 0; r < drive.size(); r++) {
            if (r > 0 && drive.timestamp(r) == drive.timestamp(r - 1)) {
                groups.get(groups.size() - 1).add(r);
            } else {
                groups.add(new ArrayList<>(List.of(r)));
            }
        }
        Collections.shuffle(groups, random);
        List<AvlBatch> frames = new ArrayList<>();
        AvlBatch frame = new AvlBatch();
        for (List<Integer> group : groups) {
            for (int r : group) {
                frame.appendRecord(drive, r);
                if (random.nextInt(15) == 0) {
                    frame.appendRecord(drive, r);
                }
            }
            if (random.nextInt(5) == 0) {
                frames.add(frame);
                frame = new AvlBatch();
            }
        }
        frames.add(frame);
        for (int k = random.nextInt(3); k > 0; k--) {
            frames.add(random.nextInt(frames.size() + 1), frames.get(random.nextInt(frames.size())));
        }
        return frames;
    }

    private Map<String, String> ingest(CompiledPolicy policy, List<AvlBatch> frames, int reconnects) {
        Map<String, String> rows = new TreeMap<>();
        Map<String, AvlBatch> sealed = new TreeMap<>();
        Map<String, long[]> sealedMeta = new TreeMap<>();
        DeviceLedger ledger = new DeviceLedger();
        long now = ARRIVAL;
        for (AvlBatch frame : frames) {
            if (reconnects > 0 && random.nextInt(frames.size()) < reconnects) {
                ledger = reconnect(ledger, sealed, sealedMeta);
            }
            now += 20;
            AvlBatch copy = new AvlBatch();
            copy.copyFrom(frame);
            if (random.nextInt(6) == 0) {
                ledger.apply(policy, Consent.ALL, false, copy, now, Long.MIN_VALUE, Long.MAX_VALUE, EXPIRY);
                ledger.rolledBack();
            }
            apply(ledger, policy, copy, now, rows, sealed, sealedMeta);
        }
        if (reconnects > 0) {
            ledger = reconnect(ledger, sealed, sealedMeta);
        }
        apply(ledger, policy, null, now + policy.anchorDelayMillis + 1, rows, sealed, sealedMeta);
        apply(ledger, policy, null, now + 2 * policy.anchorDelayMillis + 2, rows, sealed, sealedMeta);
        apply(ledger, policy, null, now + EXPIRY + 1, rows, sealed, sealedMeta);
        assertTrue(sealed.isEmpty(), "everything decided at expiry");
        return rows;
    }

    /** Another instance takes the device over: the saved state and the sealed rows, nothing else. */
    private static DeviceLedger reconnect(DeviceLedger old, Map<String, AvlBatch> sealed,
                                          Map<String, long[]> sealedMeta) {
        byte[] saved = old.savedState();
        PendingRecords onDisk = new PendingRecords();
        for (Map.Entry<String, AvlBatch> e : sealed.entrySet()) {
            long[] meta = sealedMeta.get(e.getKey());
            onDisk.add(e.getValue(), 0, (int) meta[0], meta[1], true);
        }
        DeviceLedger ledger = new DeviceLedger();
        ledger.restore(saved, onDisk);
        return ledger;
    }

    private static void apply(DeviceLedger ledger, CompiledPolicy policy, AvlBatch frame, long now,
                              Map<String, String> rows, Map<String, AvlBatch> sealed, Map<String, long[]> meta) {
        ledger.apply(policy, Consent.ALL, false, frame, now, Long.MIN_VALUE, Long.MAX_VALUE, EXPIRY);
        ledger.committed();
        for (int i = 0; i < ledger.resolvedCount(); i++) {
            String key = ledger.resolvedTimes()[i] + "/" + ledger.resolvedEvents()[i];
            assertTrue(sealed.remove(key) != null, "resolved " + key + ", which was not sealed");
            meta.remove(key);
        }
        AvlBatch out = ledger.output();
        for (int r = 0; r < out.size(); r++) {
            Treatment t = Treatment.ofCode(ledger.treatments()[r]);
            String key = out.timestamp(r) + "/" + out.keyEventIo(r);
            if (t == Treatment.SEALED) {
                AvlBatch one = new AvlBatch();
                one.appendRecord(out, r);
                assertTrue(sealed.put(key, one) == null, "sealed twice: " + key);
                meta.put(key, new long[] {ledger.sealFlags()[r], now});
            } else if (t != Treatment.DROPPED) {
                rows.putIfAbsent(key, ArrivalOrderPropertyTest.row(out, r, t));
            }
        }
    }
}
