package dev.telemask.codec;

import static dev.telemask.codec.Batches.bytes;
import static dev.telemask.codec.Batches.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The stream splitter: same messages however the bytes arrive, and early refusal of hostile headers. */
class TcpFrameSplitterTest {
    private static final long IMEI = 356_307_042_441_013L;
    private final TcpFrameSplitter splitter = new TcpFrameSplitter(TcpFrameSplitter.DEFAULT_MAX_FRAME_LENGTH);

    /** A session: handshake, then 40 random frames of every codec. */
    private static ByteBuf session(List<byte[]> frames) {
        ByteBuf stream = Unpooled.buffer();
        AvlEncoder.encodeHandshake(IMEI, stream);
        RandomBatches random = new RandomBatches(7);
        for (int i = 0; i < 40; i++) {
            AvlCodecId codec = AvlCodecId.values()[i % 3];
            ByteBuf frame = Batches.tcpFrame(random.next(codec, 5), codec);
            frames.add(bytes(frame));
            stream.writeBytes(frame);
        }
        return stream;
    }

    /** Feeds {@code stream} in pieces whose sizes {@code nextPiece} chooses, as a socket would deliver it. */
    private List<byte[]> split(ByteBuf stream, java.util.function.IntSupplier nextPiece) {
        ByteBuf cumulation = Unpooled.buffer();
        List<byte[]> out = new ArrayList<>();
        boolean handshakeDone = false;
        while (stream.isReadable()) {
            cumulation.writeBytes(stream, Math.min(nextPiece.getAsInt(), stream.readableBytes()));
            while (true) {
                if (!handshakeDone) {
                    long imei = splitter.readHandshake(cumulation);
                    if (imei < 0) {
                        break;
                    }
                    assertEquals(IMEI, imei);
                    handshakeDone = true;
                    continue;
                }
                ByteBuf frame = splitter.readFrame(cumulation);
                if (frame == null) {
                    break;
                }
                out.add(bytes(frame));
                frame.release();
            }
            cumulation.discardReadBytes();
        }
        assertEquals(0, cumulation.readableBytes(), "no bytes left over");
        return out;
    }

    @Test
    void oneByteAtATime() {
        List<byte[]> expected = new ArrayList<>();
        assertFrames(expected, split(session(expected), () -> 1));
    }

    @Test
    void randomSplits() {
        for (long seed = 0; seed < 50; seed++) {
            Random random = new Random(seed);
            List<byte[]> expected = new ArrayList<>();
            assertFrames(expected, split(session(expected), () -> 1 + random.nextInt(random.nextBoolean() ? 16 : 700)));
        }
    }

    @Test
    void allAtOnce() {
        List<byte[]> expected = new ArrayList<>();
        assertFrames(expected, split(session(expected), () -> Integer.MAX_VALUE));
    }

    private static void assertFrames(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "frame " + i);
        }
    }

    @Test
    void incompleteFrameLeavesReaderIndexAlone() {
        ByteBuf in = hex("00000000000000360801");
        assertNull(splitter.readFrame(in));
        assertEquals(0, in.readerIndex());
    }

    @Test
    void refusesALengthBeyondTheLimitBeforeBufferingIt() {
        CodecException e = assertThrows(CodecException.class, () -> splitter.readFrame(hex("0000000080000000")));
        assertEquals(CodecException.Reason.FRAME_TOO_LONG, e.reason());
        assertEquals(4, e.offset());
        CodecException max = assertThrows(CodecException.class, () -> splitter.readFrame(hex("00000000FFFFFFFF")));
        assertEquals(CodecException.Reason.FRAME_TOO_LONG, max.reason());
    }

    @Test
    void refusesANonZeroPreambleAtTheFirstBadByte() {
        CodecException e = assertThrows(CodecException.class, () -> splitter.readFrame(hex("0000AB")));
        assertEquals(CodecException.Reason.BAD_PREAMBLE, e.reason());
        assertEquals(2, e.offset());
    }

    @Test
    void refusesALengthTooShortForAnyFrame() {
        CodecException e = assertThrows(CodecException.class, () -> splitter.readFrame(hex("0000000000000002")));
        assertEquals(CodecException.Reason.BAD_LENGTH, e.reason());
    }

    @Test
    void handshakeWaitsForAllDigits() {
        ByteBuf in = hex("000F3335363330");
        assertEquals(-1, splitter.readHandshake(in));
        assertEquals(0, in.readerIndex());
    }

    @Test
    void refusesAnImeiThatIsNotFifteenDigits() {
        CodecException length = assertThrows(CodecException.class, () -> splitter.readHandshake(hex("0010")));
        assertEquals(CodecException.Reason.BAD_IMEI, length.reason());
        CodecException letter = assertThrows(CodecException.class,
                () -> splitter.readHandshake(hex("000F333536333037303432343431304133")));
        assertEquals(CodecException.Reason.BAD_IMEI, letter.reason());
        assertEquals(15, letter.offset());
    }
}
