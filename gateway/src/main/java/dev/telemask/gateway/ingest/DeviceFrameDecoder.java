package dev.telemask.gateway.ingest;

import dev.telemask.codec.CodecException;
import dev.telemask.codec.TcpAvlCodec;
import dev.telemask.codec.TcpFrameSplitter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Splits a device's byte stream into a {@link DeviceHandshake} and then whole frames (retained slices, released by
 * whoever consumes them). Bad framing (a non-zero preamble, a length beyond the limit, an IMEI that is not 15 digits)
 * cannot be resynchronised, so it closes the connection (after a 0x00 reply to a bad handshake); a frame whose CRC is wrong is still a whole frame and
 * goes on, to be dropped unacknowledged by {@link DeviceSession}.
 */
final class DeviceFrameDecoder extends ByteToMessageDecoder {
    private final TcpFrameSplitter splitter;
    private final IngestMetrics metrics;
    private final RefusalLog malformed;
    private boolean handshakeDone;

    DeviceFrameDecoder(TcpFrameSplitter splitter, IngestMetrics metrics, RefusalLog malformed) {
        this.splitter = splitter;
        this.metrics = metrics;
        this.malformed = malformed;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            if (!handshakeDone) {
                long imei = splitter.readHandshake(in);
                if (imei >= 0) {
                    handshakeDone = true;
                    out.add(new DeviceHandshake(imei));
                }
                return;
            }
            ByteBuf frame = splitter.readFrame(in);
            if (frame != null) {
                out.add(frame);
            }
        } catch (CodecException e) {
            metrics.framingError(e.reason());
            if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote) {
                malformed.refused(remote.getAddress(), (handshakeDone ? "" : "handshake: ") + e.getMessage()
                        + "; connection closed");
            }
            in.skipBytes(in.readableBytes());
            if (e.reason() == CodecException.Reason.BAD_IMEI) {
                ByteBuf reply = ctx.alloc().buffer(TcpAvlCodec.HANDSHAKE_REPLY_LENGTH);
                TcpAvlCodec.encodeHandshakeReply(false, reply);
                ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
        }
    }
}
