package dev.telemask.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** The TCP replies byte for byte as Teltonika documents them, and the AVL/command dispatch. */
class TcpAvlCodecTest {
    @Test
    void handshakeRepliesAreOneByte() {
        ByteBuf out = Unpooled.buffer();
        TcpAvlCodec.encodeHandshakeReply(true, out);
        TcpAvlCodec.encodeHandshakeReply(false, out);
        assertEquals("0100", ByteBufUtil.hexDump(out));
        assertTrue(TcpAvlCodec.isAccepted(out.readUnsignedByte()));
        assertFalse(TcpAvlCodec.isAccepted(out.readUnsignedByte()));
    }

    @Test
    void ackIsTheRecordCountAsFourBigEndianBytes() {
        ByteBuf out = Unpooled.buffer();
        TcpAvlCodec.encodeAck(4, out);
        assertEquals("00000004", ByteBufUtil.hexDump(out));
        out.writeByte(0);
        assertEquals(4, TcpAvlCodec.readAck(out));
        assertEquals(-1, TcpAvlCodec.readAck(out), "one byte of the next ACK is not an ACK");
        assertEquals(1, out.readableBytes());
    }

    @Test
    void framesAreToldApartByTheirCodecByte() {
        ByteBuf avl = Unpooled.buffer();
        AvlBatch records = new AvlBatch();
        records.addRecord(1_560_161_086_000L, 1, 0, 0, 0, 0, 0, 0, 1, AvlBatch.NO_GENERATION);
        records.addIo(21, 1, 3);
        AvlEncoder.encodeTcpFrame(records, AvlCodecId.CODEC_8, avl);
        ByteBuf command = Unpooled.buffer();
        CommandCodec.encode(CommandMessage.command("getinfo"), command);
        assertEquals(TcpAvlCodec.FrameKind.AVL, TcpAvlCodec.frameKind(avl));
        assertEquals(TcpAvlCodec.FrameKind.COMMAND, TcpAvlCodec.frameKind(command));
    }
}
