package dev.telemask.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Matching ACKs with deliveries: the lag of the records acknowledged in the window, and those not read yet. */
class DeliveryLagTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void theLagRunsFromARecordsAckToItsReadingForRecordsAcknowledgedInTheWindow() {
        DeliveryLag lag = new DeliveryLag();
        lag.window(1_000 * MS, 2_000 * MS);
        lag.acknowledged(7, 100, 500 * MS); // before the window: not counted
        lag.delivered(7, 100, 1_100 * MS);
        lag.acknowledged(7, 101, 1_200 * MS);
        lag.delivered(7, 101, 1_250 * MS); // 50 ms
        lag.delivered(8, 101, 1_300 * MS); // read before its ACK arrived: 0 ms
        lag.acknowledged(8, 101, 1_310 * MS);
        lag.acknowledged(8, 102, 1_400 * MS);
        lag.acknowledged(8, 102, 1_450 * MS); // a resent frame's ACK: the first counts
        lag.delivered(8, 102, 2_400 * MS); // 1,000 ms, read after the window
        lag.acknowledged(9, 1, 1_900 * MS); // never read

        DeliveryLag.Summary summary = lag.summary(1.0);
        assertEquals(1, lag.awaited());
        assertEquals(4, summary.acked());
        assertEquals(1, summary.undelivered());
        assertEquals(50, summary.p50Ms(), "the middle of 0, 50 and 1,000 ms");
        assertEquals(1_000, summary.maxMs());
        assertEquals(3.0, summary.forwardedPerSecond(), "three reads fell in the one-second window");
    }
}
