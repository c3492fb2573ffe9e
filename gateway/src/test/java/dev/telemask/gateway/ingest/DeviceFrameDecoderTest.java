package dev.telemask.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import dev.telemask.codec.AvlCodecId;
import dev.telemask.codec.AvlEncoder;
import dev.telemask.codec.TcpFrameSplitter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pipeline's first handler: handshake, then frames, and what bad framing does to the connection. */
class DeviceFrameDecoderTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<String> lines = new ArrayList<>();
    private final EmbeddedChannel channel = new PeerChannel("203.0.113.7",
            new DeviceFrameDecoder(new TcpFrameSplitter(1024), new IngestMetrics(registry),
                    RefusalLog.malformedFrames(() -> 0L, lines::add)));

    private static ByteBuf handshake() {
        ByteBuf buf = Unpooled.buffer();
        AvlEncoder.encodeHandshake(356_307_042_441_013L, buf);
        return buf;
    }

    private static ByteBuf frame() {
        AvlBatch batch = new AvlBatch();
        batch.addRecord(1_560_161_086_000L, 1, 0, 0, 0, 0, 0, 0, 1, AvlBatch.NO_GENERATION);
        batch.addIo(239, 1, 1);
        ByteBuf buf = Unpooled.buffer();
        AvlEncoder.encodeTcpFrame(batch, AvlCodecId.CODEC_8E, buf);
        return buf;
    }

    @Test
    void handshakeThenFramesEvenByteByByte() {
        ByteBuf stream = Unpooled.wrappedBuffer(handshake(), frame(), frame());
        int frameLength = frame().readableBytes();
        while (stream.isReadable()) {
            channel.writeInbound(stream.readRetainedSlice(1));
        }
        assertEquals(new DeviceHandshake(356_307_042_441_013L), channel.readInbound());
        for (int i = 0; i < 2; i++) {
            ByteBuf frame = assertInstanceOf(ByteBuf.class, channel.readInbound());
            assertEquals(frameLength, frame.readableBytes());
            frame.release();
        }
        assertNull(channel.readInbound());
        assertTrue(channel.isActive());
        assertEquals(List.of(), lines, "well-formed frames log nothing");
    }

    @Test
    void aBadImeiIsAnsweredWithZeroAndClosed() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 15, 'x', '5', '6', '3', '0', '7', '0', '4', '2', '4', '4', '1', '0', '1', '3'}));
        ByteBuf reply = channel.readOutbound();
        assertEquals(0, reply.readByte());
        reply.release();
        assertFalse(channel.isActive());
        assertEquals(1, registry.get("telemask.frames.rejected").tag("reason", "bad_imei").counter().count());
        assertEquals(1, lines.size());
        assertTrue(lines.getFirst().startsWith("malformed frame from 203.0.113.7: handshake: "), lines.getFirst());
    }

    @Test
    void aLengthBeyondTheLimitClosesWithoutBuffering() {
        channel.writeInbound(handshake());
        channel.readInbound();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 0, (byte) 0x80, 0, 0, 0}));
        assertFalse(channel.isActive());
        assertEquals(1, registry.get("telemask.frames.rejected").tag("reason", "frame_too_long").counter().count());
    }

    @Test
    void garbageAfterTheHandshakeCloses() {
        channel.writeInbound(handshake());
        channel.readInbound();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'G', 'E', 'T', ' '}));
        assertFalse(channel.isActive());
        assertEquals(1, registry.get("telemask.frames.rejected").tag("reason", "bad_preamble").counter().count());
        assertEquals(1, lines.size(), "one WARN line, with the source address");
        assertTrue(lines.getFirst().startsWith("malformed frame from 203.0.113.7: "), lines.getFirst());
        assertTrue(lines.getFirst().endsWith("; connection closed"), lines.getFirst());
    }
}
