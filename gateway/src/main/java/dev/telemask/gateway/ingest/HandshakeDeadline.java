package dev.telemask.gateway.ingest;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a device connection that has not introduced itself with its IMEI within {@code device.handshake-timeout}
 * of connecting (TLS included), counted and logged; once the {@link DeviceHandshake} passes, it leaves the
 * pipeline. Without it a silent socket would hold its place until the idle timeout, minutes later.
 */
final class HandshakeDeadline extends ChannelInboundHandlerAdapter {
    private final Duration timeout;
    private final IngestMetrics metrics;
    private final RefusalLog refusals;
    private Future<?> timer;

    HandshakeDeadline(Duration timeout, IngestMetrics metrics, RefusalLog refusals) {
        this.timeout = timeout;
        this.metrics = metrics;
        this.refusals = refusals;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> expired(ctx), timeout.toNanos(), TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    private void expired(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return;
        }
        metrics.reject(IngestMetrics.Reject.HANDSHAKE_TIMEOUT);
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote) {
            refusals.refused(remote.getAddress(), "no IMEI handshake within " + timeout);
        }
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DeviceHandshake) {
            cancel();
            ctx.pipeline().remove(this);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
