package dev.telemask.gateway.api;

import dev.telemask.storage.query.PositionKey;
import org.junit.jupiter.api.Test;

import java.time.Instant;

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
                .substring(2)}) {
            ApiError error = assertThrows(ApiError.class, () -> Cursor.decode(bad));
            assertEquals("cursor", error.parameter());
            assertEquals(400, error.status());
        }
    }
}
