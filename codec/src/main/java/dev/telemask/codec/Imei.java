package dev.telemask.codec;

import io.netty.buffer.ByteBuf;

/** An IMEI is 15 decimal digits; Telemask keeps it as a {@code long} (it is the device key everywhere). */
public final class Imei {
    public static final int LENGTH = 15;

    private Imei() {}

    /**
     * Parses {@code LENGTH} ASCII digits at absolute {@code index}.
     *
     * @param offset where {@code index} lies in the enclosing message, for the exception's offset
     */
    public static long parseAscii(ByteBuf buf, int index, int length, long offset) {
        if (length != LENGTH) {
            throw new CodecException(CodecException.Reason.BAD_IMEI, offset, "IMEI must be 15 digits, length is " + length);
        }
        long value = 0;
        for (int i = 0; i < LENGTH; i++) {
            int c = buf.getByte(index + i);
            if (c < '0' || c > '9') {
                throw new CodecException(CodecException.Reason.BAD_IMEI, offset + i, "IMEI byte is not an ASCII digit: 0x" + Integer.toHexString(c & 0xFF));
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Validates an IMEI number given as a long (0 .. 999999999999999). */
    public static boolean isValid(long imei) {
        return imei >= 0 && imei <= 999_999_999_999_999L;
    }

    /** The 15-digit form with leading zeros. */
    public static String format(long imei) {
        if (!isValid(imei)) {
            throw new IllegalArgumentException("not an IMEI: " + imei);
        }
        String digits = Long.toString(imei);
        return "0".repeat(LENGTH - digits.length()) + digits;
    }

    /** Parses the 15-digit text form. */
    public static long parse(String text) {
        if (text == null || text.length() != LENGTH) {
            throw new IllegalArgumentException("IMEI must be 15 digits");
        }
        long value = 0;
        for (int i = 0; i < LENGTH; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("IMEI must be 15 digits");
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
