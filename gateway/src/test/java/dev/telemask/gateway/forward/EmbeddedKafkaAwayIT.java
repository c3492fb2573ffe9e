package dev.telemask.gateway.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.telemask.gateway.Drives;
import dev.telemask.gateway.GatewayTestBase;
import dev.telemask.gateway.TestDatabase;
import dev.telemask.gateway.resilience.Eventually;
import dev.telemask.simulator.DeviceClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A Kafka that was never reachable: the producer has no metadata, so each send waits {@code max.block.ms} (10 s) and
 * comes back as an already failed future rather than an exception. A claim of many rows must take that wait once and
 * put all of them off, not wait once per row: forty rows at 10 s each would outlast the claim's transaction (90 s),
 * which the database then ends, and no row would ever be recorded as tried, nor any erasure of one of them answered
 * before that.
 */
class EmbeddedKafkaAwayIT extends GatewayTestBase.ForOtherPackages {
    private static final int RECORDS = 40;

    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.EMBEDDED;
    }

    @Override
    protected Map<String, String> gatewayConfiguration() {
        return Map.of("forward.kafka.bootstrap-servers", "127.0.0.1:" + closedPort(), "forward.kafka.topic",
                "telemask.positions");
    }

    @Test
    void aBrokerNeverReachedPutsOffAWholeClaimAfterOneWait() throws Exception {
        long imei = device(officePolicy);
        try (DeviceClient device = connectAccepted(imei)) {
            sendAcknowledged(device, Drives.driving(T0, RECORDS));
        }
        String rows = "FROM webhook_deliveries WHERE sink = 'kafka' AND imei = " + imei
                + " AND event_io IS NOT NULL";
        Eventually.holds(() -> queryNumber("SELECT count(*) " + rows) == RECORDS, Duration.ofSeconds(60),
                () -> queryNumber("SELECT count(*) " + rows) + " outbox rows, one per stored position expected");
        Eventually.holds(() -> queryNumber("SELECT count(*) " + rows + " AND attempts > 0") == RECORDS,
                Duration.ofSeconds(60), () -> queryNumber("SELECT count(*) " + rows + " AND attempts > 0")
                        + " of " + RECORDS + " rows recorded as tried");
        assertEquals(RECORDS, queryNumber("SELECT count(*) " + rows + " AND last_error = 'TimeoutException'"),
                "each row says why it waits");
    }

    /** A loopback port nothing listens on. */
    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
