package dev.telemask.privacy;

/** A time-of-day range {@code [startMinute, endMinute)} in minutes after local midnight; the end may be 1440. */
public record TimeRange(int startMinute, int endMinute) {
    public static final int MINUTES_PER_DAY = 24 * 60;

    public TimeRange {
        if (startMinute < 0 || endMinute > MINUTES_PER_DAY || startMinute >= endMinute) {
            throw new IllegalArgumentException("invalid time range " + startMinute + ".." + endMinute);
        }
    }

    /** Parses {@code "HH:mm-HH:mm"}, end {@code 24:00} allowed; {@code null} when malformed or empty. */
    public static TimeRange parse(String text) {
        int dash = text.indexOf('-');
        if (dash < 0) {
            return null;
        }
        int start = parseMinute(text.substring(0, dash).trim());
        int end = parseMinute(text.substring(dash + 1).trim());
        if (start < 0 || end < 0 || start >= end || start >= MINUTES_PER_DAY) {
            return null;
        }
        return new TimeRange(start, end);
    }

    private static int parseMinute(String hhmm) {
        if (!hhmm.matches("\\d{2}:\\d{2}")) {
            return -1;
        }
        int h = Integer.parseInt(hhmm.substring(0, 2));
        int m = Integer.parseInt(hhmm.substring(3));
        if (m > 59 || h > 24 || (h == 24 && m != 0)) {
            return -1;
        }
        return h * 60 + m;
    }

    @Override
    public String toString() {
        return "%02d:%02d-%02d:%02d".formatted(startMinute / 60, startMinute % 60, endMinute / 60, endMinute % 60);
    }
}
