package dev.telemask.bench.floor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.telemask.codec.AvlBatch;
import dev.telemask.codec.AvlCodecId;
import dev.telemask.codec.AvlEncoder;
import dev.telemask.codec.TcpAvlCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class AckOnlyServerTest {
    @Test
    void acceptsTheHandshakeAndAcknowledgesEachFrameWithItsRecordCountEvenWhenSplitAcrossReads() {
        EmbeddedChannel channel = new EmbeddedChannel(new AckOnlyServer.FrameAcker(null));
        ByteBuf bytes = Unpooled.buffer();
        AvlEncoder.encodeHandshake(356307042441013L, bytes);
        for (int records : new int[] {5, 1}) {
            AvlBatch batch = new AvlBatch();
            for (int r = 0; r < records; r++) {
                batch.addRecord(1_750_000_000_000L + r * 1000L, 1, 134_000_000, 525_200_000, 40, 90, 9, 50, 0,
                        AvlBatch.NO_GENERATION);
            }
            AvlEncoder.encodeTcpFrame(batch, AvlCodecId.CODEC_8, bytes);
        }
        // Three reads that cut the handshake and the first frame apart.
        channel.writeInbound(bytes.readRetainedSlice(7));
        channel.writeInbound(bytes.readRetainedSlice(30));
        channel.writeInbound(bytes.readRetainedSlice(bytes.readableBytes()));
        bytes.release();

        ByteBuf reply = channel.readOutbound();
        assertEquals(true, TcpAvlCodec.isAccepted(reply.readUnsignedByte()));
        reply.release();
        for (int expected : new int[] {5, 1}) {
            ByteBuf ack = channel.readOutbound();
            assertEquals(expected, TcpAvlCodec.readAck(ack));
            ack.release();
        }
        assertNull(channel.readOutbound());
        channel.finishAndReleaseAll();
    }
}
