package dev.telemask.privacy;

import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Business hours per weekday in an IANA time zone; driving outside them is private. */
public record BusinessSchedule(ZoneId timeZone, Map<DayOfWeek, List<TimeRange>> days) {
    public BusinessSchedule {
        EnumMap<DayOfWeek, List<TimeRange>> copy = new EnumMap<>(DayOfWeek.class);
        days.forEach((day, ranges) -> copy.put(day, List.copyOf(ranges)));
        days = java.util.Collections.unmodifiableMap(copy);
    }

    /** The same ranges on Monday to Friday, nothing at the weekend. */
    public static BusinessSchedule weekdays(ZoneId timeZone, TimeRange... ranges) {
        Map<DayOfWeek, List<TimeRange>> days = new EnumMap<>(DayOfWeek.class);
        for (DayOfWeek day : DayOfWeek.values()) {
            if (day != DayOfWeek.SATURDAY && day != DayOfWeek.SUNDAY) {
                days.put(day, List.of(ranges));
            }
        }
        return new BusinessSchedule(timeZone, days);
    }

    public List<TimeRange> rangesOn(DayOfWeek day) {
        return days.getOrDefault(day, List.of());
    }
}
