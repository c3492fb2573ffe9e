package dev.telemask.codec;

/**
 * The one exception the codec throws for malformed input: a {@link Reason} and the byte offset, relative
 * to the start of the frame (or datagram, or handshake) being decoded, where the problem was found.
 *
 * <p>Bad input is expected on a public port, so the exception carries no stack trace: creating it
 * costs no more than any other small object.
 */
public final class CodecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a frame was rejected. The names are stable: they appear in logs, metrics and CLI output. */
    public enum Reason {
        BAD_PREAMBLE,
        BAD_LENGTH,
        FRAME_TOO_LONG,
        CRC_MISMATCH,
        COUNT_MISMATCH,
        TRUNCATED,
        UNKNOWN_CODEC,
        TRAILING_BYTES,
        BAD_IMEI,
        BAD_COMMAND
    }

    private final Reason reason;
    private final long offset;

    public CodecException(Reason reason, long offset, String detail) {
        super(reason + " at offset " + offset + ": " + detail, null, false, false);
        this.reason = reason;
        this.offset = offset;
    }

    public Reason reason() {
        return reason;
    }

    /** Byte offset of the problem, from the start of the frame, datagram or handshake. */
    public long offset() {
        return offset;
    }
}
