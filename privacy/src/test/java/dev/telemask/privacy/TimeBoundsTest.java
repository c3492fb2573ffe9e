package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Records outside the time bounds the gateway gives, or in a range erased from the device, are acknowledged and not
 * stored, and counted.
 */
class TimeBoundsTest {
    static final long NOW = 1_800_000_000_000L;
    static final long RETENTION_START = NOW - 365L * 86_400_000L;
    static final long SKEW_END = NOW + 3_600_000L;

    @Test
    void recordsTooOldOrTooFarAheadAreNotStoredAndCounted() {
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp(), "k".getBytes(StandardCharsets.UTF_8));
        Drive drive = Drive.in("UTC");
        drive.record(Long.MAX_VALUE, 52.5, 13.4, 9, 1, 1, -1);          // would overflow microseconds
        drive.record(NOW + 3 * 365L * 86_400_000L, 52.5, 13.4, 9, 1, 1, -1); // three years ahead
        drive.record(NOW - 13L * 30 * 86_400_000L, 52.5, 13.4, 9, 1, 1, -1); // thirteen months ago
        drive.record(Long.MIN_VALUE, 52.5, 13.4, 9, 1, 1, -1);
        drive.record(NOW - 60_000, 52.5, 13.4, 9, 1, 1, -1);              // a minute ago: kept
        DeviceLedger ledger = new DeviceLedger();
        ledger.apply(policy, Consent.ALL, false, drive.batch, NOW, RETENTION_START, SKEW_END, 86_400_000L);
        assertEquals(4, ledger.outOfBounds());
        AvlBatch out = ledger.output();
        assertEquals(1, out.size(), "only the record within the bounds is stored (sealed or decided)");
        assertEquals(NOW - 60_000, out.timestamp(0));
    }

    /**
     * A record stamped ahead of the gateway's clock (a GNSS glitch, a clock that jumped, within the hour the bounds
     * allow) cannot be decided yet: the records the device logs until then are still to come. Decided at once, it
     * became the frontier, and every record the device then logged in time arrived "late": a public trip's records
     * stored private, and under a policy with zones not stored at all, though acknowledged.
     */
    @Test
    void aRecordStampedAheadOfTheGatewaysClockDoesNotMakeTheRecordsBeforeItLate() {
        TripTiming timing = new TripTiming(Duration.ZERO, Duration.ofMinutes(1), Duration.ofHours(2),
                Duration.ofSeconds(5));
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp().withTiming(timing),
                "k".getBytes(StandardCharsets.UTF_8));
        DeviceLedger ledger = new DeviceLedger();
        Map<Long, Treatment> stored = new TreeMap<>();
        long glitch = NOW + 40 * 60_000L;
        int late = 0;
        for (long t = NOW; t <= NOW + 5 * 60_000L; t += 10_000) {
            Drive frame = Drive.in("UTC");
            frame.record(t, 52.5 + (t - NOW) * 1e-7, 13.4, 9, 1, 1, -1);
            if (t == NOW + 2 * 60_000L) {
                frame.record(glitch, 52.5, 13.4, 9, 1, 1, -1);
            }
            long received = t + 1_000;
            ledger.apply(policy, Consent.ALL, false, frame.batch, received, received - 365L * 86_400_000L,
                    received + 3_600_000L, 86_400_000L);
            ledger.committed();
            late += ledger.late();
            for (int r = 0; r < ledger.output().size(); r++) {
                Treatment treatment = Treatment.ofCode(ledger.treatments()[r]);
                if (treatment != Treatment.SEALED) {
                    stored.put(ledger.output().timestamp(r), treatment);
                }
            }
        }
        assertEquals(0, late, "nothing the device logged in time arrived late");
        for (long t = NOW; t < NOW + 5 * 60_000L; t += 10_000) {
            assertEquals(Treatment.EXACT, stored.get(t), "the public trip's record at +" + (t - NOW) / 1000 + " s");
        }
    }

    @Test
    void recordsOfAnErasedRangeAreNotStoredAgainAndCounted() {
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp(), "k".getBytes(StandardCharsets.UTF_8));
        Drive drive = Drive.in("UTC");
        drive.record(NOW - 7_200_000, 52.5, 13.4, 9, 1, 1, -1);  // at the range's start: erased
        drive.record(NOW - 3_600_001, 52.5, 13.4, 9, 1, 1, -1);  // just before its end: erased
        drive.record(NOW - 3_600_000, 52.5, 13.4, 9, 1, 1, -1);  // at its end: the device's own
        drive.record(NOW - 7_200_001, 52.5, 13.4, 9, 1, 1, -1);  // before it: the device's own
        DeviceLedger ledger = new DeviceLedger();
        ledger.erased(ErasedRanges.of(new long[] {NOW - 7_200_000, NOW - 3_600_000, NOW - 60_000, NOW - 60_000}));
        ledger.apply(policy, Consent.ALL, false, drive.batch, NOW, RETENTION_START, SKEW_END, 86_400_000L);
        assertEquals(2, ledger.erasedAgain());
        assertEquals(0, ledger.outOfBounds());
        AvlBatch out = ledger.output();
        assertEquals(2, out.size(), "the records outside the erased range are stored (sealed or decided)");
        assertEquals(Set.of(NOW - 7_200_001, NOW - 3_600_000), Set.of(out.timestamp(0), out.timestamp(1)));
    }
}
