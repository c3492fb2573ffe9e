package dev.telemask.codec;

import static dev.telemask.codec.CodecException.Reason.BAD_LENGTH;
import static dev.telemask.codec.CodecException.Reason.BAD_PREAMBLE;
import static dev.telemask.codec.CodecException.Reason.COUNT_MISMATCH;
import static dev.telemask.codec.CodecException.Reason.CRC_MISMATCH;
import static dev.telemask.codec.CodecException.Reason.TRAILING_BYTES;
import static dev.telemask.codec.CodecException.Reason.TRUNCATED;
import static dev.telemask.codec.CodecException.Reason.UNKNOWN_CODEC;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decodes AVL data (Codec 8, 8 Extended and 16) into an {@link AvlBatch}. The buffer's indices are never moved
 * and nothing outside the given range is read. A direct buffer's bytes are first copied, in one bulk copy, into
 * a per-thread scratch array: reading fields from a byte array is several times faster than a bounds- and
 * reference-checked getter call per field. Multi-byte fields are read with byte-array VarHandles (one load and a
 * byte swap); such a call boxes its value if the JIT does not inline it, so the benchmark's allocation figure is
 * the check that it does. Each codec has its own record method, in which the IO ID and count widths are constants.
 */
public final class AvlDecoder {
    /** Preamble (4 zero bytes) and data length (4 bytes) in front of a TCP frame's data. */
    public static final int TCP_HEADER_LENGTH = 8;
    /** The CRC field after a TCP frame's data. */
    public static final int TCP_CRC_LENGTH = 4;
    /** Codec ID and the two record counts: the least AVL data there is. */
    public static final int MIN_DATA_LENGTH = 3;

    private static final VarHandle CHAR_BE = MethodHandles.byteArrayViewVarHandle(char[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private static final int GPS_AND_HEADER_LENGTH = 8 + 1 + 4 + 4 + 2 + 2 + 1 + 2;

    /** Sized to the largest frame seen on the thread, which the frame splitter bounds. */
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[2048];
        }
    };

    private AvlDecoder() {}

    /**
     * Decodes a whole TCP AVL frame (preamble, data length, data, CRC) held in the readable bytes of
     * {@code frame}. The batch is cleared first. Offsets in exceptions count from the preamble's first byte.
     */
    public static void decodeTcpFrame(ByteBuf frame, AvlBatch batch) {
        decodeTcpFrame(frame, frame.readerIndex(), frame.readableBytes(), batch);
    }

    /** Decodes the whole TCP AVL frame of {@code length} bytes at absolute {@code index}, without slicing. */
    public static void decodeTcpFrame(ByteBuf buf, int index, int length, AvlBatch batch) {
        batch.clear();
        int dataLength = checkHeader(buf, index, length);
        int dataIndex = index + TCP_HEADER_LENGTH;
        byte[] bytes;
        int from;
        if (buf.hasArray()) {
            bytes = buf.array();
            from = buf.arrayOffset() + dataIndex;
        } else {
            bytes = scratch(dataLength);
            from = 0;
            copy(buf, dataIndex, bytes, dataLength);
        }
        checkCrc(Crc16Ibm.compute(bytes, from, dataLength), buf.getUnsignedInt(dataIndex + dataLength), dataLength);
        decodeData(bytes, from, dataLength, TCP_HEADER_LENGTH, batch);
    }

    /**
     * Checks a TCP frame's preamble, length and CRC (any codec) held in the readable bytes of {@code frame} and
     * returns its data length; the data starts {@link #TCP_HEADER_LENGTH} bytes after the reader index.
     */
    public static int checkTcpFrame(ByteBuf frame) {
        int start = frame.readerIndex();
        int dataLength = checkHeader(frame, start, frame.readableBytes());
        int dataIndex = start + TCP_HEADER_LENGTH;
        checkCrc(Crc16Ibm.compute(frame, dataIndex, dataLength), frame.getUnsignedInt(dataIndex + dataLength), dataLength);
        return dataLength;
    }

    private static int checkHeader(ByteBuf frame, int start, int length) {
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
        return (int) dataLength;
    }

    private static void checkCrc(int actual, long expected, int dataLength) {
        if (expected != actual) {
            throw new CodecException(CRC_MISMATCH, TCP_HEADER_LENGTH + dataLength,
                    "CRC field 0x" + Long.toHexString(expected) + ", computed 0x" + Integer.toHexString(actual));
        }
    }

    /**
     * Copies {@code length} bytes at {@code index} of a direct buffer into {@code to}. Not {@code getBytes}: where Netty
     * does not use {@code Unsafe}, a pooled direct buffer's {@code getBytes} into an array duplicates its NIO buffer
     * (64 bytes) on every call, which the JIT removes in some runs and not in others. The buffer's own internal NIO
     * buffer, read with an absolute bulk get, allocates nothing.
     */
    private static void copy(ByteBuf buf, int index, byte[] to, int length) {
        if (buf.nioBufferCount() == 1) {
            ByteBuffer nio = buf.internalNioBuffer(index, length);
            nio.get(nio.position(), to, 0, length);
        } else {
            buf.getBytes(index, to, 0, length);
        }
    }

    private static byte[] scratch(int length) {
        byte[] bytes = SCRATCH.get();
        if (bytes.length < length) {
            bytes = new byte[Math.max(length, bytes.length * 2)];
            SCRATCH.set(bytes);
        }
        return bytes;
    }

    /**
     * Decodes AVL data (codec ID, record count, records, record count) occupying exactly {@code length} bytes of
     * {@code buf} from absolute {@code index}. The batch is cleared first.
     *
     * @param baseOffset the offset of {@code index} within the enclosing frame or datagram, for exceptions
     */
    public static void decodeData(ByteBuf buf, int index, int length, long baseOffset, AvlBatch batch) {
        if (buf.hasArray()) {
            decodeData(buf.array(), buf.arrayOffset() + index, length, baseOffset, batch);
        } else {
            byte[] bytes = scratch(length);
            copy(buf, index, bytes, length);
            decodeData(bytes, 0, length, baseOffset, batch);
        }
    }

    private static void decodeData(byte[] a, int index, int length, long baseOffset, AvlBatch batch) {
        batch.clear();
        if (length < MIN_DATA_LENGTH) {
            throw new CodecException(TRUNCATED, baseOffset + length, "AVL data of " + length + " bytes is too short");
        }
        int codecId = a[index] & 0xFF;
        AvlCodecId codec = AvlCodecId.byId(codecId);
        if (codec == null) {
            throw new CodecException(UNKNOWN_CODEC, baseOffset, "codec ID 0x" + Integer.toHexString(codecId) + " is not AVL data");
        }
        batch.codec(codec);
        // Records end where the closing record count begins; offsets in exceptions are index + toOffset.
        int limit = index + length - 1;
        long toOffset = baseOffset - index;
        int count = a[index + 1] & 0xFF;
        int pos = index + 2;
        for (int i = 0; i < count; i++) {
            // A record method per codec, whose ID and count widths are constants: the JIT compiles each group's
            // element loop for one width of ID and value, with no branch on either.
            pos = switch (codec) {
                case CODEC_8 -> codec8Record(a, pos, limit, toOffset, batch);
                case CODEC_8E -> codec8ExtendedRecord(a, pos, limit, toOffset, batch);
                case CODEC_16 -> codec16Record(a, pos, limit, toOffset, batch);
            };
        }
        if (pos != limit) {
            throw new CodecException(TRAILING_BYTES, pos + toOffset, (limit - pos) + " bytes after " + count + " records");
        }
        int count2 = a[limit] & 0xFF;
        if (count2 != count) {
            throw new CodecException(COUNT_MISMATCH, limit + toOffset,
                    "record count " + count + " at the start, " + count2 + " at the end");
        }
    }

    /*
     * The record methods decode the record at pos into the batch and return the index after it. Every length is
     * checked before it is read: each check covers a group's elements and the count of the group after it, so a
     * group costs one check. Exceptions are built in methods of their own: their message code would make the hot
     * methods too large for the JIT to inline.
     */

    /** Codec 8: 1-byte IO IDs and counts. */
    private static int codec8Record(byte[] a, int pos, int limit, long toOffset, AvlBatch batch) {
        need(pos, GPS_AND_HEADER_LENGTH + 1 + 1 + 1, limit, toOffset);
        int p = pos + GPS_AND_HEADER_LENGTH;
        addRecord(a, pos, a[p] & 0xFF, AvlBatch.NO_GENERATION, batch);
        int totalIo = a[p + 1] & 0xFF;
        p = group(a, p + 2, 1, 1, 1, 1, limit, toOffset, batch);
        p = group(a, p, 1, 1, 2, 1, limit, toOffset, batch);
        p = group(a, p, 1, 1, 4, 1, limit, toOffset, batch);
        p = group(a, p, 1, 1, 8, 0, limit, toOffset, batch);
        checkIoCount(batch, totalIo, pos, pos + GPS_AND_HEADER_LENGTH + 1, toOffset);
        return p;
    }

    /** Codec 8 Extended: 2-byte IO IDs and counts, and a group of variable-length (NX) elements last. */
    private static int codec8ExtendedRecord(byte[] a, int pos, int limit, long toOffset, AvlBatch batch) {
        need(pos, GPS_AND_HEADER_LENGTH + 2 + 2 + 2, limit, toOffset);
        int p = pos + GPS_AND_HEADER_LENGTH;
        addRecord(a, pos, u16(a, p), AvlBatch.NO_GENERATION, batch);
        int totalIo = u16(a, p + 2);
        p = group(a, p + 4, 2, 2, 1, 2, limit, toOffset, batch);
        p = group(a, p, 2, 2, 2, 2, limit, toOffset, batch);
        p = group(a, p, 2, 2, 4, 2, limit, toOffset, batch);
        p = group(a, p, 2, 2, 8, 2, limit, toOffset, batch);
        p = variableLengthGroup(a, p, limit, toOffset, batch);
        checkIoCount(batch, totalIo, pos, pos + GPS_AND_HEADER_LENGTH + 2, toOffset);
        return p;
    }

    /** Codec 16: 2-byte IO IDs, a generation type after the event IO ID, 1-byte counts. */
    private static int codec16Record(byte[] a, int pos, int limit, long toOffset, AvlBatch batch) {
        need(pos, GPS_AND_HEADER_LENGTH + 2 + 1 + 1 + 1, limit, toOffset);
        int p = pos + GPS_AND_HEADER_LENGTH;
        addRecord(a, pos, u16(a, p), a[p + 2] & 0xFF, batch);
        int totalIo = a[p + 3] & 0xFF;
        p = group(a, p + 4, 2, 1, 1, 1, limit, toOffset, batch);
        p = group(a, p, 2, 1, 2, 1, limit, toOffset, batch);
        p = group(a, p, 2, 1, 4, 1, limit, toOffset, batch);
        p = group(a, p, 2, 1, 8, 0, limit, toOffset, batch);
        checkIoCount(batch, totalIo, pos, pos + GPS_AND_HEADER_LENGTH + 3, toOffset);
        return p;
    }

    /**
     * Adds the record whose GPS element and priority start at {@code pos}, with IO still to come. The batch packs the
     * fields as the wire lays them out: longitude and latitude are one 8-byte load, altitude, angle, satellites and
     * speed another (its last byte, the event IO ID's first, which every record has, gives way to the priority).
     */
    private static void addRecord(byte[] a, int pos, int eventIo, int generation, AvlBatch batch) {
        batch.addDecoded(s64(a, pos), s64(a, pos + 9), s64(a, pos + 17) & ~0xFFL | a[pos + 8] & 0xFF,
                AvlBatch.tag(eventIo, generation));
    }

    /**
     * Decodes the fixed-width IO group at {@code p} (its count, then its elements) into the last record and returns
     * the index after it; the group's count was checked to lie before the limit, and {@code after} bytes after the
     * group (the next group's count) are checked with it. Called with constant widths, so that the JIT compiles
     * each call site for its widths.
     */
    private static int group(byte[] a, int p, int idWidth, int countWidth, int width, int after, int limit,
                             long toOffset, AvlBatch batch) {
        int n = countWidth == 1 ? a[p] & 0xFF : u16(a, p);
        int at = p + countWidth;
        int size = idWidth + width;
        need(at, (long) n * size + after, limit, toOffset);
        int e = batch.elements;
        int[] meta = batch.reserveElements(n);
        long[] values = batch.ioValue;
        int widthMeta = AvlBatch.meta(0, width);
        int end = at + n * size;
        // Stepped by a size that is not a constant until the method is inlined: compiled on its own first (as it
        // is), such a loop is not unrolled, which keeps the method small enough for the JIT to inline it then.
        for (int q = at; q < end; q += size) {
            meta[e] = (idWidth == 1 ? a[q] & 0xFF : u16(a, q)) | widthMeta;
            values[e] = switch (width) {
                case 1 -> a[q + idWidth] & 0xFF;
                case 2 -> u16(a, q + idWidth);
                case 4 -> s32(a, q + idWidth) & 0xFFFF_FFFFL;
                default -> s64(a, q + idWidth);
            };
            e++;
        }
        batch.elements = e;
        return end;
    }

    /** The group of NX elements at {@code pos}; its 2-byte count was checked to lie before the limit. */
    private static int variableLengthGroup(byte[] a, int pos, int limit, long toOffset, AvlBatch batch) {
        int n = u16(a, pos);
        int p = pos + 2;
        for (int i = 0; i < n; i++) {
            need(p, 4, limit, toOffset);
            int id = u16(a, p);
            int length = u16(a, p + 2);
            p += 4;
            need(p, length, limit, toOffset);
            batch.appendNx(id, a, p, length);
            p += length;
        }
        return p;
    }

    private static void checkIoCount(AvlBatch batch, int announced, int recordAt, int totalAt, long toOffset) {
        int held = batch.endRecord();
        if (held != announced) {
            throw ioCountMismatch(recordAt + toOffset, totalAt + toOffset, announced, held);
        }
    }

    private static CodecException ioCountMismatch(long recordOffset, long totalOffset, int announced, int held) {
        return new CodecException(COUNT_MISMATCH, totalOffset,
                "record at offset " + recordOffset + " announces " + announced + " IO elements, holds " + held);
    }

    private static int u16(byte[] a, int at) {
        return (char) CHAR_BE.get(a, at);
    }

    private static int s32(byte[] a, int at) {
        return (int) INT_BE.get(a, at);
    }

    private static long s64(byte[] a, int at) {
        return (long) LONG_BE.get(a, at);
    }

    /** Throws TRUNCATED unless {@code bytes} bytes from {@code pos} lie before {@code limit}. */
    private static void need(int pos, long bytes, int limit, long toOffset) {
        if (pos + bytes > limit) {
            throw truncated(pos, bytes, limit, toOffset);
        }
    }

    private static CodecException truncated(int pos, long bytes, int limit, long toOffset) {
        return new CodecException(TRUNCATED, pos + toOffset,
                "need " + bytes + " bytes, " + (limit - pos) + " remain before the closing record count");
    }
}
