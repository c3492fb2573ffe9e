package dev.telemask.codec;

import static dev.telemask.codec.Batches.bytes;
import static dev.telemask.codec.Batches.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Hostile input: every reason is reachable, and mutated frames end in the codec's exception or a valid batch. */
class MalformedFrameTest {
    private static final String CODEC8 = "000000000000003608010000016B40D8EA30010000000000000000000000000000000105021503010101425E0F01F10000601A014E0000000000000000010000C7CF";

    private final AvlBatch batch = new AvlBatch();

    /** Rewrites a frame's data with {@code dataHex} and a correct length and CRC. */
    private static ByteBuf frameWithData(String dataHex) {
        ByteBuf data = hex(dataHex);
        ByteBuf frame = Unpooled.buffer();
        frame.writeInt(0).writeInt(data.readableBytes()).writeBytes(data.duplicate());
        frame.writeInt(Crc16Ibm.compute(data, 0, data.readableBytes()));
        return frame;
    }

    private CodecException.Reason reasonFor(ByteBuf frame) {
        return assertThrows(CodecException.class, () -> AvlDecoder.decodeTcpFrame(frame, batch)).reason();
    }

    @Test
    void eachReasonHasItsCase() {
        String record = "0000016B40D8EA30010000000000000000000000000000000105021503010101425E0F01F10000601A014E0000000000000000";
        assertEquals(CodecException.Reason.CRC_MISMATCH, reasonFor(hex(CODEC8.substring(0, CODEC8.length() - 1) + "E")));
        assertEquals(CodecException.Reason.BAD_PREAMBLE, reasonFor(hex("01" + CODEC8.substring(2))));
        assertEquals(CodecException.Reason.BAD_LENGTH, reasonFor(hex("0000000000000037" + CODEC8.substring(16))));
        assertEquals(CodecException.Reason.TRUNCATED, reasonFor(hex("00000000000000")));
        assertEquals(CodecException.Reason.UNKNOWN_CODEC, reasonFor(frameWithData("0901" + record + "01")));
        assertEquals(CodecException.Reason.COUNT_MISMATCH, reasonFor(frameWithData("0801" + record + "02")));
        assertEquals(CodecException.Reason.TRAILING_BYTES, reasonFor(frameWithData("0801" + record + "FFFF01")));
        assertEquals(CodecException.Reason.TRUNCATED, reasonFor(frameWithData("0802" + record + "02")));
        // The record's total IO count says 6 where it holds 5.
        assertEquals(CodecException.Reason.COUNT_MISMATCH, reasonFor(frameWithData("0801" + record.replace("0105021503", "0106021503") + "01")));
        // N1 claims 200 one-byte elements.
        assertEquals(CodecException.Reason.TRUNCATED, reasonFor(frameWithData("0801" + record.replace("0105021503", "0105C81503") + "01")));
    }

    @Test
    void offsetsPointAtTheProblem() {
        CodecException codec = assertThrows(CodecException.class,
                () -> AvlDecoder.decodeTcpFrame(frameWithData("090100"), batch));
        assertEquals(8, codec.offset());
        CodecException trailing = assertThrows(CodecException.class,
                () -> AvlDecoder.decodeTcpFrame(frameWithData("0800AAAA00"), batch));
        assertEquals(10, trailing.offset());
    }

    /**
     * Bit flips, truncations, extensions and lying length/count fields on valid frames of every codec: the result is
     * either the codec's exception or a batch (a flip in a value field can still make a valid frame; the CRC is
     * recomputed for half the cases so that the record parser, not just the CRC check, sees the damage).
     */
    @Test
    void mutatedFramesNeverEscapeTheCodecException() {
        Random random = new Random(0xBAD);
        RandomBatches batches = new RandomBatches(0xBAD);
        Set<CodecException.Reason> seen = EnumSet.noneOf(CodecException.Reason.class);
        TcpFrameSplitter splitter = new TcpFrameSplitter(4096);
        int valid = 0;
        for (int i = 0; i < 20_000; i++) {
            AvlCodecId codec = AvlCodecId.values()[i % 3];
            byte[] frame = bytes(Batches.tcpFrame(batches.next(codec, 4), codec));
            byte[] mutated = Mutations.mutate(frame, random);
            if (random.nextBoolean() && mutated.length > 12) {
                Mutations.fixCrc(mutated);
            }
            try {
                ByteBuf in = Unpooled.wrappedBuffer(mutated);
                ByteBuf whole = splitter.readFrame(in);
                if (whole != null) {
                    AvlDecoder.decodeTcpFrame(whole, batch);
                    valid++;
                }
            } catch (CodecException e) {
                seen.add(e.reason());
                assertTrue(e.offset() >= 0 && e.offset() <= mutated.length, "offset within the input: " + e.getMessage());
            }
        }
        assertTrue(valid > 0, "some mutations keep a frame valid");
        assertTrue(seen.containsAll(EnumSet.of(CodecException.Reason.CRC_MISMATCH, CodecException.Reason.TRUNCATED,
                CodecException.Reason.COUNT_MISMATCH, CodecException.Reason.UNKNOWN_CODEC, CodecException.Reason.BAD_LENGTH,
                CodecException.Reason.BAD_PREAMBLE, CodecException.Reason.FRAME_TOO_LONG)), "reasons seen: " + seen);
    }

    @Test
    void aWrongCrcIsReportedBeforeWhatTheParserWouldRunIntoAndLeavesTheBatchEmpty() {
        String record = "0000016B40D8EA30010000000000000000000000000000000105021503010101425E0F01F10000601A014E0000000000000000";
        // Well-formed records under a wrong CRC, decoded into a batch that held a frame: the batch is left empty.
        AvlDecoder.decodeTcpFrame(hex(CODEC8), batch);
        assertEquals(1, batch.size());
        assertEquals(CodecException.Reason.CRC_MISMATCH, reasonFor(hex(CODEC8.substring(0, CODEC8.length() - 1) + "E")));
        assertEquals(0, batch.size());
        // A record that claims 200 elements under a wrong CRC: the CRC, not the truncation, is reported.
        ByteBuf lying = frameWithData("0801" + record.replace("0105021503", "0105C81503") + "01");
        lying.setByte(lying.writerIndex() - 1, lying.getByte(lying.writerIndex() - 1) ^ 1);
        assertEquals(CodecException.Reason.CRC_MISMATCH, reasonFor(lying));
    }

    @Test
    void mutatedDatagramsAndCommandsNeverEscapeTheCodecException() {
        Random random = new Random(0xD06);
        RandomBatches batches = new RandomBatches(0xD06);
        UdpAvlCodec.Header header = new UdpAvlCodec.Header();
        for (int i = 0; i < 5_000; i++) {
            AvlCodecId codec = AvlCodecId.values()[i % 3];
            ByteBuf datagram = Unpooled.buffer();
            AvlEncoder.encodeUdpDatagram(batches.next(codec, 3), codec, i, i & 0xFF, 352_093_081_452_251L, datagram);
            try {
                UdpAvlCodec.decode(Unpooled.wrappedBuffer(Mutations.mutate(bytes(datagram), random)), header, batch);
            } catch (CodecException expected) {
                // the only acceptable failure
            }
            ByteBuf command = Unpooled.buffer();
            CommandCodec.encode(CommandMessage.command(352_093_081_452_251L, "getver " + i), command);
            byte[] mutated = Mutations.mutate(bytes(command), random);
            if (random.nextBoolean() && mutated.length > 12) {
                Mutations.fixCrc(mutated);
            }
            try {
                CommandCodec.decode(Unpooled.wrappedBuffer(mutated));
            } catch (CodecException expected) {
                // the only acceptable failure
            }
        }
    }
}
