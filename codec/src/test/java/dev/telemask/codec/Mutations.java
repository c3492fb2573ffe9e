package dev.telemask.codec;

import java.util.Arrays;
import java.util.Random;

/** Ways a frame gets damaged: flipped bits, cut or extended, lying length and count fields. */
final class Mutations {
    private Mutations() {}

    static byte[] mutate(byte[] frame, Random random) {
        byte[] out = frame.clone();
        switch (random.nextInt(7)) {
            case 0 -> out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> out = Arrays.copyOf(out, random.nextInt(out.length));
            case 2 -> {
                out = Arrays.copyOf(out, out.length + 1 + random.nextInt(8));
                out[out.length - 1] = (byte) random.nextInt();
            }
            case 3 -> { // lying data length, up to 2 GB and beyond
                int lie = switch (random.nextInt(3)) {
                    case 0 -> 0x8000_0000;
                    case 1 -> random.nextInt();
                    default -> readInt(out, 4) + random.nextInt(9) - 4;
                };
                writeInt(out, 4, lie);
            }
            case 4 -> { // lying record count at either end
                int at = random.nextBoolean() ? 9 : Math.max(0, out.length - 5);
                out[Math.min(at, out.length - 1)] = (byte) random.nextInt(256);
            }
            case 5 -> { // a random byte anywhere, often a count or length inside a record
                for (int i = 1 + random.nextInt(3); i > 0; i--) {
                    out[random.nextInt(out.length)] = (byte) random.nextInt(256);
                }
            }
            default -> out[random.nextInt(out.length)] = (byte) (random.nextBoolean() ? 0xFF : 0x00);
        }
        return out;
    }

    /** Recomputes the CRC over what the length field says is the data, if that lies within the frame. */
    static void fixCrc(byte[] frame) {
        long length = readInt(frame, 4) & 0xFFFF_FFFFL;
        if (length + 12 == frame.length) {
            writeInt(frame, frame.length - 4, Crc16Ibm.compute(frame, 8, (int) length));
        }
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    private static void writeInt(byte[] b, int at, int value) {
        if (at < 0 || at + 4 > b.length) {
            return;
        }
        b[at] = (byte) (value >>> 24);
        b[at + 1] = (byte) (value >>> 16);
        b[at + 2] = (byte) (value >>> 8);
        b[at + 3] = (byte) value;
    }
}
