package dev.telemask.codec;

import static dev.telemask.codec.CodecException.Reason.BAD_LENGTH;
import static dev.telemask.codec.CodecException.Reason.BAD_PREAMBLE;
import static dev.telemask.codec.CodecException.Reason.COUNT_MISMATCH;
import static dev.telemask.codec.CodecException.Reason.CRC_MISMATCH;
import static dev.telemask.codec.CodecException.Reason.TRAILING_BYTES;
import static dev.telemask.codec.CodecException.Reason.TRUNCATED;
import static dev.telemask.codec.CodecException.Reason.UNKNOWN_CODEC;

import io.netty.buffer.ByteBuf;

/**
 * Decodes AVL data (Codec 8, 8 Extended and 16) into an {@link AvlBatch}, reading the buffer with absolute
 * getters: its reader index is never moved and nothing outside the given range is read.
 */
public final class AvlDecoder {
    /** Preamble (4 zero bytes) and data length (4 bytes) in front of a TCP frame's data. */
    public static final int TCP_HEADER_LENGTH = 8;
    /** The CRC field after a TCP frame's data. */
    public static final int TCP_CRC_LENGTH = 4;
    /** Codec ID and the two record counts: the least AVL data there is. */
    public static final int MIN_DATA_LENGTH = 3;

    private static final int GPS_AND_HEADER_LENGTH = 8 + 1 + 4 + 4 + 2 + 2 + 1 + 2;

    private AvlDecoder() {}

    /**
     * Decodes a whole TCP AVL frame (preamble, data length, data, CRC) held in the readable bytes of
     * {@code frame}. The batch is cleared first. Offsets in exceptions count from the preamble's first byte.
     */
    public static void decodeTcpFrame(ByteBuf frame, AvlBatch batch) {
        int start = frame.readerIndex();
        int dataLength = checkTcpFrame(frame);
        decodeData(frame, start + TCP_HEADER_LENGTH, dataLength, TCP_HEADER_LENGTH, batch);
    }

    /**
     * Checks a TCP frame's preamble, length and CRC (any codec) and returns its data length; the data starts
     * {@link #TCP_HEADER_LENGTH} bytes after the reader index.
     */
    public static int checkTcpFrame(ByteBuf frame) {
        int start = frame.readerIndex();
        int length = frame.readableBytes();
        if (length < TCP_HEADER_LENGTH + MIN_DATA_LENGTH + TCP_CRC_LENGTH) {
            throw new CodecException(TRUNCATED, length, "frame of " + length + " bytes is shorter than the minimum");
        }
        if (frame.getInt(start) != 0) {
            throw new CodecException(BAD_PREAMBLE, 0, "preamble is not four zero bytes");
        }
        long dataLength = frame.getUnsignedInt(start + 4);
        if (dataLength != length - TCP_HEADER_LENGTH - TCP_CRC_LENGTH) {
            throw new CodecException(BAD_LENGTH, 4, "data length field says " + dataLength + ", frame holds "
                    + (length - TCP_HEADER_LENGTH - TCP_CRC_LENGTH));
        }
        int crcIndex = start + TCP_HEADER_LENGTH + (int) dataLength;
        long expected = frame.getUnsignedInt(crcIndex);
        int actual = Crc16Ibm.compute(frame, start + TCP_HEADER_LENGTH, (int) dataLength);
        if (expected != actual) {
            throw new CodecException(CRC_MISMATCH, crcIndex - start,
                    "CRC field 0x" + Long.toHexString(expected) + ", computed 0x" + Integer.toHexString(actual));
        }
        return (int) dataLength;
    }

    /**
     * Decodes AVL data (codec ID, record count, records, record count) occupying exactly {@code length} bytes of
     * {@code buf} from absolute {@code index}. The batch is cleared first.
     *
     * @param baseOffset the offset of {@code index} within the enclosing frame or datagram, for exceptions
     */
    public static void decodeData(ByteBuf buf, int index, int length, long baseOffset, AvlBatch batch) {
        batch.clear();
        if (length < MIN_DATA_LENGTH) {
            throw new CodecException(TRUNCATED, baseOffset + length, "AVL data of " + length + " bytes is too short");
        }
        Cursor c = new Cursor(buf, index, index + length - 1, baseOffset - index);
        int codecId = buf.getUnsignedByte(index);
        AvlCodec codec = AvlCodec.byId(codecId);
        if (codec == null) {
            throw new CodecException(UNKNOWN_CODEC, baseOffset, "codec ID 0x" + Integer.toHexString(codecId) + " is not AVL data");
        }
        batch.codec(codec);
        int count = buf.getUnsignedByte(index + 1);
        c.pos = index + 2;
        for (int i = 0; i < count; i++) {
            decodeRecord(c, codec, batch);
        }
        if (c.pos != c.limit) {
            throw new CodecException(TRAILING_BYTES, c.offset(c.pos),
                    (c.limit - c.pos) + " bytes after " + count + " records");
        }
        int count2 = buf.getUnsignedByte(c.limit);
        if (count2 != count) {
            throw new CodecException(COUNT_MISMATCH, c.offset(c.limit),
                    "record count " + count + " at the start, " + count2 + " at the end");
        }
    }

    private static void decodeRecord(Cursor c, AvlCodec codec, AvlBatch batch) {
        ByteBuf buf = c.buf;
        int recordStart = c.pos;
        int idWidth = codec.ioIdWidth();
        int countWidth = codec.countWidth();
        c.need(GPS_AND_HEADER_LENGTH + idWidth + (codec.hasGenerationType() ? 1 : 0) + countWidth);
        int p = c.pos;
        long timestamp = buf.getLong(p);
        int priority = buf.getUnsignedByte(p + 8);
        int longitude = buf.getInt(p + 9);
        int latitude = buf.getInt(p + 13);
        int altitude = buf.getShort(p + 17);
        int angle = buf.getUnsignedShort(p + 19);
        int satellites = buf.getUnsignedByte(p + 21);
        int speed = buf.getUnsignedShort(p + 22);
        p += GPS_AND_HEADER_LENGTH;
        int eventIo = idWidth == 1 ? buf.getUnsignedByte(p) : buf.getUnsignedShort(p);
        p += idWidth;
        int generation = AvlBatch.NO_GENERATION;
        if (codec.hasGenerationType()) {
            generation = buf.getUnsignedByte(p++);
        }
        int totalIo = countWidth == 1 ? buf.getUnsignedByte(p) : buf.getUnsignedShort(p);
        int totalOffset = p;
        p += countWidth;
        c.pos = p;
        batch.addRecord(timestamp, priority, longitude, latitude, altitude, angle, satellites, speed, eventIo, generation);

        int seen = fixedWidthGroup(c, batch, idWidth, countWidth, 1)
                + fixedWidthGroup(c, batch, idWidth, countWidth, 2)
                + fixedWidthGroup(c, batch, idWidth, countWidth, 4)
                + fixedWidthGroup(c, batch, idWidth, countWidth, 8);
        if (codec.hasVariableLengthElements()) {
            seen += variableLengthGroup(c, batch);
        }
        if (seen != totalIo) {
            throw new CodecException(COUNT_MISMATCH, c.offset(totalOffset),
                    "record at offset " + c.offset(recordStart) + " announces " + totalIo + " IO elements, holds " + seen);
        }
    }

    private static int fixedWidthGroup(Cursor c, AvlBatch batch, int idWidth, int countWidth, int width) {
        ByteBuf buf = c.buf;
        c.need(countWidth);
        int n = countWidth == 1 ? buf.getUnsignedByte(c.pos) : buf.getUnsignedShort(c.pos);
        c.pos += countWidth;
        c.need(n * (idWidth + width));
        int p = c.pos;
        for (int i = 0; i < n; i++) {
            int id = idWidth == 1 ? buf.getUnsignedByte(p) : buf.getUnsignedShort(p);
            p += idWidth;
            long value = switch (width) {
                case 1 -> buf.getUnsignedByte(p);
                case 2 -> buf.getUnsignedShort(p);
                case 4 -> buf.getUnsignedInt(p);
                default -> buf.getLong(p);
            };
            p += width;
            batch.addIo(id, width, value);
        }
        c.pos = p;
        return n;
    }

    private static int variableLengthGroup(Cursor c, AvlBatch batch) {
        ByteBuf buf = c.buf;
        c.need(2);
        int n = buf.getUnsignedShort(c.pos);
        c.pos += 2;
        for (int i = 0; i < n; i++) {
            c.need(4);
            int id = buf.getUnsignedShort(c.pos);
            int length = buf.getUnsignedShort(c.pos + 2);
            c.pos += 4;
            c.need(length);
            int at = batch.reserveNx(id, length);
            buf.getBytes(c.pos, batch.nxArray(), at, length);
            c.pos += length;
        }
        return n;
    }

    /** Read position within [start, limit) and the translation from buffer index to frame offset. */
    private static final class Cursor {
        final ByteBuf buf;
        final int limit;
        final long indexToOffset;
        int pos;

        Cursor(ByteBuf buf, int pos, int limit, long indexToOffset) {
            this.buf = buf;
            this.pos = pos;
            this.limit = limit;
            this.indexToOffset = indexToOffset;
        }

        void need(long bytes) {
            if (pos + bytes > limit) {
                throw new CodecException(TRUNCATED, offset(pos),
                        "need " + bytes + " bytes, " + (limit - pos) + " remain before the closing record count");
            }
        }

        long offset(int index) {
            return index + indexToOffset;
        }
    }
}
