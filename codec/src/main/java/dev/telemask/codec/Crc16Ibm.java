package dev.telemask.codec;

import io.netty.buffer.ByteBuf;

/** CRC-16/IBM (also ARC): polynomial 0x8005 reflected (0xA001), initial value 0, no final XOR. */
public final class Crc16Ibm {
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xA001 : crc >>> 1;
            }
            TABLE[i] = crc;
        }
    }

    private Crc16Ibm() {}

    /** CRC of {@code length} bytes of {@code buf} starting at absolute {@code index}; indices unchanged. */
    public static int compute(ByteBuf buf, int index, int length) {
        int crc = 0;
        if (buf.hasArray()) {
            byte[] array = buf.array();
            int from = buf.arrayOffset() + index;
            for (int i = from, end = from + length; i < end; i++) {
                crc = (crc >>> 8) ^ TABLE[(crc ^ array[i]) & 0xFF];
            }
            return crc;
        }
        int i = index;
        int end = index + length;
        // Eight bytes per read: a direct buffer's per-byte getter has a bounds check each call.
        for (; i + 8 <= end; i += 8) {
            long word = buf.getLong(i);
            for (int shift = 56; shift >= 0; shift -= 8) {
                crc = (crc >>> 8) ^ TABLE[(crc ^ (int) (word >>> shift)) & 0xFF];
            }
        }
        for (; i < end; i++) {
            crc = (crc >>> 8) ^ TABLE[(crc ^ buf.getByte(i)) & 0xFF];
        }
        return crc;
    }

    /** CRC of a byte array range. */
    public static int compute(byte[] bytes, int from, int length) {
        int crc = 0;
        for (int i = from, end = from + length; i < end; i++) {
            crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]) & 0xFF];
        }
        return crc;
    }
}
