package dev.telemask.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The CRC's check value, and the fast form against the bit-by-bit one on heap and direct buffers. */
class Crc16IbmTest {
    @Test
    void checkValueOfTheStandardInput() {
        byte[] input = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xBB3D, Crc16Ibm.compute(input, 0, input.length));
        assertEquals(0xBB3D, Crc16Ibm.bitwise(input, 0, input.length));
    }

    @Test
    void agreesWithTheBitwiseFormAtEveryLengthUpTo300AndRandomOffsets() {
        Random random = new Random(16);
        byte[] data = new byte[340];
        ByteBuf direct = Unpooled.directBuffer(data.length);
        try {
            for (int length = 0; length <= 300; length++) {
                for (int round = 0; round < 8; round++) {
                    random.nextBytes(data);
                    int from = random.nextInt(data.length - length + 1);
                    int expected = Crc16Ibm.bitwise(data, from, length);
                    assertEquals(expected, Crc16Ibm.compute(data, from, length), "array, length " + length + " at " + from);
                    direct.clear().writeBytes(data);
                    assertEquals(expected, Crc16Ibm.compute(direct, from, length), "direct, length " + length + " at " + from);
                }
            }
        } finally {
            direct.release();
        }
    }
}
