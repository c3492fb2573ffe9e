package dev.telemask.simulator;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Opens the devices' connections to the one configured server: native epoll where available, NIO elsewhere, one
 * event loop per core, TLS on request. Owns the event loops.
 */
final class DeviceConnector implements AutoCloseable {
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final SslContext tls;
    private final String host;
    private final int port;
    private final String transport;

    DeviceConnector(SimulatorOptions options) {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.transport = epoll ? "epoll" : "nio";
        this.group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), io);
        this.host = options.host();
        this.port = options.port();
        this.tls = options.tls() ? clientTls() : null;
        this.bootstrap = new Bootstrap()
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, options.ackTimeout().toMillis()))
                .remoteAddress(host, port);
    }

    /** "epoll" or "nio". */
    String transport() {
        return transport;
    }

    /** The loop a new device lives on; devices are spread round-robin. */
    EventLoop nextLoop() {
        return group.next();
    }

    /** Starts connecting {@code device} on {@code loop}; its replies go to the device. */
    ChannelFuture connect(EventLoop loop, SimulatedDevice device) {
        return bootstrap.clone(loop).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                ChannelPipeline pipeline = channel.pipeline();
                if (tls != null) {
                    pipeline.addLast(tls.newHandler(channel.alloc(), host, port));
                }
                pipeline.addLast(new ServerReplyDecoder(device));
            }
        }).connect();
    }

    @Override
    public void close() {
        Future<?> shutdown = group.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        shutdown.awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    /** A load generator trusts any server certificate: it tests the gateway's TLS, not a PKI. */
    private static SslContext clientTls() {
        try {
            return SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
