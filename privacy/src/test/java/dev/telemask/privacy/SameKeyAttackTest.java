package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Two records of one key (device time, event ID) that differ, one with the private-mode element on: the store keeps
 * the first received (docs/ARCHITECTURE.md), but the trip around them must be judged the same in every order.
 */
class SameKeyAttackTest {
    static final byte[] KEY = "same-key-attack-key".getBytes(StandardCharsets.UTF_8);
    static final double LAT = 52.52;
    static final double LON = 13.40;
    static final long T0 = 1_750_000_000_000L;

    /** Parked at T0, then a trip of 30 records 30 s apart, parked at its end; its 20th record (10 min in) twice. */
    static AvlBatch[] drive(int twinPrivate, double twinLat) {
        Drive parked = Drive.in("UTC");
        parked.record(T0, LAT, LON, 9, 0, 0, 0);
        Drive trip = Drive.in("UTC");
        for (int i = 1; i <= 30; i++) {
            trip.record(T0 + i * 30_000L, LAT + i * 0.003, LON, 9, i < 30 ? 1 : 0, i < 30 ? 1 : 0, 0);
        }
        Drive twin = Drive.in("UTC");
        twin.record(T0 + 20 * 30_000L, twinLat, LON, 9, 1, 1, twinPrivate);
        return new AvlBatch[] {parked.batch, trip.batch, twin.batch};
    }

    static Map<String, String> ingest(CompiledPolicy policy, AvlBatch... frames) {
        return ArrivalOrderAttackTest.ingest(policy, frames);
    }

    static String verdicts(Map<String, String> rows) {
        StringBuilder s = new StringBuilder();
        rows.values().forEach(v -> s.append(v.startsWith("PRIVATE") ? 'P' : 'E'));
        return s.toString();
    }

    /** The trip's frame with the twin in it, just before or just after its original. */
    static AvlBatch withTwin(AvlBatch[] d, boolean twinFirst) {
        AvlBatch frame = new AvlBatch();
        for (int r = 0; r < d[1].size(); r++) {
            if (r == 19 && twinFirst) {
                frame.appendRecord(d[2], 0);
            }
            frame.appendRecord(d[1], r);
            if (r == 19 && !twinFirst) {
                frame.appendRecord(d[2], 0);
            }
        }
        return frame;
    }

    /**
     * The device logged two records in one millisecond with one event ID, the second with the button pressed; in one
     * frame or two, while the trip waits undecided, the press counts whichever is kept.
     */
    @Test
    void aPrivateTwinMakesTheTripPrivateWhileItWaits() {
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp(), KEY);
        AvlBatch[] d = drive(1, LAT + 20 * 0.003);
        String twinFirst = verdicts(ingest(policy, d[0], null, d[2], d[1]));
        assertEquals("E".repeat(20) + "P".repeat(11), twinFirst, "private from the press to the trip's end");
        assertEquals(twinFirst, verdicts(ingest(policy, d[0], null, withTwin(d, true))), "in one frame, twin first");
        assertEquals(twinFirst, verdicts(ingest(policy, d[0], null, withTwin(d, false))), "in one frame, twin after");
        // The trip sent newest first, waiting for its start when the twin comes.
        AvlBatch newest = ArrivalOrderAttackTest.records(d[1], 15, 30);
        AvlBatch oldest = ArrivalOrderAttackTest.records(d[1], 0, 15);
        assertEquals(twinFirst, verdicts(ingest(policy, d[0], null, newest, d[2], oldest)), "twin while it waits");
    }

    /** A twin elsewhere without the press: whichever position is kept, no verdict moves. */
    @Test
    void aTwinElsewhereMovesNoVerdict() {
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp(), KEY);
        AvlBatch[] d = drive(0, LAT + 0.5);
        Map<String, String> twinFirst = ingest(policy, d[0], null, d[2], d[1]);
        Map<String, String> twinWithTrip = ingest(policy, d[0], null, d[1], d[2]);
        assertEquals(verdicts(twinFirst), verdicts(twinWithTrip));
    }

    /**
     * The twin with the press comes while its record waits stored sealed (the trip sent newest first), and the device
     * reconnects, to another instance say, before its start arrives: the new connection restores the records from
     * their sealed forms, and the device will not send the acknowledged twin again, so the press must be in them.
     */
    @Test
    void aPrivateTwinSurvivesAReconnectBeforeTheDecision() {
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp(), KEY);
        AvlBatch[] d = drive(1, LAT + 20 * 0.003);
        String expected = verdicts(ingest(policy, d[0], null, d[2], d[1]));
        AvlBatch newest = ArrivalOrderAttackTest.records(d[1], 15, 30);
        AvlBatch oldest = ArrivalOrderAttackTest.records(d[1], 0, 15);

        StoredDevice device = new StoredDevice(policy);
        device.send(d[0]);
        device.send(null);
        device.send(newest);
        device.send(d[2]);
        device.reconnect();
        device.send(oldest);
        device.finish();
        assertEquals(expected, verdicts(device.rows), "the press survives the reconnect");

        StoredDevice twice = new StoredDevice(policy);
        twice.send(d[0]);
        twice.send(null);
        twice.send(newest);
        twice.send(d[2]);
        twice.send(d[2]); // the twin again (its acknowledgement was lost): adds nothing, writes nothing again
        twice.reconnect();
        twice.send(oldest);
        twice.finish();
        assertEquals(expected, verdicts(twice.rows));
    }

    /**
     * A device whose ledger stores what it decides and, as the database does, one sealed row per key, a later
     * sealing of a key replacing the earlier; {@link #reconnect} restores a new ledger from the saved state and the
     * sealed rows, as another connection would.
     */
    static final class StoredDevice {
        final Map<String, String> rows = new TreeMap<>();
        private final CompiledPolicy policy;
        private final Map<String, AvlBatch> sealedRows = new LinkedHashMap<>();
        private final Map<String, Integer> sealedFlags = new LinkedHashMap<>();
        private DeviceLedger ledger = new DeviceLedger();
        private long now = ArrivalOrderAttackTest.NOW;

        StoredDevice(CompiledPolicy policy) {
            this.policy = policy;
        }

        /** A frame; null: the anchor delay passes. */
        void send(AvlBatch frame) {
            now += frame == null ? policy.anchorDelayMillis + 1 : 10;
            apply(frame);
        }

        void finish() {
            now += policy.anchorDelayMillis + 1;
            apply(null);
            now += ArrivalOrderAttackTest.EXPIRY;
            apply(null);
        }

        void reconnect() {
            byte[] saved = ledger.savedState();
            PendingRecords sealed = new PendingRecords();
            sealedRows.forEach((key, record) -> sealed.add(record, 0, sealedFlags.get(key), now, true));
            ledger = new DeviceLedger();
            ledger.restore(saved, sealed);
        }

        private void apply(AvlBatch frame) {
            AvlBatch copy = null;
            if (frame != null) {
                copy = new AvlBatch();
                copy.copyFrom(frame);
            }
            ledger.apply(policy, Consent.ALL, false, copy, now, Long.MIN_VALUE, Long.MAX_VALUE,
                    ArrivalOrderAttackTest.EXPIRY);
            ledger.committed();
            for (int i = 0; i < ledger.resolvedCount(); i++) {
                String key = ledger.resolvedTimes()[i] + "/" + ledger.resolvedEvents()[i];
                sealedRows.remove(key);
                sealedFlags.remove(key);
            }
            AvlBatch out = ledger.output();
            for (int r = 0; r < out.size(); r++) {
                String key = out.timestamp(r) + "/" + out.keyEventIo(r);
                Treatment t = Treatment.ofCode(ledger.treatments()[r]);
                if (t == Treatment.SEALED) {
                    AvlBatch record = new AvlBatch();
                    record.appendRecord(out, r);
                    sealedRows.put(key, record);
                    sealedFlags.put(key, (int) ledger.sealFlags()[r]);
                } else {
                    rows.putIfAbsent(key, t.name());
                }
            }
        }
    }
}
