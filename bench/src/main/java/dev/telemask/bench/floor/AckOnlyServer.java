package dev.telemask.bench.floor;

import dev.telemask.codec.AvlBatch;
import dev.telemask.codec.AvlDecoder;
import dev.telemask.codec.TcpAvlCodec;
import dev.telemask.codec.TcpFrameSplitter;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A device server that does only what every gateway must for a frame: read it, check its CRC and decode it, and
 * acknowledge it, with none of the gateway's device look-up, privacy engine or storage. {@code direct} acknowledges in
 * the read; {@code handoff} hands each frame to one "writer" thread that, like the gateway's writer, takes what
 * waited (lingering up to 5 ms) and hands each acknowledgement back to the frame's event loop, the one cross-thread
 * hop a durable acknowledgement needs. Its CPU per record is the floor under the gateway's on the same machine.
 *
 * <p>{@code java -cp telemask-bench.jar dev.telemask.bench.floor.AckOnlyServer PORT direct|handoff}; runs until
 * killed. Listens on 127.0.0.1 only.
 */
public final class AckOnlyServer {
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final int LINGER_FRAMES = 200;

    private AckOnlyServer() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !(args[1].equals("direct") || args[1].equals("handoff"))) {
            System.err.println("usage: AckOnlyServer PORT direct|handoff");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Committer committer = args[1].equals("handoff") ? new Committer() : null;
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> server = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        // Named as the gateway's threads are, so that the load test's per-thread CPU groups read the same.
        EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("telemask-accept", true),
                io);
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory("telemask-io", true), io);
        Channel bound = new ServerBootstrap().group(acceptor, loops).channel(server)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new FrameAcker(committer));
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), port).sync().channel();
        System.out.println("ack-only server on " + bound.localAddress() + ", " + (epoll ? "epoll" : "nio") + ", "
                + args[1]);
        bound.closeFuture().sync();
    }

    /** One connection: the IMEI handshake, then frames, each decoded and acknowledged. */
    static final class FrameAcker extends ByteToMessageDecoder {
        private final TcpFrameSplitter splitter = new TcpFrameSplitter(TcpFrameSplitter.DEFAULT_MAX_FRAME_LENGTH);
        private final AvlBatch batch = new AvlBatch();
        private final Committer committer;
        private boolean handshaken;

        FrameAcker(Committer committer) {
            this.committer = committer;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (!handshaken) {
                if (splitter.readHandshake(in) < 0) {
                    return;
                }
                handshaken = true;
                ByteBuf reply = ctx.alloc().buffer(1);
                TcpAvlCodec.encodeHandshakeReply(true, reply);
                ctx.writeAndFlush(reply, ctx.voidPromise());
            }
            int length;
            while ((length = splitter.frameLength(in)) >= 0) {
                batch.clear();
                AvlDecoder.decodeTcpFrame(in, in.readerIndex(), length, batch);
                in.skipBytes(length);
                if (committer == null) {
                    acknowledge(ctx, batch.size());
                } else {
                    committer.offer(ctx, batch.size());
                }
            }
        }

        static void acknowledge(ChannelHandlerContext ctx, int records) {
            ByteBuf ack = ctx.alloc().buffer(TcpAvlCodec.ACK_LENGTH);
            TcpAvlCodec.encodeAck(records, ack);
            ctx.writeAndFlush(ack, ctx.voidPromise());
        }
    }

    /** The writer's part of a durable acknowledgement, without the database: take what waits, hand the ACKs back. */
    static final class Committer {
        private final List<ChannelHandlerContext> contexts = new ArrayList<>();
        private final List<Integer> counts = new ArrayList<>();

        Committer() {
            Thread thread = new Thread(this::run, "telemask-positions-floor");
            thread.setDaemon(true);
            thread.start();
        }

        synchronized void offer(ChannelHandlerContext ctx, int records) {
            contexts.add(ctx);
            counts.add(records);
            if (contexts.size() >= LINGER_FRAMES) {
                notifyAll();
            }
        }

        private void run() {
            List<ChannelHandlerContext> taken = new ArrayList<>();
            List<Integer> takenCounts = new ArrayList<>();
            while (true) {
                synchronized (this) {
                    long until = System.nanoTime() + LINGER_NANOS;
                    long left;
                    while (contexts.size() < LINGER_FRAMES && (left = until - System.nanoTime()) > 0) {
                        try {
                            TimeUnit.NANOSECONDS.timedWait(this, left);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    taken.addAll(contexts);
                    takenCounts.addAll(counts);
                    contexts.clear();
                    counts.clear();
                }
                for (int i = 0; i < taken.size(); i++) {
                    ChannelHandlerContext ctx = taken.get(i);
                    int records = takenCounts.get(i);
                    ctx.executor().execute(() -> FrameAcker.acknowledge(ctx, records));
                }
                taken.clear();
                takenCounts.clear();
            }
        }
    }
}
