package dev.telemask.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A connection has the handshake deadline to introduce itself; one that does is left alone. */
class HandshakeDeadlineTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final IngestMetrics metrics = new IngestMetrics(registry);
    private final List<String> lines = new ArrayList<>();
    private final PeerChannel channel = new PeerChannel("10.0.0.7",
            new HandshakeDeadline(DEADLINE, metrics, new RefusalLog(() -> 0L, lines::add)));

    private double timedOut() {
        return registry.get("telemask.connections.rejected").tag("reason", "handshake_timeout").counter().count();
    }

    private void advance(Duration by) {
        channel.advance(by);
    }

    @Test
    void aSilentConnectionIsClosedAtTheDeadline() {
        advance(DEADLINE.minusMillis(1));
        assertTrue(channel.isActive(), "open until the deadline");
        advance(Duration.ofMillis(1));
        assertFalse(channel.isOpen(), "closed at the deadline");
        assertEquals(1, timedOut());
        assertEquals(List.of("refused device connection from 10.0.0.7: no IMEI handshake within PT10S"), lines);
    }

    @Test
    void bytesThatAreNoHandshakeDoNotStopTheClock() {
        ByteBuf partial = Unpooled.wrappedBuffer(new byte[] {0, 15, '3'});
        channel.writeInbound(partial);
        ByteBuf passed = channel.readInbound();
        passed.release();
        advance(DEADLINE);
        assertFalse(channel.isOpen());
        assertEquals(1, timedOut());
    }

    @Test
    void theHandshakeDisarmsItAndTakesItOutOfThePipeline() {
        advance(DEADLINE.minusSeconds(1));
        channel.writeInbound(new DeviceHandshake(356_307_042_441_013L));
        assertEquals(new DeviceHandshake(356_307_042_441_013L), channel.readInbound(), "passed on");
        assertNull(channel.pipeline().get(HandshakeDeadline.class));
        advance(DEADLINE.multipliedBy(10));
        assertTrue(channel.isActive());
        assertEquals(0, timedOut());
        assertTrue(lines.isEmpty());
    }

    @Test
    void aConnectionClosedEarlierIsNotCounted() {
        channel.close();
        advance(DEADLINE);
        assertEquals(0, timedOut());
        assertTrue(lines.isEmpty());
    }
}
