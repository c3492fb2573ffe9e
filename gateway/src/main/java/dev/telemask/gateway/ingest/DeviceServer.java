package dev.telemask.gateway.ingest;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The device TCP listener. Each connection's pipeline: the connection limits, TLS when configured, the frame
 * splitter, the handshake deadline, an idle timeout on whole messages, and the {@link DeviceSession}.
 */
public final class DeviceServer {
    private final Channel listener;

    private DeviceServer(Channel listener) {
        this.listener = listener;
    }

    static DeviceServer bind(String host, int port, Transport transport, EventLoopGroup acceptor,
                             EventLoopGroup workers, SslContext tls, IngestServices services, ChannelGroup channels)
            throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                // Acknowledgements are tiny; a device that stops reading them cannot make us buffer much.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(8 * 1024, 32 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channels.add(channel);
                        ChannelPipeline pipeline = channel.pipeline();
                        // First: a refused connection costs no TLS handshake and reaches nothing further down.
                        pipeline.addLast("admission", new ConnectionAdmission(services.allowedSources(),
                                services.connections(), services.metrics(), services.refusals()));
                        if (tls != null) {
                            pipeline.addLast("tls", tls.newHandler(channel.alloc()));
                        }
                        pipeline.addLast("frames", new DeviceFrameDecoder(services.splitter(), services.metrics(),
                                services.malformedFrames()));
                        // Its clock starts when the connection does, so it covers a stalled TLS handshake too.
                        pipeline.addLast("handshake-deadline", new HandshakeDeadline(services.handshakeTimeout(),
                                services.metrics(), services.refusals()));
                        // After the splitter, the idle timer sees whole handshakes and frames only: a device that
                        // trickles a frame a byte at a time (slow loris) is as idle as a silent one.
                        long idle = services.idleTimeout().toMillis();
                        pipeline.addLast("idle", new IdleStateHandler(idle, 0, 0, TimeUnit.MILLISECONDS));
                        pipeline.addLast("session", new DeviceSession(services));
                    }
                });
        Channel channel = bootstrap.bind(host, port).sync().channel();
        return new DeviceServer(channel);
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Stops accepting connections; open ones are left to the caller's shutdown. */
    void stopAccepting() {
        listener.close().syncUninterruptibly();
    }
}
