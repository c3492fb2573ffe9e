package dev.telemask.codec;

import io.netty.buffer.ByteBuf;

/**
 * CRC-16/IBM (also ARC): polynomial 0x8005 reflected (0xA001), initial value 0, no final XOR.
 *
 * <p>Slicing-by-16: sixteen bytes per step through sixteen tables. The CRC only reaches into a step's first two
 * bytes, so fourteen of the sixteen lookups do not wait for the previous step, and the chain from one step to the
 * next is two lookups long for sixteen bytes (one per byte bytewise, two per eight bytes slicing-by-8). The tables
 * hold 16-bit values as {@code char}: 8 KB, which stays in the L1 cache. From a byte array each byte is its own
 * load: that measured faster than reading longs and shifting the bytes out (the shifts, not the loads, were the
 * limit). Every frame is checked, so this is the decoder's largest single cost per byte.
 */
public final class Crc16Ibm {
    private static final char[] T0 = table(0);
    private static final char[] T1 = table(1);
    private static final char[] T2 = table(2);
    private static final char[] T3 = table(3);
    private static final char[] T4 = table(4);
    private static final char[] T5 = table(5);
    private static final char[] T6 = table(6);
    private static final char[] T7 = table(7);
    private static final char[] T8 = table(8);
    private static final char[] T9 = table(9);
    private static final char[] T10 = table(10);
    private static final char[] T11 = table(11);
    private static final char[] T12 = table(12);
    private static final char[] T13 = table(13);
    private static final char[] T14 = table(14);
    private static final char[] T15 = table(15);

    private Crc16Ibm() {}

    /** Table {@code k}: the CRC of a byte followed by {@code k} zero bytes. */
    private static char[] table(int k) {
        char[] t = new char[256];
        for (int i = 0; i < 256; i++) {
            int crc = i;
            for (int bit = 0; bit < 8 * (k + 1); bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xA001 : crc >>> 1;
            }
            t[i] = (char) crc;
        }
        return t;
    }

    /** CRC of a byte array range. */
    public static int compute(byte[] a, int from, int length) {
        int crc = 0;
        int i = from;
        int end = from + length;
        for (; i + 16 <= end; i += 16) {
            int rest = T13[a[i + 2] & 0xFF] ^ T12[a[i + 3] & 0xFF] ^ T11[a[i + 4] & 0xFF] ^ T10[a[i + 5] & 0xFF]
                    ^ T9[a[i + 6] & 0xFF] ^ T8[a[i + 7] & 0xFF] ^ T7[a[i + 8] & 0xFF] ^ T6[a[i + 9] & 0xFF]
                    ^ T5[a[i + 10] & 0xFF] ^ T4[a[i + 11] & 0xFF] ^ T3[a[i + 12] & 0xFF] ^ T2[a[i + 13] & 0xFF]
                    ^ T1[a[i + 14] & 0xFF] ^ T0[a[i + 15] & 0xFF];
            crc = rest ^ T15[(a[i] ^ crc) & 0xFF] ^ T14[(a[i + 1] ^ (crc >>> 8)) & 0xFF];
        }
        return tail(a, i, end, crc);
    }

    /** CRC of {@code length} bytes of {@code buf} starting at absolute {@code index}; indices unchanged. */
    public static int compute(ByteBuf buf, int index, int length) {
        if (buf.hasArray()) {
            return compute(buf.array(), buf.arrayOffset() + index, length);
        }
        int crc = 0;
        int i = index;
        int end = index + length;
        for (; i + 16 <= end; i += 16) {
            crc = step(buf.getLongLE(i), buf.getLongLE(i + 8), crc);
        }
        for (; i < end; i++) {
            crc = (crc >>> 8) ^ T0[(crc ^ buf.getByte(i)) & 0xFF];
        }
        return crc;
    }

    /** Sixteen bytes of a direct buffer, the first in the lowest bits of {@code low}: the CRC only reaches into the first two. */
    private static int step(long low, long high, int crc) {
        long w = low ^ crc;
        int fromHigh = T7[(int) high & 0xFF] ^ T6[(int) (high >>> 8) & 0xFF] ^ T5[(int) (high >>> 16) & 0xFF]
                ^ T4[(int) (high >>> 24) & 0xFF] ^ T3[(int) (high >>> 32) & 0xFF] ^ T2[(int) (high >>> 40) & 0xFF]
                ^ T1[(int) (high >>> 48) & 0xFF] ^ T0[(int) (high >>> 56) & 0xFF];
        int fromLow = T13[(int) (w >>> 16) & 0xFF] ^ T12[(int) (w >>> 24) & 0xFF] ^ T11[(int) (w >>> 32) & 0xFF]
                ^ T10[(int) (w >>> 40) & 0xFF] ^ T9[(int) (w >>> 48) & 0xFF] ^ T8[(int) (w >>> 56) & 0xFF];
        return (fromHigh ^ fromLow) ^ (T15[(int) w & 0xFF] ^ T14[(int) (w >>> 8) & 0xFF]);
    }

    private static int tail(byte[] bytes, int from, int end, int crc) {
        int c = crc;
        for (int i = from; i < end; i++) {
            c = (c >>> 8) ^ T0[(c ^ bytes[i]) & 0xFF];
        }
        return c;
    }

    /** The textbook bytewise form, kept as the reference the fast form is tested against. */
    static int bytewise(byte[] bytes, int from, int length) {
        int crc = 0;
        for (int i = from; i < from + length; i++) {
            crc = (crc >>> 8) ^ T0[(crc ^ bytes[i]) & 0xFF];
        }
        return crc;
    }
}
