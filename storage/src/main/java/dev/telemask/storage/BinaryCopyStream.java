package dev.telemask.storage;

import org.postgresql.copy.CopyIn;

import java.sql.SQLException;

/**
 * Writes rows in PostgreSQL's binary COPY format into a {@link CopyIn} through one fixed buffer, so a COPY of any
 * size holds at most {@link #BUFFER_BYTES} in memory and allocates nothing per row.
 *
 * <p>Not thread-safe; a writer thread keeps one and {@link #start}s it for each COPY.
 */
final class BinaryCopyStream {
    static final int BUFFER_BYTES = 64 * 1024;

    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0,
            0, 0, 0, 0, // flags: no OIDs
            0, 0, 0, 0}; // no header extension
    /** Microseconds between the Unix epoch and PostgreSQL's epoch, 2000-01-01T00:00Z. */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

    /** The milliseconds whose microseconds since PostgreSQL's epoch a long holds. */
    private static final long MAX_MILLIS = Long.MAX_VALUE / 1000;
    private static final long MIN_MILLIS = (Long.MIN_VALUE + PG_EPOCH_MICROS) / 1000;
    /** SQLSTATE datetime field overflow: what the server says of a time beyond its range. */
    private static final String DATETIME_OVERFLOW = "22008";

    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int position;
    private CopyIn copy;
    private long bytesWritten;

    void start(CopyIn copy) throws SQLException {
        this.copy = copy;
        this.position = 0;
        this.bytesWritten = 0;
        raw(HEADER, 0, HEADER.length);
    }

    void row(int fields) throws SQLException {
        room(2);
        putShort(fields);
    }

    void nullField() throws SQLException {
        room(4);
        putInt(-1);
    }

    void int8(long value) throws SQLException {
        room(12);
        putInt(8);
        putLong(value);
    }

    void int4(int value) throws SQLException {
        room(8);
        putInt(4);
        putInt(value);
    }

    void int2(int value) throws SQLException {
        room(6);
        putInt(2);
        putShort(value);
    }

    /**
     * A timestamptz from milliseconds since the Unix epoch. A time whose microseconds a long cannot hold is refused
     * here, as the server refuses one beyond timestamptz's range (it would wrap to another time, around 1970, and
     * be stored as that).
     */
    void timestamp(long epochMillis) throws SQLException {
        if (epochMillis > MAX_MILLIS || epochMillis < MIN_MILLIS) {
            throw new SQLException("a time beyond what a timestamptz holds", DATETIME_OVERFLOW);
        }
        int8(epochMillis * 1000 - PG_EPOCH_MICROS);
    }

    /** Starts a bytea field of {@code length} bytes; the caller then writes exactly that many with the put methods. */
    void byteaHeader(int length) throws SQLException {
        room(4);
        putInt(length);
    }

    void putU8(int value) throws SQLException {
        room(1);
        buffer[position++] = (byte) value;
    }

    void putU16(int value) throws SQLException {
        room(2);
        putShort(value);
    }

    /** The low {@code width} bytes of {@code value}, big-endian. */
    void putUnsigned(long value, int width) throws SQLException {
        room(width);
        for (int shift = (width - 1) * 8; shift >= 0; shift -= 8) {
            buffer[position++] = (byte) (value >>> shift);
        }
    }

    void raw(byte[] src, int offset, int length) throws SQLException {
        while (length > 0) {
            if (position == buffer.length) {
                flush();
            }
            int n = Math.min(length, buffer.length - position);
            System.arraycopy(src, offset, buffer, position, n);
            position += n;
            offset += n;
            length -= n;
        }
    }

    /** Writes the trailer and ends the COPY; returns the rows the server reports. */
    long finish() throws SQLException {
        room(2);
        putShort(-1);
        flush();
        CopyIn c = copy;
        copy = null;
        return c.endCopy();
    }

    /** Abandons the COPY (the transaction is rolled back anyway); never throws, the original failure matters. */
    void abandon() {
        CopyIn c = copy;
        copy = null;
        if (c != null && c.isActive()) {
            try {
                c.cancelCopy();
            } catch (SQLException ignored) {
                // The connection is probably gone; the caller reports the failure that brought us here.
            }
        }
    }

    long bytesWritten() {
        return bytesWritten + position;
    }

    private void room(int bytes) throws SQLException {
        if (position + bytes > buffer.length) {
            flush();
        }
    }

    private void flush() throws SQLException {
        if (position > 0) {
            copy.writeToCopy(buffer, 0, position);
            bytesWritten += position;
            position = 0;
        }
    }

    private void putShort(int v) {
        buffer[position++] = (byte) (v >>> 8);
        buffer[position++] = (byte) v;
    }

    private void putInt(int v) {
        buffer[position++] = (byte) (v >>> 24);
        buffer[position++] = (byte) (v >>> 16);
        buffer[position++] = (byte) (v >>> 8);
        buffer[position++] = (byte) v;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }
}
