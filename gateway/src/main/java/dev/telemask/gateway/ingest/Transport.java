package dev.telemask.gateway.ingest;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;

/**
 * The device sockets' I/O: native epoll where the platform has it, NIO elsewhere, or io_uring when asked for
 * ({@code device.transport}); chosen once for the process.
 */
public enum Transport {
    EPOLL, IO_URING, NIO;

    public static Transport best() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    /**
     * The transport {@code device.transport} names: {@code auto} is {@link #best()}; a native one this platform
     * cannot load is refused, with the reason, rather than quietly replaced.
     */
    public static Transport named(String name) {
        return switch (name) {
            case "auto" -> best();
            case "nio" -> NIO;
            case "epoll" -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("device.transport=epoll, but epoll is not available here: "
                            + Epoll.unavailabilityCause());
                }
                yield EPOLL;
            }
            case "io_uring" -> {
                if (!IoUring.isAvailable()) {
                    throw new IllegalStateException("device.transport=io_uring, but io_uring is not available here: "
                            + IoUring.unavailabilityCause());
                }
                yield IO_URING;
            }
            default -> throw new IllegalArgumentException("unknown device.transport '" + name + "'");
        };
    }

    /** An event loop group of {@code threads} loops (0: Netty's default, twice the cores). */
    public EventLoopGroup newGroup(int threads, String name) {
        IoHandlerFactory factory = switch (this) {
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
        return new MultiThreadIoEventLoopGroup(threads, new io.netty.util.concurrent.DefaultThreadFactory(name, true), factory);
    }

    public Class<? extends ServerChannel> serverChannel() {
        return switch (this) {
            case EPOLL -> EpollServerSocketChannel.class;
            case IO_URING -> IoUringServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    public Class<? extends DatagramChannel> datagramChannel() {
        return switch (this) {
            case EPOLL -> EpollDatagramChannel.class;
            case IO_URING -> IoUringDatagramChannel.class;
            case NIO -> NioDatagramChannel.class;
        };
    }
}
