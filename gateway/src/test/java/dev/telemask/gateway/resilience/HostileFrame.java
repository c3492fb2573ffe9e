package dev.telemask.gateway.resilience;

import dev.telemask.codec.Crc16Ibm;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

/**
 * A damaged AVL frame and what the gateway must do with it. Frame layout: 4 zero bytes, the data length, the data
 * (codec ID, record count, records, record count again), the CRC of the data in 4 bytes.
 *
 * @param bytes    what the hostile device sends after its accepted handshake
 * @param kind     how it was damaged
 */
record HostileFrame(byte[] bytes, Kind kind) {
    private static final int HEADER = 8;

    /** Ways of damaging a frame, and whether the connection can survive them. */
    enum Kind {
        /** A bit flipped in the data, CRC left as it was: dropped unacknowledged, the connection goes on. */
        CRC_BROKEN(true),
        /** A record count that does not match the records, CRC recomputed: refused unacknowledged, connection goes on. */
        LYING_COUNT(true),
        /** The length field a few bytes off: the stream cannot be trusted any more, so at best the next frame is read. */
        LYING_LENGTH(false),
        /** The frame cut short and nothing after it: the gateway closes the silent connection. */
        TRUNCATED(false),
        /** Random bytes where a frame should start: malformed framing closes the connection. */
        GARBAGE(false);

        /** True when the next good frame on the same connection must be acknowledged. */
        final boolean connectionSurvives;

        Kind(boolean connectionSurvives) {
            this.connectionSurvives = connectionSurvives;
        }
    }

    /** The {@code index}-th mutant of {@code frame}, its kind chosen round-robin, its damage by {@code random}. */
    static HostileFrame of(byte[] frame, int index, Random random) {
        Kind kind = Kind.values()[index % Kind.values().length];
        byte[] out = frame.clone();
        int dataLength = frame.length - HEADER - 4;
        switch (kind) {
            case CRC_BROKEN -> out[HEADER + random.nextInt(dataLength)] ^= (byte) (1 << random.nextInt(8));
            case LYING_COUNT -> {
                int records = out[HEADER + 1] & 0xFF;
                if (random.nextBoolean()) {
                    out[HEADER + 1] = (byte) (records + 1 + random.nextInt(200)); // more than are there
                } else {
                    out[HEADER + dataLength - 1] = (byte) (records ^ (1 + random.nextInt(255))); // the two disagree
                }
                ByteBuffer.wrap(out).putInt(HEADER + dataLength, Crc16Ibm.compute(out, HEADER, dataLength));
            }
            case LYING_LENGTH -> {
                int lie = random.nextInt(8) - 4;
                ByteBuffer.wrap(out).putInt(4, dataLength + (lie >= 0 ? lie + 1 : lie));
            }
            case TRUNCATED -> out = Arrays.copyOf(out, 1 + random.nextInt(frame.length - 1));
            case GARBAGE -> {
                random.nextBytes(out);
                out[0] = (byte) (1 + random.nextInt(255));
            }
        }
        return new HostileFrame(out, kind);
    }

    /** True for kinds that are followed by a good frame on the same connection (a truncated frame is left hanging). */
    boolean followedByGoodFrame() {
        return kind != Kind.TRUNCATED;
    }
}
