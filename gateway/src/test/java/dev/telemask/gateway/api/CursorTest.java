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
        for (int recordKey : new int[] {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0x1234_5678}) {
            PositionKey key = new PositionKey(Instant.parse("2026-03-09T10:11:12.123456Z"), recordKey);
            assertEquals(key, Cursor.decode(Cursor.encode(key)));
        }
    }

    @Test
    void readsACursorMadeBeforeRecordKeysAsTheKeyItsEventGaveAnOlderRow() {
        Instant t = Instant.parse("2026-03-09T10:11:12.123456Z");
        assertEquals(new PositionKey(t, 240), Cursor.decode(tampered("p1:" + t.getEpochSecond() + ":123456000:240")));
    }

    @Test
    void refusesWhatItDidNotMakeNamingTheParameter() {
        for (String bad : new String[] {"garbage!", "cDE6MTox", Cursor.encode(new PositionKey(Instant.EPOCH, 7))
                .substring(2), tampered("p1:" + Long.MAX_VALUE + ":999999999:0"), tampered("p1:253402300800:0:0"),
                tampered("p1:-1:0:0"), tampered("p1:1000:-5:0"), tampered("p1:1000:1000000000:0"),
                tampered("p1:1000:0:99999999999"), tampered("p1:1000:0:65536"), tampered("p1:1e3:0:0"),
                tampered("p1:\u00e9:0:0"), tampered("p2:1000:0:" + (1L << 31)),
                tampered("p3:1000:0:0")}) {
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
