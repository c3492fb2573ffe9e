package dev.telemask.bench.codec;

import dev.telemask.codec.AvlCodecId;
import dev.telemask.codec.AvlEncoder;
import dev.telemask.codec.TcpFrameSplitter;
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
 * Splitting a stream of 100 Codec 8E frames (10 records each) held in one buffer: the score is per frame. The
 * gateway's way ({@code frameLength}, then decode in place) next to taking each frame as a retained slice.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TcpFrameSplitterBenchmark {
    private static final int FRAMES = 100;

    private final TcpFrameSplitter splitter = new TcpFrameSplitter(TcpFrameSplitter.DEFAULT_MAX_FRAME_LENGTH);
    private ByteBuf stream;

    @Setup(Level.Trial)
    public void encode() {
        stream = PooledByteBufAllocator.DEFAULT.directBuffer();
        for (int i = 0; i < FRAMES; i++) {
            AvlEncoder.encodeTcpFrame(SampleFrames.codec8Extended(10), AvlCodecId.CODEC_8E, stream);
        }
    }

    @TearDown(Level.Trial)
    public void release() {
        stream.release();
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int frameLengths() {
        stream.readerIndex(0);
        int frames = 0;
        int length;
        while ((length = splitter.frameLength(stream)) >= 0) {
            stream.skipBytes(length);
            frames++;
        }
        return frames;
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int retainedSlices() {
        stream.readerIndex(0);
        int bytes = 0;
        ByteBuf frame;
        while ((frame = splitter.readFrame(stream)) != null) {
            bytes += frame.readableBytes();
            frame.release();
        }
        return bytes;
    }
}
