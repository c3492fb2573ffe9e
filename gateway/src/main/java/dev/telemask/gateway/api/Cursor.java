package dev.telemask.gateway.api;

import dev.telemask.storage.query.PositionKey;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * The opaque pagination cursor of a track: the key of the last row served. Opaque so that clients pass it back
 * rather than build one; it grants nothing, since every read is checked against the caller's device anyway.
 */
final class Cursor {
    /** A device time and a record key: the positions key. */
    private static final String VERSION = "p2";
    /**
     * The layout before rows had a record key: a device time and an event ID, accepted for cursors in flight. A row
     * stored before keeps its event ID as its key where another row shares its millisecond, 0 where none does.
     */
    private static final String BEFORE_RECORD_KEYS = "p1";

    private Cursor() {
    }

    static String encode(PositionKey key) {
        return encode(VERSION, key.deviceTime(), key.recordKey());
    }

    /** The key in {@code cursor}; 400 naming the parameter when it is not one this API made. */
    static PositionKey decode(String cursor) {
        if (layout(cursor).equals(BEFORE_RECORD_KEYS)) {
            return decode(BEFORE_RECORD_KEYS, cursor, (time, tail) -> {
                if (tail < 0 || tail > 0xFFFF) {
                    throw new IllegalArgumentException("event ID out of range");
                }
                return new PositionKey(time, (int) tail);
            });
        }
        return decode(VERSION, cursor, (time, tail) -> new PositionKey(time, Math.toIntExact(tail)));
    }

    /** The layout tag a cursor starts with, or "" when it is not Base64 of one. */
    private static String layout(String cursor) {
        try {
            String clear = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            int colon = clear.indexOf(':');
            return colon < 0 ? "" : clear.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** Makes a key of a device time and a number (an event ID, a row id) from a decoded cursor. */
    interface KeyOf<K> {
        K of(Instant time, long tail);
    }

    /** A cursor of layout {@code version}: a device time and a number. */
    static String encode(String version, Instant t, long tail) {
        String clear = version + ":" + t.getEpochSecond() + ":" + t.getNano() + ":" + tail;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(clear.getBytes(StandardCharsets.US_ASCII));
    }

    /** The key in a cursor of layout {@code version}; 400 naming the parameter when it is not one this API made. */
    static <K> K decode(String version, String cursor, KeyOf<K> key) {
        try {
            String clear = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            String[] parts = clear.split(":");
            if (parts.length != 4 || !parts[0].equals(version)) {
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
            return key.of(t, Long.parseLong(parts[3]));
        } catch (IllegalArgumentException | java.time.DateTimeException | ArithmeticException e) {
            throw ApiError.badRequest("cursor", "not a cursor returned by this API");
        }
    }
}
