package dev.telemask.gateway.resilience;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.telemask.gateway.GatewayTestBase;
import dev.telemask.gateway.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The gateway process killed with SIGKILL while devices send: every record it acknowledged before dying is in
 * TimescaleDB, once. The in-process gateway of the base class only prepares the schema, tenant and devices; the
 * devices talk to a packaged gateway in its own JVM on the same schema.
 */
class GatewayKillIT extends GatewayTestBase.ForOtherPackages {
    private static final int DEVICES = 30;

    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.TIMESCALEDB;
    }

    @Test
    void everyRecordAcknowledgedBeforeAKillIsStored() throws Exception {
        List<Long> imeis = devices(officePolicy, DEVICES);
        String schemaUrl = ((HikariDataSource) gateway.dataSource()).getJdbcUrl();
        try (GatewayProcess process = GatewayProcess.start(schemaUrl, Map.of());
             LoopbackFleet fleet = new LoopbackFleet(process::devicePort, 5, Duration.ofSeconds(5), 0)) {
            fleet.start(imeis, T0);
            fleet.awaitAcknowledged(5_000, Duration.ofSeconds(90));
            process.kill();
            // Nothing can be acknowledged any more; the devices give up their last frames.
            fleet.stop(Duration.ofSeconds(1));
            assertTrue(fleet.acknowledgedRecords() >= 5_000);
            StoredRecords.of(gateway.dataSource(), fleet.sent().keySet())
                    .assertExactlyOnce(fleet.sent(), fleet.acknowledged());
        }
    }
}
