package dev.telemask.codec;

import io.netty.buffer.ByteBuf;

/**
 * The TCP variant's replies and dispatch, the counterpart of {@link UdpAvlCodec}: the server answers the IMEI
 * handshake with one byte (0x01 accept, 0x00 reject), acknowledges each AVL frame with its record count as a 4-byte
 * big-endian integer, and tells AVL frames from command messages (Codec 12, 13, 14) by the codec byte after the
 * frame header. The gateway, the simulator and the tests all speak it through this class.
 */
public final class TcpAvlCodec {
    /** The handshake reply that accepts the device. */
    public static final int HANDSHAKE_ACCEPTED = 0x01;
    /** The handshake reply that refuses the device; the server closes the connection after it. */
    public static final int HANDSHAKE_REJECTED = 0x00;
    /** Length of the handshake reply. */
    public static final int HANDSHAKE_REPLY_LENGTH = 1;
    /** Length of a frame's acknowledgement: the record count as a 4-byte big-endian integer. */
    public static final int ACK_LENGTH = 4;

    /** What a whole TCP frame carries, by its codec byte. */
    public enum FrameKind {
        /** AVL data (Codec 8, 8 Extended, 16, or an unknown codec the AVL decoder refuses). */
        AVL,
        /** A Codec 12, 13 or 14 command message or response. */
        COMMAND
    }

    private TcpAvlCodec() {}

    /** Writes the one-byte handshake reply. */
    public static void encodeHandshakeReply(boolean accepted, ByteBuf out) {
        out.writeByte(accepted ? HANDSHAKE_ACCEPTED : HANDSHAKE_REJECTED);
    }

    /** Reads a handshake reply byte (as an unsigned value): true when it accepts the device. */
    public static boolean isAccepted(int reply) {
        return reply == HANDSHAKE_ACCEPTED;
    }

    /** Writes the acknowledgement of a frame whose {@code records} records were taken. */
    public static void encodeAck(int records, ByteBuf out) {
        out.writeInt(records);
    }

    /** Reads one acknowledgement, advancing the reader index; -1 (index unchanged) when fewer than 4 bytes are readable. */
    public static int readAck(ByteBuf in) {
        return in.readableBytes() < ACK_LENGTH ? -1 : in.readInt();
    }

    /**
     * What the whole frame starting at {@code frame}'s reader index carries; the frame must hold at least its header
     * and codec byte, as every frame from {@link TcpFrameSplitter} does.
     */
    public static FrameKind frameKind(ByteBuf frame) {
        int codecId = frame.getUnsignedByte(frame.readerIndex() + AvlDecoder.TCP_HEADER_LENGTH);
        return CommandCodec.isCommandCodec(codecId) ? FrameKind.COMMAND : FrameKind.AVL;
    }
}
