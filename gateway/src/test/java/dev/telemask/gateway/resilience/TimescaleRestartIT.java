package dev.telemask.gateway.resilience;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.gateway.TestDatabase;
import dev.telemask.gateway.GatewayTestBase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * TimescaleDB killed (immediate shutdown) and started again while devices send: the gateway does not acknowledge
 * what it could not store, takes up writing by itself when the database is back, serves every device that waited,
 * and nothing acknowledged is missing or duplicated.
 */
class TimescaleRestartIT extends GatewayTestBase.ForOtherPackages {
    private static final int DEVICES = 30;

    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.TIMESCALEDB;
    }

    @Test
    void ingestSurvivesADatabaseRestart() throws Exception {
        List<Long> imeis = devices(officePolicy, DEVICES);
        // A short ACK timeout, as on a device: a frame whose write failed is resent soon, not after a minute.
        try (LoopbackFleet fleet = new LoopbackFleet(gateway::devicePort, 5, Duration.ofSeconds(2), 0)) {
            fleet.start(imeis, T0);
            fleet.awaitAcknowledged(3_000, Duration.ofSeconds(60));

            TimescaleServer.restartImmediately();
            long afterRestart = fleet.acknowledgedRecords();
            Map<Long, Integer> before = fleet.acknowledgedCounts();

            fleet.awaitAcknowledged(afterRestart + 3_000, Duration.ofSeconds(120));
            Eventually.holds(() -> everyDeviceServedSince(before, fleet.acknowledgedCounts()), Duration.ofSeconds(60),
                    () -> "devices not served since the restart: " + unserved(before, fleet.acknowledgedCounts()));
            fleet.stop(Duration.ofSeconds(30));

            assertTrue(gateway.registry().find("telemask.storage.writer.failures").counters().stream()
                    .mapToDouble(c -> c.count()).sum() > 0, "the restart cut off writes in flight");
            StoredRecords.of(gateway.dataSource(), fleet.sent().keySet())
                    .assertExactlyOnce(fleet.sent(), fleet.acknowledged());
        }
    }

    private static boolean everyDeviceServedSince(Map<Long, Integer> before, Map<Long, Integer> now) {
        return unserved(before, now).isEmpty();
    }

    private static List<Long> unserved(Map<Long, Integer> before, Map<Long, Integer> now) {
        return before.keySet().stream().filter(imei -> now.get(imei) <= before.get(imei)).toList();
    }
}
