package dev.telemask.codec;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * CRC-16/IBM (also ARC): polynomial 0x8005 reflected (0xA001), initial value 0, no final XOR.
 *
 * <p>Slicing-by-8: eight bytes per step through eight tables, whose lookups do not depend on each other, instead
 * of one table lookup per byte in a dependency chain. Every frame is checked, so this is the decoder's largest
 * single cost per byte.
 */
public final class Crc16Ibm {
    private static final int[][] TABLES = tables();
    private static final int[] T0 = TABLES[0];
    private static final int[] T1 = TABLES[1];
    private static final int[] T2 = TABLES[2];
    private static final int[] T3 = TABLES[3];
    private static final int[] T4 = TABLES[4];
    private static final int[] T5 = TABLES[5];
    private static final int[] T6 = TABLES[6];
    private static final int[] T7 = TABLES[7];
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Crc16Ibm() {}

    private static int[][] tables() {
        int[][] t = new int[8][256];
        for (int i = 0; i < 256; i++) {
            int crc = i;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xA001 : crc >>> 1;
            }
            t[0][i] = crc;
        }
        for (int k = 1; k < 8; k++) {
            for (int i = 0; i < 256; i++) {
                int previous = t[k - 1][i];
                t[k][i] = (previous >>> 8) ^ t[0][previous & 0xFF];
            }
        }
        return t;
    }

    /** CRC of a byte array range. */
    public static int compute(byte[] bytes, int from, int length) {
        int crc = 0;
        int i = from;
        int end = from + length;
        for (; i + 8 <= end; i += 8) {
            crc = step((long) LONG_LE.get(bytes, i), crc);
        }
        return tail(bytes, i, end, crc);
    }

    /** CRC of {@code length} bytes of {@code buf} starting at absolute {@code index}; indices unchanged. */
    public static int compute(ByteBuf buf, int index, int length) {
        if (buf.hasArray()) {
            return compute(buf.array(), buf.arrayOffset() + index, length);
        }
        int crc = 0;
        int i = index;
        int end = index + length;
        for (; i + 8 <= end; i += 8) {
            crc = step(buf.getLongLE(i), crc);
        }
        for (; i < end; i++) {
            crc = (crc >>> 8) ^ T0[(crc ^ buf.getByte(i)) & 0xFF];
        }
        return crc;
    }

    /** Eight bytes, the first in the lowest bits: the CRC only reaches into the first two. */
    private static int step(long word, int crc) {
        long w = word ^ crc;
        return T7[(int) w & 0xFF] ^ T6[(int) (w >>> 8) & 0xFF] ^ T5[(int) (w >>> 16) & 0xFF]
                ^ T4[(int) (w >>> 24) & 0xFF] ^ T3[(int) (w >>> 32) & 0xFF] ^ T2[(int) (w >>> 40) & 0xFF]
                ^ T1[(int) (w >>> 48) & 0xFF] ^ T0[(int) (w >>> 56) & 0xFF];
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
