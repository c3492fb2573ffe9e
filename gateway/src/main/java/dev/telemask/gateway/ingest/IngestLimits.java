package dev.telemask.gateway.ingest;

import java.time.Duration;
import java.time.Period;
import java.time.ZoneOffset;

/**
 * The time bounds of ingest: records older than the retention period or further ahead of the gateway's clock than
 * the allowed skew are acknowledged and not stored; undecided records wait at most the sealed expiry.
 */
record IngestLimits(Period retention, Duration maxFutureSkew, Duration sealedExpiry) {
    private static final long DAY_MILLIS = 86_400_000L;

    /** The oldest device time still stored at the start of UTC day {@code day}, under {@code retention}. */
    private record DayHorizon(Period retention, long day, long oldestMillis) {}

    /** The last day worked out: every frame asks, and the calendar arithmetic changes only once a day. */
    private static volatile DayHorizon lastDay;

    /** The oldest device time still stored when the gateway's clock reads {@code nowMillis}. */
    long oldestMillis(long nowMillis) {
        // A period moves the UTC date and keeps the time of day, so the answer is the day's answer plus the time.
        long day = Math.floorDiv(nowMillis, DAY_MILLIS);
        DayHorizon horizon = lastDay;
        if (horizon == null || horizon.day() != day || !horizon.retention().equals(retention)) {
            horizon = new DayHorizon(retention, day, oldestOf(day * DAY_MILLIS, retention));
            lastDay = horizon;
        }
        return horizon.oldestMillis() + (nowMillis - day * DAY_MILLIS);
    }

    /** The calendar arithmetic itself: {@code nowMillis} in UTC minus {@code retention}. */
    static long oldestOf(long nowMillis, Period retention) {
        return java.time.Instant.ofEpochMilli(nowMillis).atOffset(ZoneOffset.UTC).minus(retention).toInstant()
                .toEpochMilli();
    }
}
