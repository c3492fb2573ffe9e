package dev.telemask.codec;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Builds Teltonika wire messages from an {@link AvlBatch}: TCP frames and UDP datagrams in Codec 8, 8 Extended
 * or 16, and the IMEI handshake. Removed IO elements are left out. The simulator and the tests use it; the
 * gateway never re-encodes what it receives.
 */
public final class AvlEncoder {
    private static final int[] FIXED_WIDTHS = {1, 2, 4, 8};

    private AvlEncoder() {}

    /** Writes the handshake: a 2-byte length and the IMEI's 15 ASCII digits. */
    public static void encodeHandshake(long imei, ByteBuf out) {
        out.writeShort(Imei.LENGTH);
        out.writeCharSequence(Imei.format(imei), StandardCharsets.US_ASCII);
    }

    /** Writes a whole TCP frame (preamble, data length, data, CRC) of every record in {@code batch}. */
    public static void encodeTcpFrame(AvlBatch batch, AvlCodecId codec, ByteBuf out) {
        out.writeInt(0);
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        int dataStart = out.writerIndex();
        encodeData(batch, codec, out);
        int dataLength = out.writerIndex() - dataStart;
        out.setInt(lengthIndex, dataLength);
        out.writeInt(Crc16Ibm.compute(out, dataStart, dataLength));
    }

    /**
     * Writes a UDP AVL datagram: length, packet ID, the unused packet-type byte (0x01), AVL packet ID, IMEI and
     * the AVL data.
     */
    public static void encodeUdpDatagram(AvlBatch batch, AvlCodecId codec, int packetId, int avlPacketId, long imei, ByteBuf out) {
        int lengthIndex = out.writerIndex();
        out.writeShort(0);
        out.writeShort(packetId);
        out.writeByte(UdpAvlCodec.PACKET_TYPE);
        out.writeByte(avlPacketId);
        encodeHandshake(imei, out);
        encodeData(batch, codec, out);
        out.setShort(lengthIndex, out.writerIndex() - lengthIndex - 2);
    }

    /** Writes AVL data: codec ID, record count, the records, record count. */
    public static void encodeData(AvlBatch batch, AvlCodecId codec, ByteBuf out) {
        if (batch.size() > 255) {
            throw new IllegalArgumentException("a frame holds at most 255 records, batch has " + batch.size());
        }
        out.writeByte(codec.id());
        out.writeByte(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            encodeRecord(batch, r, codec, out);
        }
        out.writeByte(batch.size());
    }

    private static void encodeRecord(AvlBatch batch, int r, AvlCodecId codec, ByteBuf out) {
        out.writeLong(batch.timestamp(r));
        out.writeByte(batch.priority(r));
        out.writeInt(batch.longitude(r));
        out.writeInt(batch.latitude(r));
        out.writeShort(batch.altitude(r));
        out.writeShort(batch.angle(r));
        out.writeByte(batch.satellites(r));
        out.writeShort(batch.speed(r));
        writeId(codec, batch.eventIo(r), out);
        if (codec.hasGenerationType()) {
            out.writeByte(Math.max(0, batch.generation(r)));
        }
        writeCount(codec, batch.keptIoCount(r), out);
        for (int width : FIXED_WIDTHS) {
            writeGroup(batch, r, codec, width, out);
        }
        if (codec.hasVariableLengthElements()) {
            writeGroup(batch, r, codec, AvlBatch.WIDTH_VARIABLE, out);
        } else if (countOfWidth(batch, r, AvlBatch.WIDTH_VARIABLE) > 0) {
            throw new IllegalArgumentException("codec " + codec.label() + " cannot carry variable-length IO elements");
        }
    }

    private static void writeGroup(AvlBatch batch, int r, AvlCodecId codec, int width, ByteBuf out) {
        int n = countOfWidth(batch, r, width);
        if (width == AvlBatch.WIDTH_VARIABLE) {
            out.writeShort(n);
        } else {
            writeCount(codec, n, out);
        }
        for (int e = batch.ioStart(r), end = e + batch.ioCount(r); e < end; e++) {
            if (batch.isIoRemoved(e) || batch.ioWidth(e) != width) {
                continue;
            }
            writeId(codec, batch.ioId(e), out);
            switch (width) {
                case 1 -> out.writeByte((int) batch.ioValue(e));
                case 2 -> out.writeShort((int) batch.ioValue(e));
                case 4 -> out.writeInt((int) batch.ioValue(e));
                case 8 -> out.writeLong(batch.ioValue(e));
                default -> {
                    out.writeShort(batch.nxLength(e));
                    out.writeBytes(batch.nxArray(), batch.nxOffset(e), batch.nxLength(e));
                }
            }
        }
    }

    private static int countOfWidth(AvlBatch batch, int r, int width) {
        int n = 0;
        for (int e = batch.ioStart(r), end = e + batch.ioCount(r); e < end; e++) {
            if (!batch.isIoRemoved(e) && batch.ioWidth(e) == width) {
                n++;
            }
        }
        return n;
    }

    private static void writeId(AvlCodecId codec, int id, ByteBuf out) {
        if (codec.ioIdWidth() == 1) {
            if (id > 0xFF) {
                throw new IllegalArgumentException("codec " + codec.label() + " carries 1-byte IO IDs, got " + id);
            }
            out.writeByte(id);
        } else {
            out.writeShort(id);
        }
    }

    private static void writeCount(AvlCodecId codec, int count, ByteBuf out) {
        if (codec.countWidth() == 1) {
            if (count > 0xFF) {
                throw new IllegalArgumentException("codec " + codec.label() + " carries at most 255 IO elements per group");
            }
            out.writeByte(count);
        } else {
            out.writeShort(count);
        }
    }
}
