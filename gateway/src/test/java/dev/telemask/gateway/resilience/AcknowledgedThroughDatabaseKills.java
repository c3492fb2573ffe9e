package dev.telemask.gateway.resilience;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.gateway.GatewayTestBase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The database is killed again and again, each time right after the gateway acknowledged records, while devices send
 * one-record frames over the device port: every record the devices saw acknowledged is in {@code positions} exactly
 * once, and ingest resumes by itself after each kill. The devices' own ACKs are the ground truth; each record has its
 * own device time. The devices have no policy and send ignition and movement on, so that nothing is masked or sealed.
 */
abstract class AcknowledgedThroughDatabaseKills extends GatewayTestBase.ForOtherPackages {
    private static final int DEVICES = 20;
    private static final int KILLS = 5;
    /** Records acknowledged between two kills: ingest is flowing before each kill and has resumed after it. */
    private static final int RECORDS_BETWEEN_KILLS = 300;

    /** Kills every process of the database server at once; returns once it was started again (or will be). */
    protected abstract void killDatabase() throws Exception;

    /** Checks after a kill, before ingest is awaited again. */
    protected void afterKill(int kill) throws Exception {
    }

    /** Checks once every kill is done and the fleet has stopped. */
    protected void afterAllKills(int kills) throws Exception {
    }

    @Test
    void everyAcknowledgedRecordIsStoredOnceThroughRepeatedKills() throws Exception {
        List<Long> imeis = devicesWithoutPolicy(DEVICES);
        // A short ACK timeout, as on a device: a frame whose write failed is resent soon, not after a minute.
        try (LoopbackFleet fleet = new LoopbackFleet(gateway::devicePort, 1, Duration.ofSeconds(3), 0)) {
            fleet.start(imeis, T0);
            for (int kill = 1; kill <= KILLS; kill++) {
                // Kill the moment the target is reached: ACKs are streaming, the last came a moment ago.
                fleet.awaitAcknowledged(fleet.acknowledgedRecords() + RECORDS_BETWEEN_KILLS, Duration.ofSeconds(120));
                killDatabase();
                afterKill(kill);
            }
            fleet.awaitAcknowledged(fleet.acknowledgedRecords() + RECORDS_BETWEEN_KILLS, Duration.ofSeconds(120));
            fleet.stop(Duration.ofSeconds(30));

            Map<Long, Set<Long>> acknowledged = fleet.acknowledged();
            long records = acknowledged.values().stream().mapToLong(Set::size).sum();
            assertTrue(records >= (KILLS + 1L) * RECORDS_BETWEEN_KILLS);
            StoredRecords stored = StoredRecords.of(gateway.dataSource(), fleet.sent().keySet());
            stored.assertExactlyOnce(fleet.sent(), acknowledged);
            afterAllKills(KILLS);
            System.out.printf("%s: %d kills survived, %d acknowledged records checked (%d devices), %d rows;"
                            + " lost 0, duplicated 0%n", getClass().getSimpleName(), KILLS, records, DEVICES,
                    stored.rows());
        }
    }
}
