package dev.telemask.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IngestLimitsTest {
    @Test
    void theOldestStoredTimeIsTheClockInUtcMinusTheRetentionAtEveryTimeOfDay() {
        Random random = new Random(11);
        long leapDay = Instant.parse("2028-02-29T00:00:00Z").toEpochMilli();
        long monthEnd = Instant.parse("2026-03-31T00:00:00Z").toEpochMilli();
        for (Period retention : new Period[] {Period.ofYears(1), Period.ofMonths(1), Period.ofDays(90),
                Period.of(1, 2, 3), Period.ZERO}) {
            IngestLimits limits = new IngestLimits(retention, Duration.ofMinutes(10), Duration.ofDays(7));
            for (int i = 0; i < 2_000; i++) {
                long base = i % 3 == 0 ? leapDay : i % 3 == 1 ? monthEnd : 1_767_225_600_000L;
                // Around midnight as well as anywhere in a few days, in both directions.
                long now = base + (i % 2 == 0 ? random.nextInt(2_000) - 1_000 : random.nextLong(-3 * 86_400_000L,
                        3 * 86_400_000L));
                assertEquals(IngestLimits.oldestOf(now, retention), limits.oldestMillis(now),
                        retention + " at " + Instant.ofEpochMilli(now));
            }
        }
    }
}
