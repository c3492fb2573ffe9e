package dev.telemask.bench.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Runs the simulator against {@link FakeTeltonikaServer} and checks the report against what the server saw. */
class FleetSimulatorTest {
    private static final int DEVICES = 20;
    private static final long IMEI_BASE = SimulatorOptions.DEFAULT_IMEI_BASE;
    /** So long that no ACK from a well-behaved server ever times out, however slow the machine. */
    private static final Duration NO_TIMEOUT = Duration.ofMinutes(5);

    private static SimulatorOptions.Builder fleet(FakeTeltonikaServer server) {
        return SimulatorOptions.builder()
                .devices(DEVICES)
                .recordsPerSecond(400)
                .duration(Duration.ofSeconds(1))
                .host("127.0.0.1")
                .port(server.port())
                .ackTimeout(NO_TIMEOUT)
                .drainTimeout(Duration.ofMinutes(2))
                .seed(42);
    }

    @Test
    void reportCountsWhatTheServerReceivedAndAcknowledged() throws Exception {
        AcknowledgedRecords acknowledged = new AcknowledgedRecords();
        SimulationReport report;
        try (FakeTeltonikaServer server = new FakeTeltonikaServer(FakeTeltonikaServer.Behaviour.WELL)) {
            report = FleetSimulator.run(fleet(server).listener(acknowledged).build());

            assertTrue(report.successful(), report.toJson());
            assertTrue(report.recordsSent() > 0, report.toJson());
            assertEquals(DEVICES, report.peakConnected());
            assertEquals(server.framesReceived(), report.framesSent());
            assertEquals(report.framesSent(), report.framesAcked());
            assertEquals(server.storedRecords(), report.recordsSent());
            assertEquals(report.recordsSent(), report.recordsAcked());
            assertEquals(report.framesSent() * SimulatorOptions.DEFAULT_RECORDS_PER_FRAME, report.recordsSent());
            assertEquals(0, report.framesResent() + report.timeouts() + report.reconnects() + report.rejects());
            assertEquals(report.recordsAcked(), acknowledged.total());
            for (long imei : server.imeisWithFrames()) {
                // Exactly once: what the simulator saw acknowledged is what the server stored, nothing twice.
                List<Long> acked = acknowledged.timestamps(imei);
                assertEquals(acked.size(), new TreeSet<>(acked).size());
                assertEquals(server.stored(imei), new TreeSet<>(acked));
            }
            assertTrue(report.latency().count() == report.framesAcked());
        }
    }

    @Test
    void rejectedDeviceIsCountedAndTheOthersAreServed() throws Exception {
        long refused = IMEI_BASE + 3;
        try (FakeTeltonikaServer server = new FakeTeltonikaServer(
                new FakeTeltonikaServer.Behaviour(Set.of(refused), false, false))) {
            SimulationReport report = FleetSimulator.run(fleet(server).build());

            assertEquals(1, report.rejects());
            assertFalse(report.successful(), "a refused device fails the run");
            assertEquals(0, report.recordsUnacknowledged());
            assertEquals(DEVICES - 1, report.peakConnected());
            assertTrue(server.frames(refused).isEmpty());
            assertEquals(server.storedRecords(), report.recordsAcked());
        }
    }

    @Test
    void swallowedAckMakesTheDeviceResendTheSameFrame() throws Exception {
        try (FakeTeltonikaServer server = new FakeTeltonikaServer(
                new FakeTeltonikaServer.Behaviour(Set.of(), true, false))) {
            SimulationReport report = FleetSimulator.run(fleet(server).ackTimeout(Duration.ofMillis(200)).build());

            assertTrue(report.successful(), report.toJson());
            Set<Long> devicesThatSent = server.imeisWithFrames();
            assertFalse(devicesThatSent.isEmpty());
            assertTrue(report.timeouts() >= devicesThatSent.size(), report.toJson());
            assertTrue(report.framesResent() >= devicesThatSent.size(), report.toJson());
            assertFirstFrameResentVerbatim(server, devicesThatSent);
            assertEquals(server.storedRecords(), report.recordsSent());
            assertEquals(report.recordsSent(), report.recordsAcked());
        }
    }

    @Test
    void droppedConnectionMakesTheDeviceReconnectAndResend() throws Exception {
        try (FakeTeltonikaServer server = new FakeTeltonikaServer(
                new FakeTeltonikaServer.Behaviour(Set.of(), false, true))) {
            SimulationReport report = FleetSimulator.run(fleet(server).build());

            assertTrue(report.successful(), report.toJson());
            Set<Long> devicesThatSent = server.imeisWithFrames();
            assertFalse(devicesThatSent.isEmpty());
            assertTrue(report.reconnects() >= devicesThatSent.size(), report.toJson());
            assertTrue(server.handshakes() >= DEVICES + devicesThatSent.size());
            assertFirstFrameResentVerbatim(server, devicesThatSent);
            assertEquals(server.storedRecords(), report.recordsAcked());
            assertEquals(0, report.recordsUnacknowledged());
        }
    }

    @Test
    void unreachableServerFailsTheRunWithinItsBounds() throws Exception {
        int port;
        try (FakeTeltonikaServer server = new FakeTeltonikaServer(FakeTeltonikaServer.Behaviour.WELL)) {
            port = server.port();
        }
        SimulationReport report = FleetSimulator.run(SimulatorOptions.builder().devices(3).recordsPerSecond(30)
                .duration(Duration.ofMillis(300)).port(port).drainTimeout(Duration.ZERO).build());

        assertFalse(report.successful());
        assertEquals(0, report.recordsSent());
        assertEquals(0, report.peakConnected());
        assertTrue(report.connectFailures() >= 3, report.toJson());
    }

    private static void assertFirstFrameResentVerbatim(FakeTeltonikaServer server, Set<Long> imeis) {
        for (long imei : imeis) {
            List<byte[]> frames = server.frames(imei);
            assertTrue(frames.size() >= 2, "device " + imei + " resent nothing");
            assertArrayEquals(frames.get(0), frames.get(1), "device " + imei + " resent different bytes");
        }
    }
}
