package dev.telemask.privacy;

import java.time.DayOfWeek;

/** A set of local minutes of the week (Monday 00:00 is minute 0) as a bitset, for allocation-free lookups. */
final class MinuteOfWeekSet {
    static final int MINUTES_PER_WEEK = 7 * TimeRange.MINUTES_PER_DAY;

    private final long[] bits = new long[(MINUTES_PER_WEEK + 63) / 64];

    static MinuteOfWeekSet of(BusinessSchedule schedule) {
        MinuteOfWeekSet set = new MinuteOfWeekSet();
        for (DayOfWeek day : DayOfWeek.values()) {
            int dayStart = (day.getValue() - 1) * TimeRange.MINUTES_PER_DAY;
            for (TimeRange range : schedule.rangesOn(day)) {
                for (int m = range.startMinute(); m < range.endMinute(); m++) {
                    int minute = dayStart + m;
                    set.bits[minute >>> 6] |= 1L << minute;
                }
            }
        }
        return set;
    }

    boolean contains(int minuteOfWeek) {
        return (bits[minuteOfWeek >>> 6] & (1L << minuteOfWeek)) != 0;
    }
}
