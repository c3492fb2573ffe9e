package dev.telemask.simulator;

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
    /** Only bounds a broken run: the tests stop the fleet when every device is done ({@link FleetProgress}). */
    private static final Duration AT_MOST = Duration.ofMinutes(3);

    private static SimulatorOptions.Builder fleet(FakeTeltonikaServer server) {
        return SimulatorOptions.builder()
                .devices(DEVICES)
                .recordsPerSecond(400)
                .duration(AT_MOST)
                .host("127.0.0.1")
                .port(server.port())
                .ackTimeout(NO_TIMEOUT)
                .drainTimeout(Duration.ofMinutes(2))
                .seed(42);
    }

    @Test
    void reportCountsWhatTheServerReceivedAndAcknowledged() throws Exception {
        FleetProgress progress = new FleetProgress(DEVICES, 3);
        AcknowledgedRecords acknowledged = progress.acknowledged;
        try (FakeTeltonikaServer server = new FakeTeltonikaServer(FakeTeltonikaServer.Behaviour.WELL)) {
            SimulationReport report = progress.runUntilDone(fleet(server).listener(progress).build());

            assertTrue(report.successful(), report.toJson());
            assertTrue(report.recordsSent() >= DEVICES * 3L * SimulatorOptions.DEFAULT_RECORDS_PER_FRAME, report.toJson());
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
                new FakeTeltonikaServer.Behaviour(Set.of(refused), false, false, true))) {
            FleetProgress progress = new FleetProgress(DEVICES, 1);
            SimulationReport report = progress.runUntilDone(fleet(server).listener(progress).build());

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
                new FakeTeltonikaServer.Behaviour(Set.of(), true, false, true))) {
            FleetProgress progress = new FleetProgress(DEVICES, 2);
            SimulationReport report = progress.runUntilDone(
                    fleet(server).ackTimeout(Duration.ofMillis(200)).listener(progress).build());

            assertTrue(report.successful(), report.toJson());
            Set<Long> devicesThatSent = server.imeisWithFrames();
            assertEquals(DEVICES, devicesThatSent.size());
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
                new FakeTeltonikaServer.Behaviour(Set.of(), false, true, true))) {
            FleetProgress progress = new FleetProgress(DEVICES, 2);
            SimulationReport report = progress.runUntilDone(fleet(server).listener(progress).build());

            assertTrue(report.successful(), report.toJson());
            Set<Long> devicesThatSent = server.imeisWithFrames();
            assertEquals(DEVICES, devicesThatSent.size());
            assertTrue(report.reconnects() >= devicesThatSent.size(), report.toJson());
            assertTrue(server.handshakes() >= DEVICES + devicesThatSent.size());
            assertFirstFrameResentVerbatim(server, devicesThatSent);
            assertEquals(server.storedRecords(), report.recordsAcked());
            assertEquals(0, report.recordsUnacknowledged());
        }
    }

    @Test
    void unreachableServerFailsTheRun() throws Exception {
        int port;
        try (FakeTeltonikaServer server = new FakeTeltonikaServer(FakeTeltonikaServer.Behaviour.WELL)) {
            port = server.port();
        }
        SimulationReport report = FleetSimulator.run(SimulatorOptions.builder().devices(3).recordsPerSecond(30)
                .duration(Duration.ofMillis(300)).port(port).drainTimeout(Duration.ZERO).build());

        assertFalse(report.successful());
        assertEquals(0, report.recordsSent());
        assertEquals(0, report.peakConnected());
    }

    private static void assertFirstFrameResentVerbatim(FakeTeltonikaServer server, Set<Long> imeis) {
        for (long imei : imeis) {
            List<byte[]> frames = server.frames(imei);
            assertTrue(frames.size() >= 2, "device " + imei + " resent nothing");
            assertArrayEquals(frames.get(0), frames.get(1), "device " + imei + " resent different bytes");
        }
    }
}
