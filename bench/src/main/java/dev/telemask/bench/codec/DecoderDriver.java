package dev.telemask.bench.codec;

import dev.telemask.codec.AvlBatch;
import dev.telemask.codec.AvlCodecId;
import dev.telemask.codec.AvlDecoder;
import dev.telemask.codec.AvlEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The decoder benchmarks' frames, decoded {@code n} times a call, for {@link DecoderPair}: loaded once per codec build
 * under comparison, so it uses only the codec's API that every build has. Each method returns a sum of what it
 * decoded, so that the work cannot be left out.
 */
public final class DecoderDriver {
    private final ByteBuf codec8TenRecords;
    private final ByteBuf codec8ExtendedTenRecords;
    private final AvlBatch batch = new AvlBatch();

    public DecoderDriver() {
        codec8TenRecords = frame(SampleFrames.codec8(10), AvlCodecId.CODEC_8);
        codec8ExtendedTenRecords = frame(SampleFrames.codec8Extended(10), AvlCodecId.CODEC_8E);
    }

    // Direct, as the gateway's frames are, and never released: a driver lives as long as its comparison.
    private static ByteBuf frame(AvlBatch records, AvlCodecId codec) {
        ByteBuf frame = Unpooled.directBuffer();
        AvlEncoder.encodeTcpFrame(records, codec, frame);
        return frame;
    }

    /** Records per frame of every benchmark here. */
    public static int recordsPerFrame() {
        return 10;
    }

    public long codec8TenRecordsPerFrame(int n) {
        return decodeFrames(codec8TenRecords, n);
    }

    public long codec8ExtendedTenRecordsPerFrame(int n) {
        return decodeFrames(codec8ExtendedTenRecords, n);
    }

    public long codec8ExtendedTenRecordsParseOnly(int n) {
        ByteBuf f = codec8ExtendedTenRecords;
        long sum = 0;
        for (int i = 0; i < n; i++) {
            AvlDecoder.decodeData(f, f.readerIndex() + AvlDecoder.TCP_HEADER_LENGTH,
                    f.readableBytes() - AvlDecoder.TCP_HEADER_LENGTH - AvlDecoder.TCP_CRC_LENGTH,
                    AvlDecoder.TCP_HEADER_LENGTH, batch);
            sum += batch.elementCount() + batch.latitude(batch.size() - 1);
        }
        return sum;
    }

    private long decodeFrames(ByteBuf frame, int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            AvlDecoder.decodeTcpFrame(frame, batch);
            sum += batch.elementCount() + batch.latitude(batch.size() - 1);
        }
        return sum;
    }
}
