package dev.telemask.gateway.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlEncoder;
import dev.telemask.codec.TcpAvlCodec;
import dev.telemask.simulator.DeviceClient;
import dev.telemask.gateway.Drives;
import dev.telemask.gateway.GatewayTestBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Devices that send damaged, oversized, endless or unauthorised input: each one gets the answer the protocol
 * prescribes (no ACK, 0x00, or a closed connection), and a well-behaved device sending at the same time keeps
 * having its frames acknowledged and stored once.
 */
abstract class HostileDevices extends GatewayTestBase.ForOtherPackages {
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
    private static final int MUTANTS = 1_500;
    private static final int HOSTILE_CONNECTIONS = 64;

    @Override
    protected Map<String, String> gatewayConfiguration() {
        return Map.of("device.idle-timeout", IDLE_TIMEOUT.toString());
    }

    /** What the gateway did after a hostile device's input, as the device saw it. */
    private enum Answer { GOOD_FRAME_ACKNOWLEDGED, CLOSED, OTHER }

    @Test
    void thousandsOfMutatedFramesAreNeverAcknowledged() throws Exception {
        double refusedBefore = refusedFrames();
        whileAWellBehavedDeviceSends(() -> {
            byte[] good = DeviceClient.frame(Drives.driving(T0, 2));
            List<CompletableFuture<Void>> connections = new ArrayList<>();
            for (int c = 0; c < HOSTILE_CONNECTIONS; c++) {
                long imei = device(officePolicy);
                int first = c;
                connections.add(CompletableFuture.runAsync(() -> {
                    Random random = new Random(first);
                    for (int m = first; m < MUTANTS; m += HOSTILE_CONNECTIONS) {
                        HostileFrame mutant = HostileFrame.of(good, m, random);
                        Answer answer = send(imei, mutant, good);
                        boolean expected = mutant.kind().connectionSurvives
                                ? answer == Answer.GOOD_FRAME_ACKNOWLEDGED
                                : answer != Answer.OTHER;
                        if (!expected) {
                            throw new AssertionError("mutant " + m + " (" + mutant.kind() + "): " + answer);
                        }
                    }
                }, runnable -> Thread.ofVirtual().start(runnable)));
            }
            CompletableFuture.allOf(connections.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        });
        assertTrue(refusedFrames() - refusedBefore >= MUTANTS / 5.0, "damaged frames are counted as refused");
    }

    /**
     * Sends the mutant after an accepted handshake, then (unless the mutant leaves a frame half-sent) a good frame,
     * and reports the first answer: the good frame's ACK, or the connection closed. A mutant's own ACK, or any
     * other bytes, is OTHER.
     */
    private Answer send(long imei, HostileFrame mutant, byte[] good) {
        try (DeviceClient device = new DeviceClient(gateway.devicePort())) {
            device.readTimeout(IDLE_TIMEOUT.multipliedBy(5));
            if (device.handshake(imei) != 1) {
                return Answer.OTHER;
            }
            device.send(mutant.bytes());
            if (mutant.followedByGoodFrame()) {
                device.send(good);
            }
            return device.readAck() == 2 && mutant.followedByGoodFrame() ? Answer.GOOD_FRAME_ACKNOWLEDGED : Answer.OTHER;
        } catch (EOFException e) {
            return Answer.CLOSED;
        } catch (IOException e) {
            // A reset (the gateway closed with our bytes unread) is a close; a timeout is not.
            return e.getMessage() != null && (e.getMessage().contains("reset") || e.getMessage().contains("Broken pipe"))
                    ? Answer.CLOSED : Answer.OTHER;
        }
    }

    @Test
    void aTwoGigabyteLengthClosesTheConnectionWithoutReadingIt() throws Exception {
        whileAWellBehavedDeviceSends(() -> {
            try (DeviceClient hostile = connectAccepted(device(officePolicy))) {
                hostile.send(new byte[] {0, 0, 0, 0, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x8E, 1});
                assertTrue(hostile.closedByGateway());
            }
        });
    }

    @Test
    void aSlowLorisIsClosedForNotCompletingAFrame() throws Exception {
        whileAWellBehavedDeviceSends(() -> {
            try (DeviceClient loris = connectAccepted(device(officePolicy))) {
                assertTrue(trickle(loris, DeviceClient.frame(Drives.driving(T0, 2))), "closed before the frame was complete");
            }
        });
    }

    @Test
    void aSlowLorisHandshakeIsClosed() throws Exception {
        whileAWellBehavedDeviceSends(() -> {
            try (DeviceClient loris = new DeviceClient(gateway.devicePort())) {
                ByteBuf handshake = Unpooled.buffer();
                AvlEncoder.encodeHandshake(device(officePolicy), handshake); // registered: it would be accepted
                assertTrue(trickle(loris, ByteBufUtil.getBytes(handshake)), "closed before the handshake was complete");
            }
        });
    }

    /**
     * Sends {@code bytes} one at a time, each well within the idle timeout of the one before, as a slow-loris
     * attacker keeps a connection (and its buffer) alive; true when the gateway closed the connection first.
     */
    private boolean trickle(DeviceClient loris, byte[] bytes) throws Exception {
        CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> {
            try {
                return loris.closedByGateway();
            } catch (IOException e) {
                return true;
            }
        }, runnable -> Thread.ofVirtual().start(runnable));
        long pause = IDLE_TIMEOUT.toMillis() / 4;
        for (byte b : bytes) {
            if (closed.isDone()) {
                break;
            }
            try {
                loris.send(new byte[] {b});
            } catch (IOException e) {
                break; // closed under our feet
            }
            Thread.sleep(pause); // the attacker's pace, not synchronisation
        }
        return closed.isDone() ? closed.get() : false;
    }

    @Test
    void unknownAndMalformedImeisAreRefused() throws Exception {
        whileAWellBehavedDeviceSends(() -> {
            try (DeviceClient unknown = new DeviceClient(gateway.devicePort())) {
                assertEquals(TcpAvlCodec.HANDSHAKE_REJECTED, unknown.handshake(359_999_999_999_998L), "unknown IMEI: 0x00");
                assertTrue(unknown.closedByGateway());
            }
            try (DeviceClient letters = new DeviceClient(gateway.devicePort())) {
                letters.send(new byte[] {0, 15, '3', '5', '0', 'X', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '1'});
                assertEquals(0, letters.readAckByte(), "IMEI with a letter: 0x00");
                assertTrue(letters.closedByGateway());
            }
            try (DeviceClient tooLong = new DeviceClient(gateway.devicePort())) {
                tooLong.send(new byte[] {0, (byte) 200, '3', '5', '0'});
                assertEquals(0, tooLong.readAckByte(), "an IMEI length that is not 15: 0x00");
                assertTrue(tooLong.closedByGateway());
            }
        });
    }

    private double refusedFrames() {
        return gateway.registry().find("telemask.frames.rejected").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    /** Something hostile that may throw. */
    @FunctionalInterface
    private interface Attack {
        void run() throws Exception;
    }

    /**
     * Runs {@code attack} while a well-behaved device sends: the device must be served before, during (it keeps
     * sending) and after, and its records stored exactly once.
     */
    private void whileAWellBehavedDeviceSends(Attack attack) throws Exception {
        long imei = device(officePolicy);
        try (LoopbackFleet wellBehaved = new LoopbackFleet(gateway::devicePort, 2, Duration.ofSeconds(30), 0)) {
            wellBehaved.start(List.of(imei), T0);
            wellBehaved.awaitAcknowledged(20, Duration.ofSeconds(30));
            attack.run();
            wellBehaved.awaitAcknowledged(wellBehaved.acknowledgedRecords() + 20, Duration.ofSeconds(30));
            wellBehaved.stop(Duration.ofSeconds(30));
            assertEquals(0, wellBehaved.resentFrames(), "the well-behaved device never missed an ACK");
            StoredRecords.of(gateway.dataSource(), wellBehaved.sent().keySet())
                    .assertExactlyOnce(wellBehaved.sent(), wellBehaved.acknowledged());
        }
    }
}
