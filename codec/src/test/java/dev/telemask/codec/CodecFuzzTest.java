package dev.telemask.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Coverage-guided fuzzing of everything a device can send. In the normal test run Jazzer replays the corpus in
 * {@code src/test/resources/dev/telemask/codec/CodecFuzzTestInputs}; with {@code JAZZER_FUZZ=1} it fuzzes
 * (see the README). Any exception other than {@link CodecException} fails the test.
 */
class CodecFuzzTest {
    private final TcpFrameSplitter splitter = new TcpFrameSplitter(4096);
    private final AvlBatch batch = new AvlBatch();
    private final UdpAvlCodec.Header header = new UdpAvlCodec.Header();

    /** A TCP session: handshake then frames, as the gateway reads it. */
    @FuzzTest(maxDuration = "30s")
    void tcpStream(byte[] input) {
        ByteBuf in = Unpooled.wrappedBuffer(input);
        try {
            if (splitter.readHandshake(in) < 0) {
                return;
            }
            ByteBuf frame;
            while ((frame = splitter.readFrame(in)) != null) {
                try {
                    if (CommandCodec.isCommandCodec(frame.getUnsignedByte(frame.readerIndex() + AvlDecoder.TCP_HEADER_LENGTH))) {
                        CommandCodec.decode(frame);
                    } else {
                        AvlDecoder.decodeTcpFrame(frame, batch);
                    }
                } finally {
                    frame.release();
                }
            }
        } catch (CodecException expected) {
            // Malformed input must end here and nowhere else.
        }
    }

    /** A single frame handed to the decoders directly, CRC check included. */
    @FuzzTest(maxDuration = "30s")
    void frame(byte[] input) {
        try {
            AvlDecoder.decodeTcpFrame(Unpooled.wrappedBuffer(input), batch);
        } catch (CodecException expected) {
            // fine
        }
        try {
            CommandCodec.decode(Unpooled.wrappedBuffer(input));
        } catch (CodecException expected) {
            // fine
        }
        try {
            // Past the CRC: the record parser sees every input.
            AvlDecoder.decodeData(Unpooled.wrappedBuffer(input), 0, input.length, 0, batch);
        } catch (CodecException expected) {
            // fine
        }
    }

    @FuzzTest(maxDuration = "30s")
    void udpDatagram(byte[] input) {
        try {
            UdpAvlCodec.decode(Unpooled.wrappedBuffer(input), header, batch);
        } catch (CodecException expected) {
            // fine
        }
    }
}
