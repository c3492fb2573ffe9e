package dev.telemask.privacy;

import java.time.Instant;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;

/**
 * Turns device time into the local minute of the week in one time zone. It caches the UTC offset together with the
 * interval it is valid for (between two of the zone's transitions), so records only allocate when they cross a
 * daylight-saving change, not one {@code ZonedDateTime} each. One per device: not thread-safe.
 */
final class LocalClock {
    private static final long MILLIS_PER_MINUTE = 60_000L;
    /** 1970-01-01 was a Thursday: minute 0 of the epoch is minute 3 days into a Monday-based week. */
    private static final long EPOCH_MINUTE_OF_WEEK = 3L * TimeRange.MINUTES_PER_DAY;

    private ZoneRules rules;
    private long validFromMillis = Long.MAX_VALUE;
    private long validUntilMillis = Long.MIN_VALUE;
    private long offsetMillis;

    /** The local minute of the week, Monday 00:00 = 0, of {@code epochMillis} in {@code zone}. */
    int minuteOfWeek(ZoneRules zone, long epochMillis) {
        if (zone != rules || epochMillis < validFromMillis || epochMillis >= validUntilMillis) {
            refresh(zone, epochMillis);
        }
        long localMinute = Math.floorDiv(epochMillis + offsetMillis, MILLIS_PER_MINUTE);
        return (int) Math.floorMod(localMinute + EPOCH_MINUTE_OF_WEEK, MinuteOfWeekSet.MINUTES_PER_WEEK);
    }

    private void refresh(ZoneRules zone, long epochMillis) {
        rules = zone;
        Instant at = Instant.ofEpochMilli(epochMillis);
        offsetMillis = zone.getOffset(at).getTotalSeconds() * 1000L;
        ZoneOffsetTransition previous = zone.previousTransition(at.plusMillis(1));
        ZoneOffsetTransition next = zone.nextTransition(at);
        validFromMillis = previous == null ? Long.MIN_VALUE : previous.toEpochSecond() * 1000L;
        validUntilMillis = next == null ? Long.MAX_VALUE : next.toEpochSecond() * 1000L;
    }
}
