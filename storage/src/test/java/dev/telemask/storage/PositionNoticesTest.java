package dev.telemask.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The notices' payloads: IMEIs only, split below PostgreSQL's payload limit, read back whole. */
class PositionNoticesTest {
    @Test
    void aThousandDevicesSplitIntoPayloadsBelowTheLimitAndReadBackInOrder() {
        List<Long> imeis = LongStream.range(0, 1_000).map(i -> 350_000_000_000_000L + i).boxed().toList();
        List<String> payloads = PositionNotices.payloads(imeis);
        assertTrue(payloads.size() > 1, "16 bytes an IMEI: more than one notice");
        List<Long> read = new ArrayList<>();
        for (String payload : payloads) {
            assertTrue(payload.length() < PositionNotices.MAX_PAYLOAD_CHARS, payload.length() + " chars");
            for (long imei : PositionNotices.parse(payload)) {
                read.add(imei);
            }
        }
        assertEquals(imeis, read);
    }

    @Test
    void aPayloadSomeoneElseSentYieldsOnlyItsNumbers() {
        assertArrayEquals(new long[] {350000000000001L}, PositionNotices.parse("350000000000001,hello,"));
        assertArrayEquals(new long[0], PositionNotices.parse(""));
    }
}
