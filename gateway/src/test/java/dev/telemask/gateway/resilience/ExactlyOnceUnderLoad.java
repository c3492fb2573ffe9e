package dev.telemask.gateway.resilience;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.gateway.GatewayTestBase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Many devices at once, some of which lose ACKs on purpose and resend: every acknowledged record is stored exactly
 * once, and nothing is stored that was not sent.
 */
abstract class ExactlyOnceUnderLoad extends GatewayTestBase.ForOtherPackages {
    private static final int DEVICES = 50;
    private static final int RECORDS = 20_000;

    @Test
    void everyAcknowledgedRecordIsStoredOnce() throws Exception {
        List<Long> imeis = devices(officePolicy, DEVICES);
        try (LoopbackFleet fleet = new LoopbackFleet(gateway::devicePort, 5, Duration.ofSeconds(10), 7)) {
            fleet.start(imeis, T0);
            fleet.awaitAcknowledged(RECORDS, Duration.ofSeconds(120));
            fleet.stop(Duration.ofSeconds(30));
            assertTrue(fleet.resentFrames() > 0, "the fleet lost ACKs and resent frames");
            StoredRecords.of(gateway.dataSource(), fleet.sent().keySet())
                    .assertExactlyOnce(fleet.sent(), fleet.acknowledged());
        }
    }
}
