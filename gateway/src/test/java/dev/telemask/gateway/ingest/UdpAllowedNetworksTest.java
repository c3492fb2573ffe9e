package dev.telemask.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.telemask.codec.TcpFrameSplitter;
import dev.telemask.gateway.config.SourceNetworks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Period;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** {@code device.allowed-networks} on the UDP port: a datagram from elsewhere is not read, counted once a datagram. */
class UdpAllowedNetworksTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final IngestMetrics metrics = new IngestMetrics(registry);
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private EmbeddedChannel port(SourceNetworks allowed) {
        IngestServices services = new IngestServices(null, null, new SessionRegistry(), metrics,
                new TcpFrameSplitter(4096), allowed, new ConnectionCounts(metrics, 100, 100),
                new RefusalLog(() -> 0L, lines::add), RefusalLog.malformedFrames(() -> 0L, lines::add),
                Duration.ofSeconds(5), Duration.ofMinutes(10), new AtomicBoolean(),
                new IngestLimits(Period.ofMonths(12), Duration.ofMinutes(5), Duration.ofDays(7)),
                System::currentTimeMillis, CommandQueue.NONE, ConnectionEvents.NONE);
        return new EmbeddedChannel(new UdpIngestHandler(services));
    }

    /** Four bytes that are no AVL datagram: read, they are a framing error. */
    private static DatagramPacket junkFrom(String address) {
        return new DatagramPacket(Unpooled.wrappedBuffer(new byte[] {0, 2, 0, 0}),
                new InetSocketAddress("127.0.0.1", 5027), new InetSocketAddress(address, 40_000));
    }

    private double count(String name, String tag, String value) {
        return registry.get(name).tag(tag, value).counter().count();
    }

    @Test
    void aDatagramFromOutsideTheNetworksIsNotReadAndOneFromInsideIs() {
        EmbeddedChannel port = port(SourceNetworks.parse("device.allowed-networks", "10.64.0.0/10"));
        port.writeInbound(junkFrom("10.128.0.1"));
        port.writeInbound(junkFrom("10.128.0.1"));
        assertEquals(2, count("telemask.connections.rejected", "reason", "address_not_allowed"));
        assertEquals(0, registry.get("telemask.frames.rejected").counters().stream().mapToDouble(c -> c.count()).sum(),
                "not decoded");
        assertEquals(List.of("refused device connection from 10.128.0.1: UDP datagram: the address is not in"
                + " device.allowed-networks"), lines);

        port.writeInbound(junkFrom("10.65.0.1"));
        assertEquals(1, registry.get("telemask.frames.rejected").counters().stream().mapToDouble(c -> c.count()).sum(),
                "a datagram from the allowed network is read (and these bytes are refused as malformed)");
        assertNull(port.readOutbound(), "nothing acknowledged");
    }
}
