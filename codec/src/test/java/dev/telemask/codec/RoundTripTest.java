package dev.telemask.codec;

import static dev.telemask.codec.Batches.assertSameRecords;
import static dev.telemask.codec.Batches.tcpFrame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Property: any valid batch survives encoder → decoder unchanged, over TCP and UDP, for every codec. */
class RoundTripTest {
    private static final int CASES = 400;

    @ParameterizedTest
    @EnumSource(AvlCodecId.class)
    void tcpFramesRoundTrip(AvlCodecId codec) {
        RandomBatches random = new RandomBatches(0x7E17 + codec.id());
        AvlBatch decoded = new AvlBatch();
        for (int i = 0; i < CASES; i++) {
            AvlBatch original = random.next(codec, 30);
            ByteBuf frame = tcpFrame(original, codec);
            AvlDecoder.decodeTcpFrame(frame, decoded);
            assertEquals(codec, decoded.codec());
            assertSameRecords(original, decoded);
            assertEquals(0, frame.readerIndex(), "decoder must not move the reader index");
            frame.release();
        }
    }

    @ParameterizedTest
    @EnumSource(AvlCodecId.class)
    void udpDatagramsRoundTrip(AvlCodecId codec) {
        RandomBatches random = new RandomBatches(0x0DB + codec.id());
        AvlBatch decoded = new AvlBatch();
        UdpAvlCodec.Header header = new UdpAvlCodec.Header();
        for (int i = 0; i < CASES / 4; i++) {
            AvlBatch original = random.next(codec, 8);
            ByteBuf datagram = Unpooled.buffer();
            AvlEncoder.encodeUdpDatagram(original, codec, 0xCAFE, i & 0xFF, 352_093_081_452_251L, datagram);
            UdpAvlCodec.decode(datagram, header, decoded);
            assertEquals(0xCAFE, header.packetId());
            assertEquals(i & 0xFF, header.avlPacketId());
            assertEquals(352_093_081_452_251L, header.imei());
            assertSameRecords(original, decoded);
        }
    }

    @Test
    void removedElementsAreNotEncoded() {
        AvlBatch batch = new AvlBatch();
        batch.addRecord(1_560_161_086_000L, 1, 0, 0, 0, 0, 0, 0, 239, AvlBatch.NO_GENERATION);
        batch.addIo(239, 1, 1);
        batch.addIo(205, 4, 12345);
        batch.removeIo(batch.findIo(0, 205));
        AvlBatch decoded = new AvlBatch();
        AvlDecoder.decodeTcpFrame(tcpFrame(batch, AvlCodecId.CODEC_8E), decoded);
        assertEquals(1, decoded.ioCount(0));
        assertEquals(-1, decoded.findIo(0, 205));
        assertEquals(1, decoded.ioValue(decoded.findIo(0, 239)));
    }

    @Test
    void codec8RefusesWhatItCannotCarry() {
        AvlBatch batch = new AvlBatch();
        batch.addRecord(0, 0, 0, 0, 0, 0, 0, 0, 0, AvlBatch.NO_GENERATION);
        batch.addIo(300, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> tcpFrame(batch, AvlCodecId.CODEC_8));
        AvlBatch nx = new AvlBatch();
        nx.addRecord(0, 0, 0, 0, 0, 0, 0, 0, 0, AvlBatch.NO_GENERATION);
        nx.addNx(10, new byte[] {1}, 0, 1);
        assertThrows(IllegalArgumentException.class, () -> tcpFrame(nx, AvlCodecId.CODEC_16));
    }

    @Test
    void copyFromMakesAnIndependentEqualBatch() {
        AvlBatch original = new RandomBatches(42).next(AvlCodecId.CODEC_8E, 40);
        AvlBatch copy = new AvlBatch();
        copy.copyFrom(original);
        assertSameRecords(original, copy);
        if (original.size() > 0) {
            copy.clearLocation(0);
            assertEquals(false, original.isLocationCleared(0));
        }
    }
}
