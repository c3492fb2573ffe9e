package dev.telemask.codec;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * CRC-16/IBM (also ARC): polynomial 0x8005 reflected (0xA001), initial value 0, no final XOR.
 *
 * <p>Slicing-by-16: sixteen bytes per step through sixteen tables, held in one {@code int} array (16 KB, which
 * stays in the L1 cache). The CRC only reaches into a step's first two bytes, so fourteen of the sixteen lookups
 * do not wait for the previous step, and those two come last. A step's cost is its loads and the work of getting
 * each byte out: the first eight bytes come from one little-endian {@code long} (one load, a shift per byte), the
 * last eight are loaded one by one, which spreads the work over the CPU's load and shift units; {@code int}
 * tables (not {@code char}) let the JIT fold each lookup into its XOR. The loop takes two steps per iteration
 * (7 % faster than one, in one JMH run; four were slower). Measured against reading all sixteen bytes one by one,
 * or all from longs, and against 32-byte steps through 32 tables, on the benchmark machine this was the fastest (see
 * bench/README.md). Every frame is checked, so this is the decoder's largest single cost per byte.
 */
public final class Crc16Ibm {
    /** Table {@code k} at {@code 256 * k}: the CRC of a byte followed by {@code k} zero bytes. */
    private static final int[] T = tables();
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Crc16Ibm() {}

    private static int[] tables() {
        int[] t = new int[16 * 256];
        for (int k = 0; k < 16; k++) {
            for (int i = 0; i < 256; i++) {
                int crc = i;
                for (int bit = 0; bit < 8 * (k + 1); bit++) {
                    crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xA001 : crc >>> 1;
                }
                t[256 * k + i] = crc;
            }
        }
        return t;
    }

    /** CRC of a byte array range. */
    public static int compute(byte[] a, int from, int length) {
        int crc = 0;
        int i = from;
        int end = from + length;
        for (; i + 32 <= end; i += 32) {
            crc = step(a, i, crc);
            crc = step(a, i + 16, crc);
        }
        if (i + 16 <= end) {
            crc = step(a, i, crc);
            i += 16;
        }
        for (; i < end; i++) {
            crc = (crc >>> 8) ^ T[(crc ^ a[i]) & 0xFF];
        }
        return crc;
    }

    /** Sixteen bytes of an array from {@code i}: the CRC only reaches into the first two. */
    private static int step(byte[] a, int i, int crc) {
        long w = (long) LONG_LE.get(a, i);
        int rest = T[13 * 256 + ((int) (w >>> 16) & 0xFF)] ^ T[12 * 256 + ((int) (w >>> 24) & 0xFF)] ^ T[11 * 256 + ((int) (w >>> 32) & 0xFF)]
                ^ T[10 * 256 + ((int) (w >>> 40) & 0xFF)] ^ T[9 * 256 + ((int) (w >>> 48) & 0xFF)] ^ T[8 * 256 + ((int) (w >>> 56))]
                ^ T[7 * 256 + (a[i + 8] & 0xFF)] ^ T[6 * 256 + (a[i + 9] & 0xFF)] ^ T[5 * 256 + (a[i + 10] & 0xFF)]
                ^ T[4 * 256 + (a[i + 11] & 0xFF)] ^ T[3 * 256 + (a[i + 12] & 0xFF)] ^ T[2 * 256 + (a[i + 13] & 0xFF)]
                ^ T[256 + (a[i + 14] & 0xFF)] ^ T[(a[i + 15] & 0xFF)];
        int low = (int) w ^ crc;
        return rest ^ T[15 * 256 + (low & 0xFF)] ^ T[14 * 256 + ((low >>> 8) & 0xFF)];
    }

    /** CRC of {@code length} bytes of {@code buf} starting at absolute {@code index}; indices unchanged. */
    public static int compute(ByteBuf buf, int index, int length) {
        if (buf.hasArray()) {
            return compute(buf.array(), buf.arrayOffset() + index, length);
        }
        int crc = 0;
        int i = index;
        int end = index + length;
        for (; i + 32 <= end; i += 32) {
            crc = step(buf.getLongLE(i), buf.getLongLE(i + 8), crc);
            crc = step(buf.getLongLE(i + 16), buf.getLongLE(i + 24), crc);
        }
        if (i + 16 <= end) {
            crc = step(buf.getLongLE(i), buf.getLongLE(i + 8), crc);
            i += 16;
        }
        for (; i < end; i++) {
            crc = (crc >>> 8) ^ T[(crc ^ buf.getByte(i)) & 0xFF];
        }
        return crc;
    }

    /** Sixteen bytes of a direct buffer, the first in the lowest bits of {@code low}: the CRC only reaches into the first two. */
    private static int step(long low, long high, int crc) {
        int fromHigh = T[7 * 256 + ((int) high & 0xFF)] ^ T[6 * 256 + ((int) (high >>> 8) & 0xFF)]
                ^ T[5 * 256 + ((int) (high >>> 16) & 0xFF)] ^ T[4 * 256 + ((int) (high >>> 24) & 0xFF)]
                ^ T[3 * 256 + ((int) (high >>> 32) & 0xFF)] ^ T[2 * 256 + ((int) (high >>> 40) & 0xFF)]
                ^ T[256 + ((int) (high >>> 48) & 0xFF)] ^ T[(int) (high >>> 56)];
        int fromLow = T[13 * 256 + ((int) (low >>> 16) & 0xFF)] ^ T[12 * 256 + ((int) (low >>> 24) & 0xFF)]
                ^ T[11 * 256 + ((int) (low >>> 32) & 0xFF)] ^ T[10 * 256 + ((int) (low >>> 40) & 0xFF)]
                ^ T[9 * 256 + ((int) (low >>> 48) & 0xFF)] ^ T[8 * 256 + (int) (low >>> 56)];
        int w = (int) low ^ crc;
        return (fromHigh ^ fromLow) ^ T[15 * 256 + (w & 0xFF)] ^ T[14 * 256 + ((w >>> 8) & 0xFF)];
    }

    /** The textbook bit-by-bit form, kept as the reference the fast form is tested against. */
    static int bitwise(byte[] bytes, int from, int length) {
        int crc = 0;
        for (int i = from; i < from + length; i++) {
            crc ^= bytes[i] & 0xFF;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xA001 : crc >>> 1;
            }
        }
        return crc;
    }
}
