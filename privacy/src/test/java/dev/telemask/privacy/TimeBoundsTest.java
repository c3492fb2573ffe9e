package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Records outside the time bounds the gateway gives are acknowledged and not stored, and counted. */
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
}
