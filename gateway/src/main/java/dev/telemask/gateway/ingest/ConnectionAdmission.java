package dev.telemask.gateway.ingest;

import dev.telemask.gateway.config.SourceNetworks;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The first handler of a device connection: lets it in when its source address is in {@code device.allowed-networks}
 * (when that is set) and while the gateway holds fewer than
 * {@code device.max-connections} connections and its source address fewer than
 * {@code device.max-connections-per-address}, and otherwise closes it at once, counted and logged by reason. One
 * address's sockets, silent or not, can then not take the places of the whole fleet.
 */
final class ConnectionAdmission extends ChannelInboundHandlerAdapter {
    private final SourceNetworks allowed;
    private final ConnectionCounts counts;
    private final IngestMetrics metrics;
    private final RefusalLog refusals;
    private InetAddress source;
    private boolean admitted;

    ConnectionAdmission(SourceNetworks allowed, ConnectionCounts counts, IngestMetrics metrics, RefusalLog refusals) {
        this.allowed = allowed;
        this.counts = counts;
        this.metrics = metrics;
        this.refusals = refusals;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        source = ctx.channel().remoteAddress() instanceof InetSocketAddress remote ? remote.getAddress() : null;
        if (!allowed.allows(source)) {
            refuse(ctx, IngestMetrics.Reject.ADDRESS_NOT_ALLOWED, "the address is not in device.allowed-networks");
            return;
        }
        switch (counts.admit(source)) {
            case ADMITTED -> {
                admitted = true;
                ctx.fireChannelActive();
            }
            case CONNECTION_LIMIT -> refuse(ctx, IngestMetrics.Reject.CONNECTION_LIMIT,
                    "the gateway holds device.max-connections connections");
            case ADDRESS_LIMIT -> refuse(ctx, IngestMetrics.Reject.ADDRESS_LIMIT,
                    "the address holds device.max-connections-per-address connections");
        }
    }

    /** Closes before anything further down the pipeline sees the connection: no TLS, no session, no timers. */
    private void refuse(ChannelHandlerContext ctx, IngestMetrics.Reject reason, String why) {
        metrics.reject(reason);
        if (source != null) {
            refusals.refused(source, why);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (admitted) {
            admitted = false;
            counts.release(source);
        }
        ctx.fireChannelInactive();
    }
}
