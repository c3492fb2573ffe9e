package dev.telemask.codec;

import static dev.telemask.codec.CodecException.Reason.BAD_IMEI;
import static dev.telemask.codec.CodecException.Reason.BAD_LENGTH;
import static dev.telemask.codec.CodecException.Reason.TRUNCATED;

import io.netty.buffer.ByteBuf;

/**
 * The UDP variant: each datagram carries its own header (length, packet ID, AVL packet ID, IMEI) and AVL data
 * without a CRC; the server acknowledges it with the number of records it accepted.
 */
public final class UdpAvlCodec {
    /** The "not usable" packet-type byte devices put after the packet ID. */
    public static final int PACKET_TYPE = 0x01;
    /** Length field, packet ID, packet type, AVL packet ID, IMEI length, IMEI. */
    public static final int HEADER_LENGTH = 2 + 2 + 1 + 1 + 2 + Imei.LENGTH;
    /** The acknowledgement: length (always 5), packet ID, packet type, AVL packet ID, accepted count. */
    public static final int ACK_LENGTH = 7;

    private UdpAvlCodec() {}

    /** The header fields of a datagram; reusable. */
    public static final class Header {
        private int packetId;
        private int avlPacketId;
        private long imei;

        public int packetId() {
            return packetId;
        }

        public int avlPacketId() {
            return avlPacketId;
        }

        public long imei() {
            return imei;
        }
    }

    /**
     * Decodes the datagram in {@code datagram}'s readable bytes into {@code header} and {@code batch} (cleared
     * first). Offsets in exceptions count from the datagram's first byte.
     */
    public static void decode(ByteBuf datagram, Header header, AvlBatch batch) {
        batch.clear();
        int start = datagram.readerIndex();
        int length = datagram.readableBytes();
        if (length < HEADER_LENGTH + AvlDecoder.MIN_DATA_LENGTH) {
            throw new CodecException(TRUNCATED, length, "datagram of " + length + " bytes is shorter than the minimum");
        }
        int declared = datagram.getUnsignedShort(start);
        if (declared != length - 2) {
            throw new CodecException(BAD_LENGTH, 0, "length field says " + declared + ", datagram holds " + (length - 2));
        }
        header.packetId = datagram.getUnsignedShort(start + 2);
        header.avlPacketId = datagram.getUnsignedByte(start + 5);
        int imeiLength = datagram.getUnsignedShort(start + 6);
        if (imeiLength != Imei.LENGTH) {
            throw new CodecException(BAD_IMEI, 6, "IMEI length " + imeiLength + ", expected 15");
        }
        header.imei = Imei.parseAscii(datagram, start + 8, imeiLength, 8);
        AvlDecoder.decodeData(datagram, start + HEADER_LENGTH, length - HEADER_LENGTH, HEADER_LENGTH, batch);
    }

    /** Writes the acknowledgement of a datagram, saying that {@code accepted} records were stored. */
    public static void encodeAck(int packetId, int avlPacketId, int accepted, ByteBuf out) {
        out.writeShort(ACK_LENGTH - 2);
        out.writeShort(packetId);
        out.writeByte(PACKET_TYPE);
        out.writeByte(avlPacketId);
        out.writeByte(accepted);
    }
}
