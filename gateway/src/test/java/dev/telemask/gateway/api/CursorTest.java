package dev.telemask.gateway.api;

import dev.telemask.storage.query.PositionKey;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CursorTest {
    @Test
    void roundTripsAKeyToTheMicrosecond() {
        PositionKey key = new PositionKey(Instant.parse("2026-03-09T10:11:12.123456Z"), 240);
        assertEquals(key, Cursor.decode(Cursor.encode(key)));
    }

    @Test
    void refusesWhatItDidNotMakeNamingTheParameter() {
        for (String bad : new String[] {"garbage!", "cDE6MTox", Cursor.encode(new PositionKey(Instant.EPOCH, 1))
                .substring(2), tampered("p1:" + Long.MAX_VALUE + ":999999999:0"), tampered("p1:253402300800:0:0"),
                tampered("p1:-1:0:0"), tampered("p1:1000:-5:0"), tampered("p1:1000:1000000000:0"),
                tampered("p1:1000:0:99999999999"), tampered("p1:1e3:0:0"), tampered("p1:\u00e9:0:0")}) {
            ApiError error = assertThrows(ApiError.class, () -> Cursor.decode(bad));
            assertEquals("cursor", error.parameter());
            assertEquals(400, error.status());
        }
    }

    /** A cursor as a client who decoded the format would forge it. */
    private static String tampered(String clear) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(clear.getBytes(StandardCharsets.UTF_8));
    }
}
