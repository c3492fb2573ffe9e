package dev.telemask.bench.query;

import org.postgresql.copy.CopyIn;

import java.nio.ByteBuffer;
import java.sql.SQLException;

/** Encodes rows in PostgreSQL's binary COPY format into a {@link CopyIn} through one reused buffer. */
final class BinaryCopyWriter {
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0,
            0, 0, 0, 0, 0, 0, 0, 0};
    /** Microseconds between the Unix epoch and PostgreSQL's epoch, 2000-01-01T00:00Z. */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;
    // Large enough that a row never straddles a flush; small enough to stay in cache.
    private static final int BUFFER_BYTES = 256 * 1024;
    private static final int MAX_ROW_BYTES = 1024;

    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    private final CopyIn copy;

    BinaryCopyWriter(CopyIn copy) {
        this.copy = copy;
        buffer.put(HEADER);
    }

    void row(int fields) throws SQLException {
        if (buffer.remaining() < MAX_ROW_BYTES) {
            flush();
        }
        buffer.putShort((short) fields);
    }

    void nullField() {
        buffer.putInt(-1);
    }

    void int8(long value) {
        buffer.putInt(8).putLong(value);
    }

    void int4(int value) {
        buffer.putInt(4).putInt(value);
    }

    void int2(int value) {
        buffer.putInt(2).putShort((short) value);
    }

    void timestamp(long epochMillis) {
        int8(epochMillis * 1000 - PG_EPOCH_MICROS);
    }

    void bytea(byte[] value) {
        buffer.putInt(value.length).put(value);
    }

    /** Writes the trailer and ends the COPY; returns the rows the server counted. */
    long finish() throws SQLException {
        buffer.putShort((short) -1);
        flush();
        return copy.endCopy();
    }

    private void flush() throws SQLException {
        copy.writeToCopy(buffer.array(), 0, buffer.position());
        buffer.clear();
    }
}
