package dev.telemask.gateway.api;

import dev.telemask.storage.query.TimeWindow;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Reads the bounds a query must have from its parameters: a time window ({@code from}, {@code to}, ISO-8601,
 * defaulted and capped) and a row limit (defaulted and capped), with 400s that name the parameter.
 */
final class RangeParameters {
    /** The earliest time a parameter may name: no record is older than the Unix epoch. */
    static final Instant EARLIEST = Instant.EPOCH;
    /** The latest time a parameter may name; beyond, dates stop being four-digit years and arithmetic overflows. */
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    private RangeParameters() {
    }

    /**
     * The window {@code [from, to)}: {@code to} defaults to now, {@code from} to {@code defaultSpan} before
     * {@code to}; longer than {@code maxSpan} is refused.
     */
    static TimeWindow window(ApiRequest request, Clock clock, Duration defaultSpan, Duration maxSpan) {
        Instant to = instant(request, "to");
        Instant from = instant(request, "from");
        if (to == null) {
            to = from == null ? clock.instant() : min(from.plus(defaultSpan), clock.instant().plusSeconds(1));
        }
        if (from == null) {
            from = to.minus(defaultSpan);
        }
        if (!from.isBefore(to)) {
            throw ApiError.badRequest("from", "must be before to (" + to + ")");
        }
        if (Duration.between(from, to).compareTo(maxSpan) > 0) {
            throw ApiError.badRequest("to", "the range from " + from + " to " + to + " is longer than the maximum of "
                    + maxSpan.toDays() + " days; page through it in shorter ranges");
        }
        return new TimeWindow(from, to);
    }

    /** A window both of whose ends the caller must give (no default, no cap), e.g. for an erasure. */
    static TimeWindow requiredWindow(ApiRequest request) {
        Instant from = instant(request, "from");
        Instant to = instant(request, "to");
        if (from == null) {
            throw ApiError.badRequest("from", "is required, an ISO-8601 time such as 2026-01-31T00:00:00Z");
        }
        if (to == null) {
            throw ApiError.badRequest("to", "is required, an ISO-8601 time such as 2026-01-31T00:00:00Z");
        }
        if (!from.isBefore(to)) {
            throw ApiError.badRequest("from", "must be before to (" + to + ")");
        }
        return new TimeWindow(from, to);
    }

    static int limit(ApiRequest request, int defaultLimit, int maxLimit) {
        String value = request.query("limit");
        if (value == null) {
            return defaultLimit;
        }
        int limit;
        try {
            limit = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("limit", "must be a whole number, got \"" + shortened(value) + "\"");
        }
        if (limit < 1 || limit > maxLimit) {
            throw ApiError.badRequest("limit", "must be between 1 and " + maxLimit + ", got " + limit);
        }
        return limit;
    }

    /** The parameter as an instant (ISO-8601 with zone or offset), null when absent. */
    static Instant instant(ApiRequest request, String name) {
        String value = request.query(name);
        return value == null ? null : parseInstant(name, value);
    }

    /** An ISO-8601 time with an offset, between {@link #EARLIEST} and {@link #LATEST}; 400 naming it otherwise. */
    static Instant parseInstant(String name, String value) {
        Instant instant;
        try {
            // An unencoded '+' of an offset arrives as a space in a query string.
            instant = OffsetDateTime.parse(value.replace(' ', '+')).toInstant();
        } catch (DateTimeException | ArithmeticException e) {
            throw ApiError.badRequest(name, "must be an ISO-8601 time with an offset, such as"
                    + " 2026-01-31T08:00:00Z, got \"" + shortened(value) + "\"");
        }
        requireSane(name, instant);
        return instant;
    }

    /** 400 naming {@code name} unless {@code instant} lies between 1970 and the end of year 9999. */
    static void requireSane(String name, Instant instant) {
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw ApiError.badRequest(name, "must lie between " + EARLIEST + " and " + LATEST + ", got " + instant);
        }
    }

    /** A value quoted back to the client, cut so that a huge parameter does not make a huge error. */
    /**
     * A body's duration field {@code name} (ISO-8601, e.g. {@code "PT1H"}), {@code fallback} when absent; 400 unless
     * it is above zero and at most {@code max}.
     */
    static Duration duration(String name, com.fasterxml.jackson.databind.JsonNode node, Duration fallback,
                             Duration max) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        Duration value;
        try {
            value = node.isTextual() ? Duration.parse(node.asText()) : null;
        } catch (java.time.format.DateTimeParseException e) {
            value = null;
        }
        if (value == null || value.isNegative() || value.isZero() || value.compareTo(max) > 0) {
            throw ApiError.badRequest(name, "must be an ISO-8601 duration above zero and at most " + max.toDays()
                    + " days, e.g. \"" + fallback + "\"");
        }
        return value;
    }

    static String shortened(String value) {
        return value == null || value.length() <= 64 ? value : value.substring(0, 64) + "...";
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
