package dev.telemask.simulator;

import dev.telemask.codec.AvlBatch;
import dev.telemask.codec.AvlDecoder;
import dev.telemask.codec.TcpAvlCodec;
import dev.telemask.codec.TcpFrameSplitter;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny Teltonika server on 127.0.0.1 for the simulator's tests: accepts handshakes, splits and decodes frames with
 * the codec, stores each device's records deduplicated by timestamp (like the gateway), and ACKs the record count.
 * Its {@link Behaviour} makes it refuse IMEIs, swallow each device's first ACK, or drop each device's first connection
 * before the first ACK.
 */
public final class FakeTeltonikaServer implements AutoCloseable {
    /** How the server misbehaves, and whether it keeps what it receives (a load measurement does not). */
    public record Behaviour(Set<Long> rejectedImeis, boolean dropFirstAck, boolean closeBeforeFirstAck, boolean remember) {
        static final Behaviour WELL = new Behaviour(Set.of(), false, false, true);
    }

    private final Behaviour behaviour;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Channel server;
    private final Map<Long, List<byte[]>> framesByImei = new ConcurrentHashMap<>();
    private final Map<Long, Set<Long>> storedTimestamps = new ConcurrentHashMap<>();
    private final Set<Long> misbehavedFor = ConcurrentHashMap.newKeySet();
    private final AtomicLong handshakes = new AtomicLong();

    public FakeTeltonikaServer(Behaviour behaviour) throws InterruptedException {
        this(behaviour, 0);
    }

    FakeTeltonikaServer(Behaviour behaviour, int port) throws InterruptedException {
        this.behaviour = behaviour;
        this.server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new DeviceSession());
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
    }

    /**
     * Serves on 127.0.0.1 until killed, remembering nothing, so that {@code telemask simulate} can be measured without
     * a gateway: {@code java -cp <simulator test classpath> dev.telemask.simulator.FakeTeltonikaServer 5027}.
     */
    public static void main(String[] args) throws InterruptedException {
        FakeTeltonikaServer server = new FakeTeltonikaServer(new Behaviour(Set.of(), false, false, false),
                args.length > 0 ? Integer.parseInt(args[0]) : 5027);
        System.out.println("fake Teltonika server on 127.0.0.1:" + server.port());
        server.server.closeFuture().sync();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    long handshakes() {
        return handshakes.get();
    }

    /** Every frame received from the device, resends included, in arrival order. */
    List<byte[]> frames(long imei) {
        List<byte[]> frames = framesByImei.getOrDefault(imei, List.of());
        synchronized (frames) {
            return List.copyOf(frames);
        }
    }

    long framesReceived() {
        return framesByImei.keySet().stream().mapToLong(imei -> frames(imei).size()).sum();
    }

    /** The device's distinct record timestamps, as a deduplicating store would hold them. */
    Set<Long> stored(long imei) {
        Set<Long> stored = storedTimestamps.getOrDefault(imei, Set.of());
        synchronized (stored) {
            return new TreeSet<>(stored);
        }
    }

    long storedRecords() {
        return storedTimestamps.keySet().stream().mapToLong(imei -> stored(imei).size()).sum();
    }

    Set<Long> imeisWithFrames() {
        return new TreeSet<>(framesByImei.keySet());
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One device connection: handshake, then frames. */
    private final class DeviceSession extends ByteToMessageDecoder {
        private final TcpFrameSplitter splitter = new TcpFrameSplitter(TcpFrameSplitter.DEFAULT_MAX_FRAME_LENGTH);
        private final AvlBatch batch = new AvlBatch();
        private long imei = -1;

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (imei < 0) {
                imei = splitter.readHandshake(in);
                if (imei < 0) {
                    return;
                }
                handshakes.incrementAndGet();
                boolean accept = !behaviour.rejectedImeis().contains(imei);
                ByteBuf reply = ctx.alloc().buffer(TcpAvlCodec.HANDSHAKE_REPLY_LENGTH);
                TcpAvlCodec.encodeHandshakeReply(accept, reply);
                ctx.writeAndFlush(reply);
                if (!accept) {
                    ctx.close();
                    return;
                }
            }
            int length;
            while (ctx.channel().isActive() && (length = splitter.frameLength(in)) > 0) {
                AvlDecoder.decodeTcpFrame(in, in.readerIndex(), length, batch);
                if (behaviour.remember()) {
                    store(ByteBufUtil.getBytes(in, in.readerIndex(), length));
                }
                in.skipBytes(length);
                boolean firstFrame = misbehavedFor.add(imei);
                if (firstFrame && behaviour.closeBeforeFirstAck()) {
                    ctx.close();
                } else if (!(firstFrame && behaviour.dropFirstAck())) {
                    ByteBuf ack = ctx.alloc().buffer(TcpAvlCodec.ACK_LENGTH);
                    TcpAvlCodec.encodeAck(batch.size(), ack);
                    ctx.writeAndFlush(ack);
                }
            }
        }

        /** Before the ACK, like the gateway's commit. */
        private void store(byte[] frame) {
            List<byte[]> frames = framesByImei.computeIfAbsent(imei, key -> new ArrayList<>());
            synchronized (frames) {
                frames.add(frame);
            }
            Set<Long> stored = storedTimestamps.computeIfAbsent(imei, key -> new TreeSet<>());
            synchronized (stored) {
                for (int r = 0; r < batch.size(); r++) {
                    stored.add(batch.timestamp(r));
                }
            }
        }
    }
}
