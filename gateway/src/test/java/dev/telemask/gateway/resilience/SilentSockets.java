package dev.telemask.gateway.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import dev.telemask.codec.AvlCodecId;
import dev.telemask.codec.AvlEncoder;
import dev.telemask.codec.TcpAvlCodec;
import dev.telemask.simulator.DeviceClient;
import dev.telemask.gateway.Drives;
import dev.telemask.gateway.GatewayTestBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.SocketFactory;
import org.junit.jupiter.api.Test;

/**
 * Sockets that connect and never introduce themselves, and datagrams that name no device, cannot keep registered
 * devices off the gateway: silent sockets are closed at the handshake deadline, one address holds at most its
 * share of the connections, and a UDP flood leaves TCP devices and their look-ups served.
 */
abstract class SilentSockets extends GatewayTestBase.ForOtherPackages {
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(1);
    private static final int MAX_CONNECTIONS = 150;
    private static final int MAX_PER_ADDRESS = 100;
    /** More than the gateway-wide limit: without a per-address limit these alone would fill the gateway. */
    private static final int SILENT_SOCKETS = 200;
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);
    private static final String ATTACKER = "127.0.0.1";
    private static final String FLEET = "127.0.0.2";

    @Override
    protected Map<String, String> gatewayConfiguration() {
        return Map.of("device.handshake-timeout", HANDSHAKE_TIMEOUT.toString(),
                "device.max-connections", String.valueOf(MAX_CONNECTIONS),
                "device.max-connections-per-address", String.valueOf(MAX_PER_ADDRESS));
    }

    @Test
    void hundredsOfSilentSocketsFromOneAddressDoNotLockOutARegisteredDevice() throws Exception {
        awaitNoConnections();
        double addressLimitBefore = rejected("address_limit");
        double timeoutsBefore = rejected("handshake_timeout");
        long imei = device(officePolicy);
        try (SilentFlood flood = new SilentFlood(SILENT_SOCKETS, Duration.ofSeconds(90))) {
            Eventually.holds(() -> connections() >= MAX_PER_ADDRESS && rejected("address_limit") > addressLimitBefore,
                    Duration.ofSeconds(30), () -> "the silent sockets hold " + connections() + " connections");
            try (DeviceClient device = connectFrom(FLEET)) {
                device.readTimeout(ACK_TIMEOUT);
                assertEquals(TcpAvlCodec.HANDSHAKE_ACCEPTED, device.handshake(imei), "the registered device is accepted during the flood");
                for (int f = 0; f < 20; f++) {
                    AvlBatch frame = Drives.driving(T0 + f * 120_000L, 2);
                    device.sendFrame(frame);
                    assertEquals(2, device.readAck(), "frame " + f + " acknowledged");
                    assertTrue(connections() <= MAX_PER_ADDRESS + 1,
                            "one address holds at most its limit: " + connections() + " connections open");
                }
                // The deadline closes the silent sockets, they come back, and the device is still served.
                Eventually.holds(() -> rejected("handshake_timeout") - timeoutsBefore >= MAX_PER_ADDRESS
                                && flood.connected() > SILENT_SOCKETS + MAX_PER_ADDRESS, Duration.ofSeconds(30),
                        () -> "silent sockets closed at the deadline: " + (rejected("handshake_timeout") - timeoutsBefore)
                                + ", connections made: " + flood.connected());
                device.sendFrame(Drives.driving(T0 + 20 * 120_000L, 2));
                assertEquals(2, device.readAck(), "acknowledged after the silent sockets came back");
            }
        }
        assertEquals(42, count(imei));
        awaitNoConnections();
    }

    @Test
    void aSilentSocketIsClosedAtTheHandshakeDeadlineAndADeviceThatIntroducedItselfIsNot() throws Exception {
        double timeoutsBefore = rejected("handshake_timeout");
        long imei = device(officePolicy);
        try (DeviceClient silent = new DeviceClient(gateway.devicePort());
             DeviceClient device = connectFrom(FLEET)) {
            assertEquals(TcpAvlCodec.HANDSHAKE_ACCEPTED, device.handshake(imei));
            // Bounded wait for the close: the idle timeout (10 minutes) would not close it within the test.
            silent.readTimeout(HANDSHAKE_TIMEOUT.multipliedBy(10));
            assertTrue(silent.closedByGateway(), "the silent socket was closed");
            assertTrue(rejected("handshake_timeout") > timeoutsBefore);
            // The deadline has passed for both: the device that introduced itself is still served.
            device.readTimeout(ACK_TIMEOUT);
            device.sendFrame(Drives.driving(T0 + 3_600_000L, 3));
            assertEquals(3, device.readAck());
        }
    }

    @Test
    void aUdpFloodLeavesTcpDevicesAndTheirHandshakesServed() throws Exception {
        double framesRejectedBefore = framesRejected();
        double turnedAwayBefore = rejected("unknown_device") + rejected("lookup_busy") + rejected("lookup_failed");
        long imei = device(officePolicy);
        try (DeviceClient device = connectFrom(FLEET)) {
            device.readTimeout(ACK_TIMEOUT);
            assertEquals(TcpAvlCodec.HANDSHAKE_ACCEPTED, device.handshake(imei));
            CompletableFuture<Void> flood = CompletableFuture.runAsync(this::udpFlood,
                    runnable -> Thread.ofVirtual().start(runnable));
            int frames = 0;
            while (!flood.isDone() || frames < 10) {
                device.sendFrame(Drives.driving(T0 + 7_200_000L + frames * 120_000L, 2));
                assertEquals(2, device.readAck(), "frame " + frames + " acknowledged during the UDP flood");
                frames++;
            }
            flood.get(60, TimeUnit.SECONDS);
            assertEquals(2L * frames, count(imei));
        }
        // The flood's invented IMEIs did not fill the look-up queue that TCP handshakes share.
        try (DeviceClient another = connectFrom(FLEET)) {
            another.readTimeout(ACK_TIMEOUT);
            assertEquals(TcpAvlCodec.HANDSHAKE_ACCEPTED, another.handshake(device(officePolicy)), "a device connecting after the flood is accepted");
        }
        assertTrue(framesRejected() > framesRejectedBefore, "garbage datagrams are counted");
        assertTrue(rejected("unknown_device") + rejected("lookup_busy") + rejected("lookup_failed") > turnedAwayBefore,
                "datagrams of unknown devices are counted");
    }

    /** 50,000 datagrams from one socket: garbage, and well-formed ones naming devices that do not exist. */
    private void udpFlood() {
        Random random = new Random(42);
        AvlBatch records = Drives.driving(T0, 1);
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), gateway.udpPort());
            for (int i = 0; i < 50_000; i++) {
                byte[] datagram;
                if (i % 2 == 0) {
                    datagram = new byte[1 + random.nextInt(120)];
                    random.nextBytes(datagram);
                } else {
                    ByteBuf buf = Unpooled.buffer();
                    AvlEncoder.encodeUdpDatagram(records, AvlCodecId.CODEC_8E, i & 0xFFFF, i & 0xFF,
                            359_000_000_000_000L + i, buf);
                    datagram = ByteBufUtil.getBytes(buf);
                }
                socket.send(new DatagramPacket(datagram, datagram.length, target));
            }
        } catch (IOException e) {
            throw new AssertionError("the flood could not be sent", e);
        }
    }

    /** A device's connection from the given loopback address, as from another network than the attacker's. */
    private DeviceClient connectFrom(String local) throws IOException {
        InetAddress from = InetAddress.getByName(local);
        return new DeviceClient(new SocketFactory() {
            @Override
            public Socket createSocket(String host, int port) throws IOException {
                return new Socket(host, port, from, 0);
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Socket createSocket(InetAddress host, int port) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
                throw new UnsupportedOperationException();
            }
        }, gateway.devicePort());
    }

    /**
     * Sockets from the attacker's address that connect, say nothing, and connect again when the gateway closes
     * them, each on its own virtual thread, until closed or {@code giveUp} has passed.
     */
    private final class SilentFlood implements AutoCloseable {
        /** The attacker's pace after a close: bounds the connection rate, not a synchronisation. */
        private static final long RECONNECT_PAUSE_MILLIS = 200;

        private final List<Thread> threads = new ArrayList<>();
        private final List<Socket> open = java.util.Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger connected = new AtomicInteger();
        private final long giveUpAt;
        private volatile boolean stopping;

        SilentFlood(int sockets, Duration giveUp) {
            giveUpAt = System.nanoTime() + giveUp.toNanos();
            for (int s = 0; s < sockets; s++) {
                threads.add(Thread.ofVirtual().name("silent-" + s).start(this::holdSilently));
            }
        }

        private void holdSilently() {
            while (!stopping && System.nanoTime() < giveUpAt) {
                try (Socket socket = new Socket()) {
                    open.add(socket);
                    socket.bind(new InetSocketAddress(InetAddress.getByName(ATTACKER), 0));
                    socket.connect(new InetSocketAddress(InetAddress.getByName(ATTACKER), gateway.devicePort()));
                    socket.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
                    connected.incrementAndGet();
                    InputStream in = socket.getInputStream();
                    while (in.read() >= 0) {
                        // the gateway sends nothing to a socket that said nothing
                    }
                } catch (IOException e) {
                    // closed by the gateway (or by close() below): connect again
                } finally {
                    open.removeIf(Socket::isClosed);
                }
                try {
                    Thread.sleep(RECONNECT_PAUSE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** Connections made so far. */
        int connected() {
            return connected.get();
        }

        @Override
        public void close() throws Exception {
            stopping = true;
            synchronized (open) {
                for (Socket socket : open) {
                    socket.close();
                }
            }
            for (Thread thread : threads) {
                thread.interrupt();
                thread.join(Duration.ofSeconds(10).toMillis());
                if (thread.isAlive()) {
                    throw new AssertionError(thread.getName() + " did not stop");
                }
            }
        }
    }

    private void awaitNoConnections() {
        Eventually.holds(() -> connections() == 0, Duration.ofSeconds(30),
                () -> connections() + " connections still open");
    }

    private int connections() {
        return (int) gateway.registry().get("telemask.connections").gauge().value();
    }

    private double rejected(String reason) {
        return gateway.registry().get("telemask.connections.rejected").tag("reason", reason).counter().count();
    }

    private double framesRejected() {
        return gateway.registry().find("telemask.frames.rejected").counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
