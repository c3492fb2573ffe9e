package dev.telemask.gateway.api;

import dev.telemask.storage.query.EventQuery;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** The opaque pagination cursor of an event list: the device time and id of the last event served. */
final class EventCursor {
    private static final String VERSION = "e1";

    private EventCursor() {
    }

    static String encode(EventQuery.EventKey key) {
        Instant t = key.deviceTime();
        String clear = VERSION + ":" + t.getEpochSecond() + ":" + t.getNano() + ":" + key.id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(clear.getBytes(StandardCharsets.US_ASCII));
    }

    /** The key in {@code cursor}; 400 naming the parameter when it is not one this API made. */
    static EventQuery.EventKey decode(String cursor) {
        try {
            String clear = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            String[] parts = clear.split(":");
            if (parts.length != 4 || !parts[0].equals(VERSION)) {
                throw new IllegalArgumentException("unknown cursor layout");
            }
            long nanos = Long.parseLong(parts[2]);
            if (nanos < 0 || nanos > 999_999_999) {
                throw new IllegalArgumentException("nanoseconds out of range");
            }
            Instant t = Instant.ofEpochSecond(Long.parseLong(parts[1]), nanos);
            if (t.isBefore(RangeParameters.EARLIEST) || t.isAfter(RangeParameters.LATEST)) {
                throw new IllegalArgumentException("time out of range");
            }
            return new EventQuery.EventKey(t, Long.parseLong(parts[3]));
        } catch (IllegalArgumentException | java.time.DateTimeException | ArithmeticException e) {
            throw ApiError.badRequest("cursor", "not a cursor returned by this API");
        }
    }
}
