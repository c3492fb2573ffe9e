package dev.telemask.storage;

import dev.telemask.codec.AvlBatch;

/**
 * The compact binary form in which a record's kept IO elements are stored ({@code positions.io}, bytea).
 *
 * <p>Per element: id (u16), width (u8: 1, 2, 4, 8, or 0 for variable length), then for fixed widths the value in
 * {@code width} big-endian bytes, for variable length a u16 length and the bytes. This is the device's own layout,
 * so it costs 3 + width bytes per element where jsonb costs ~15 (text key, numeric, entry header), and the writer
 * emits it with no formatting or escaping. Records with no kept element store NULL.
 */
public final class IoElementsFormat {
    private IoElementsFormat() {
    }

    /** Receives the elements of one stored record, in stored order. */
    public interface Visitor {
        void fixed(int id, int width, long value);

        void variable(int id, byte[] src, int offset, int length);
    }

    /** Bytes that record {@code r}'s kept elements take in this format; 0 when none is kept. */
    public static int encodedLength(AvlBatch batch, int r) {
        int length = 0;
        for (int e = batch.ioStart(r), end = e + batch.ioCount(r); e < end; e++) {
            if (!batch.isIoRemoved(e)) {
                int width = batch.ioWidth(e);
                length += 3 + (width == AvlBatch.WIDTH_VARIABLE ? 2 + batch.nxLength(e) : width);
            }
        }
        return length;
    }

    /** Decodes a stored value; {@code null} means no elements. */
    public static void decode(byte[] stored, Visitor visitor) {
        if (stored == null) {
            return;
        }
        int p = 0;
        while (p < stored.length) {
            int id = u16(stored, p);
            int width = stored[p + 2] & 0xFF;
            p += 3;
            if (width == AvlBatch.WIDTH_VARIABLE) {
                int length = u16(stored, p);
                visitor.variable(id, stored, p + 2, length);
                p += 2 + length;
            } else {
                long value = 0;
                for (int i = 0; i < width; i++) {
                    value = (value << 8) | (stored[p + i] & 0xFF);
                }
                visitor.fixed(id, width, value);
                p += width;
            }
        }
    }

    private static int u16(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }
}
