package dev.telemask.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The CRC's check value, and the fast form against the bytewise one on heap and direct buffers. */
class Crc16IbmTest {
    @Test
    void checkValueOfTheStandardInput() {
        byte[] input = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xBB3D, Crc16Ibm.compute(input, 0, input.length));
    }

    @Test
    void slicingBySixteenAgreesWithTheBytewiseFormAtEveryLengthAndOffset() {
        Random random = new Random(16);
        byte[] data = new byte[300];
        for (int round = 0; round < 200; round++) {
            random.nextBytes(data);
            int from = random.nextInt(20);
            int length = random.nextInt(data.length - from);
            int expected = Crc16Ibm.bytewise(data, from, length);
            assertEquals(expected, Crc16Ibm.compute(data, from, length), "array, length " + length);
            ByteBuf direct = Unpooled.directBuffer(data.length).writeBytes(data);
            assertEquals(expected, Crc16Ibm.compute(direct, from, length), "direct buffer, length " + length);
            direct.release();
        }
    }
}
