package dev.telemask.simulator;

import dev.telemask.codec.TcpAvlCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Reads what a Teltonika server sends a device: one byte answering the handshake (0x01 accept, 0x00 reject), then a
 * 4-byte big-endian record count per frame; hands each straight to the device, allocating nothing.
 */
final class ServerReplyDecoder extends ByteToMessageDecoder {
    private final SimulatedDevice device;
    private boolean handshakeAnswered;

    ServerReplyDecoder(SimulatedDevice device) {
        this.device = device;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!handshakeAnswered && in.isReadable()) {
            handshakeAnswered = true;
            device.onHandshakeReply(ctx.channel(), TcpAvlCodec.isAccepted(in.readUnsignedByte()));
        }
        int records;
        while (handshakeAnswered && ctx.channel().isActive() && (records = TcpAvlCodec.readAck(in)) >= 0) {
            device.onAck(ctx.channel(), records);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        super.channelInactive(ctx);
        device.onDisconnected(ctx.channel());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A reset or a TLS failure: the device reconnects, like a real one on a flaky link.
        ctx.close();
    }
}
