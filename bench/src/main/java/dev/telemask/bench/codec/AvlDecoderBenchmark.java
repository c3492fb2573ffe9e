package dev.telemask.bench.codec;

import dev.telemask.codec.AvlBatch;
import dev.telemask.codec.AvlCodecId;
import dev.telemask.codec.AvlDecoder;
import dev.telemask.codec.AvlEncoder;
import dev.telemask.codec.UdpAvlCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding one whole TCP frame (CRC check included), or one UDP datagram, into a reused batch, from a pooled direct
 * buffer as the gateway receives it. Each method declares its records per frame, so scores (and
 * {@code gc.alloc.rate.norm} under {@code -prof gc}) are per record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AvlDecoderBenchmark {
    private ByteBuf codec8OneRecord;
    private ByteBuf codec8TenRecords;
    private ByteBuf codec8ExtendedTenRecords;
    private ByteBuf codec8ExtendedDatagram;
    private final AvlBatch batch = new AvlBatch();
    private final UdpAvlCodec.Header header = new UdpAvlCodec.Header();

    @Setup(Level.Trial)
    public void encode() {
        codec8OneRecord = frame(SampleFrames.codec8(1), AvlCodecId.CODEC_8);
        codec8TenRecords = frame(SampleFrames.codec8(10), AvlCodecId.CODEC_8);
        codec8ExtendedTenRecords = frame(SampleFrames.codec8Extended(10), AvlCodecId.CODEC_8E);
        codec8ExtendedDatagram = PooledByteBufAllocator.DEFAULT.directBuffer();
        AvlEncoder.encodeUdpDatagram(SampleFrames.codec8Extended(10), AvlCodecId.CODEC_8E, 0xCAFE, 7,
                352_093_081_452_251L, codec8ExtendedDatagram);
    }

    private static ByteBuf frame(AvlBatch records, AvlCodecId codec) {
        ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer();
        AvlEncoder.encodeTcpFrame(records, codec, frame);
        return frame;
    }

    @TearDown(Level.Trial)
    public void release() {
        codec8OneRecord.release();
        codec8TenRecords.release();
        codec8ExtendedTenRecords.release();
        codec8ExtendedDatagram.release();
    }

    @Benchmark
    public AvlBatch codec8OneRecordPerFrame() {
        AvlDecoder.decodeTcpFrame(codec8OneRecord, batch);
        return batch;
    }

    @Benchmark
    @OperationsPerInvocation(10)
    public AvlBatch codec8TenRecordsPerFrame() {
        AvlDecoder.decodeTcpFrame(codec8TenRecords, batch);
        return batch;
    }

    /** 12 fixed-width IO elements and one 20-byte NX element per record. */
    @Benchmark
    @OperationsPerInvocation(10)
    public AvlBatch codec8ExtendedTenRecordsPerFrame() {
        AvlDecoder.decodeTcpFrame(codec8ExtendedTenRecords, batch);
        return batch;
    }

    /** The same frame without the CRC check: what parsing alone costs. */
    @Benchmark
    @OperationsPerInvocation(10)
    public AvlBatch codec8ExtendedTenRecordsParseOnly() {
        ByteBuf f = codec8ExtendedTenRecords;
        AvlDecoder.decodeData(f, f.readerIndex() + AvlDecoder.TCP_HEADER_LENGTH,
                f.readableBytes() - AvlDecoder.TCP_HEADER_LENGTH - AvlDecoder.TCP_CRC_LENGTH, AvlDecoder.TCP_HEADER_LENGTH, batch);
        return batch;
    }

    /**
     * The same records in one UDP datagram (no CRC), decoded into the same reused batch and header the gateway's UDP
     * handler keeps: an allocation per datagram would show as at least 1.6 bytes per record.
     */
    @Benchmark
    @OperationsPerInvocation(10)
    public AvlBatch udpCodec8ExtendedTenRecordsPerDatagram() {
        UdpAvlCodec.decode(codec8ExtendedDatagram, header, batch);
        return batch;
    }
}
