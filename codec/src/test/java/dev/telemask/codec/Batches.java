package dev.telemask.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/** Test helpers: batch equality (element order within a width group as on the wire) and hex frames. */
final class Batches {
    private Batches() {}

    static void assertSameRecords(AvlBatch expected, AvlBatch actual) {
        assertEquals(expected.size(), actual.size(), "record count");
        for (int r = 0; r < expected.size(); r++) {
            String at = "record " + r + ": ";
            assertEquals(expected.timestamp(r), actual.timestamp(r), at + "timestamp");
            assertEquals(expected.priority(r), actual.priority(r), at + "priority");
            assertEquals(expected.longitude(r), actual.longitude(r), at + "longitude");
            assertEquals(expected.latitude(r), actual.latitude(r), at + "latitude");
            assertEquals(expected.altitude(r), actual.altitude(r), at + "altitude");
            assertEquals(expected.angle(r), actual.angle(r), at + "angle");
            assertEquals(expected.satellites(r), actual.satellites(r), at + "satellites");
            assertEquals(expected.speed(r), actual.speed(r), at + "speed");
            assertEquals(expected.eventIo(r), actual.eventIo(r), at + "event IO");
            assertEquals(expected.generation(r), actual.generation(r), at + "generation");
            assertEquals(elements(expected, r), elements(actual, r), at + "IO elements");
        }
    }

    /** Record {@code r}'s kept elements as text, grouped by width in wire order (1, 2, 4, 8, NX). */
    static String elements(AvlBatch batch, int r) {
        StringBuilder out = new StringBuilder();
        for (int width : new int[] {1, 2, 4, 8, AvlBatch.WIDTH_VARIABLE}) {
            for (int e = batch.ioStart(r); e < batch.ioStart(r) + batch.ioCount(r); e++) {
                if (batch.isIoRemoved(e) || batch.ioWidth(e) != width) {
                    continue;
                }
                out.append(batch.ioId(e)).append('/').append(width).append('=');
                if (width == AvlBatch.WIDTH_VARIABLE) {
                    out.append(ByteBufUtil.hexDump(Arrays.copyOfRange(batch.nxArray(), batch.nxOffset(e),
                            batch.nxOffset(e) + batch.nxLength(e))));
                } else {
                    out.append(Long.toUnsignedString(batch.ioValue(e)));
                }
                out.append(' ');
            }
        }
        return out.toString();
    }

    static ByteBuf hex(String hex) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex.replaceAll("\\s", "")));
    }

    static byte[] bytes(ByteBuf buf) {
        return ByteBufUtil.getBytes(buf);
    }

    static void assertBytes(String expectedHex, ByteBuf actual) {
        assertArrayEquals(ByteBufUtil.decodeHexDump(expectedHex.replaceAll("\\s", "")), bytes(actual));
    }

    static ByteBuf tcpFrame(AvlBatch batch, AvlCodecId codec) {
        ByteBuf out = Unpooled.buffer();
        AvlEncoder.encodeTcpFrame(batch, codec, out);
        return out;
    }
}
