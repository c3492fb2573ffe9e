package dev.telemask.gateway.ingest;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * An {@link EmbeddedChannel} connected from a given IP address, on a mock clock that only the test advances, with
 * a last handler that notes what reached the end of the pipeline.
 */
final class PeerChannel extends EmbeddedChannel {
    private final InetSocketAddress peer;
    private final Tail tail = new Tail();
    private final MockTicker ticker;

    /** What got past the handlers under test. */
    static final class Tail extends ChannelInboundHandlerAdapter {
        boolean active;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            active = true;
        }
    }

    PeerChannel(String address, ChannelHandler... handlers) {
        this(address, Ticker.newMockTicker(), handlers);
    }

    private PeerChannel(String address, MockTicker ticker, ChannelHandler... handlers) {
        super(EmbeddedChannel.builder().register(false).ticker(ticker));
        this.ticker = ticker;
        try {
            peer = new InetSocketAddress(InetAddress.getByName(address), 40_000);
            pipeline().addLast(handlers);
            pipeline().addLast(tail);
            register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Moves the clock on and runs the timers that are due. */
    void advance(Duration by) {
        ticker.advance(by.toNanos(), TimeUnit.NANOSECONDS);
        runScheduledPendingTasks();
    }

    /** Whether the connection reached the end of the pipeline as an active one. */
    boolean passedOn() {
        return tail.active;
    }

    static InetAddress ip(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return peer;
    }
}
