package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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
}
