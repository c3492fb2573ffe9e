package dev.telemask.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One line per address per interval, with what was left out; a flood from many addresses stays bounded. */
class RefusalLogTest {
    private final List<String> lines = new ArrayList<>();
    private long now;
    private final RefusalLog log = new RefusalLog(() -> now, lines::add);
    private static final long MINUTE = RefusalLog.INTERVAL.toNanos();

    @Test
    void oneLinePerAddressPerIntervalThenASummary() {
        for (int i = 0; i < 100; i++) {
            log.refused(PeerChannel.ip("10.0.0.1"), "why");
        }
        log.refused(PeerChannel.ip("10.0.0.2"), "why");
        assertEquals(List.of("refused device connection from 10.0.0.1: why",
                "refused device connection from 10.0.0.2: why"), lines);

        now += MINUTE - 1;
        log.refused(PeerChannel.ip("10.0.0.1"), "why");
        assertEquals(2, lines.size(), "still within the interval");
        now += 1;
        log.refused(PeerChannel.ip("10.0.0.1"), "later");
        assertEquals("refused device connection from 10.0.0.1: later (100 more refusals since the last line)",
                lines.get(2));
    }

    @Test
    void addressesBeyondTheTableShareOneLine() {
        for (int i = 0; i < RefusalLog.MAX_ADDRESSES + 500; i++) {
            log.refused(PeerChannel.ip("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255)), "why");
        }
        assertEquals(RefusalLog.MAX_ADDRESSES + 1, lines.size());
        assertTrue(lines.getLast().endsWith("and other addresses: why"), lines.getLast());

        now += MINUTE;
        log.refused(PeerChannel.ip("192.168.0.1"), "why");
        assertEquals("refused device connection from 192.168.0.1: why", lines.getLast(),
                "stale addresses make room again");
    }

    @Test
    void malformedFramesHaveTheirOwnLinesAndCounts() {
        RefusalLog malformed = RefusalLog.malformedFrames(() -> now, lines::add);
        log.refused(PeerChannel.ip("10.0.0.1"), "connection limit");
        malformed.refused(PeerChannel.ip("10.0.0.1"), "CRC mismatch");
        malformed.refused(PeerChannel.ip("10.0.0.1"), "CRC mismatch");
        now += MINUTE;
        malformed.refused(PeerChannel.ip("10.0.0.1"), "bad preamble");
        assertEquals(List.of("refused device connection from 10.0.0.1: connection limit",
                "malformed frame from 10.0.0.1: CRC mismatch",
                "malformed frame from 10.0.0.1: bad preamble (1 more malformed frames since the last line)"), lines,
                "a refusal does not use up the address's malformed-frame line, nor the reverse");
    }
}
