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
    void everyUnregisteredImeiGetsOneLineWithItsAddressAndWhatToDo() {
        for (int attempt = 0; attempt < 20; attempt++) {
            for (long imei = 350000000000000L; imei < 350000000000005L; imei++) {
                log.unregistered(PeerChannel.ip("127.0.0.1"), imei);
            }
        }
        assertEquals(5, lines.size(), "one line per IMEI, not per attempt: " + lines);
        assertEquals("refused device connection from 127.0.0.1: IMEI 350000000000000 is not registered; register it"
                + " with POST /api/v1/devices (or set device.auto-register=true to park unknown devices in quarantine)",
                lines.getFirst());
        assertTrue(lines.get(4).contains("IMEI 350000000000004 "), lines.get(4));

        now += RefusalLog.IMEI_INTERVAL.toNanos() - 1;
        log.unregistered(PeerChannel.ip("127.0.0.1"), 350000000000000L);
        assertEquals(5, lines.size(), "quiet for an hour");
        now += 1;
        log.unregistered(PeerChannel.ip("127.0.0.1"), 350000000000000L);
        assertEquals(6, lines.size(), "named again after an hour");
    }

    @Test
    void manyNewImeisFallBackToOneLinePerAddress() {
        for (long i = 0; i < RefusalLog.IMEI_LINES_PER_INTERVAL + 1000; i++) {
            log.unregistered(PeerChannel.ip("10.0.0.9"), 350000000000000L + i);
        }
        assertEquals(RefusalLog.IMEI_LINES_PER_INTERVAL + 1, lines.size(),
                "the budget of IMEI lines, then the address's own line: " + lines.getLast());
        assertTrue(lines.getLast().startsWith("refused device connection from 10.0.0.9: IMEI "), lines.getLast());

        now += MINUTE;
        log.unregistered(PeerChannel.ip("10.0.0.9"), 359999999999999L);
        assertEquals("refused device connection from 10.0.0.9: IMEI 359999999999999 is not registered; register it"
                + " with POST /api/v1/devices (or set device.auto-register=true to park unknown devices in quarantine)",
                lines.getLast(), "a new interval has a new budget");
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
