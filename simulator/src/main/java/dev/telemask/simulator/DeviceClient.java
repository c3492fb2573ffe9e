package dev.telemask.simulator;

import dev.telemask.codec.AvlBatch;
import dev.telemask.codec.AvlCodecId;
import dev.telemask.codec.AvlEncoder;
import dev.telemask.codec.CommandCodec;
import dev.telemask.codec.CommandMessage;
import dev.telemask.codec.TcpAvlCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import javax.net.SocketFactory;

/**
 * One Teltonika device on a blocking socket to 127.0.0.1: sends the handshake and frames, reads the answers, replies to
 * commands. For tests and for benchmarks that drive devices one at a time; {@link FleetSimulator} drives fleets.
 */
public final class DeviceClient implements AutoCloseable {
    /** Safety bound on every read, so a broken gateway fails a test instead of hanging it. */
    private static final int READ_TIMEOUT_MILLIS = 60_000;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    public DeviceClient(SocketFactory factory, int port) throws IOException {
        socket = factory.createSocket("127.0.0.1", port);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public DeviceClient(int port) throws IOException {
        this(SocketFactory.getDefault(), port);
    }

    /** Sends the handshake and returns the gateway's one-byte answer ({@link TcpAvlCodec#HANDSHAKE_ACCEPTED} or rejected). */
    public int handshake(long imei) throws IOException {
        ByteBuf buf = Unpooled.buffer();
        AvlEncoder.encodeHandshake(imei, buf);
        send(ByteBufUtil.getBytes(buf));
        return in.readUnsignedByte();
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public void sendFrame(AvlBatch batch) throws IOException {
        send(frame(batch));
    }

    public static byte[] frame(AvlBatch batch) {
        ByteBuf buf = Unpooled.buffer();
        AvlEncoder.encodeTcpFrame(batch, AvlCodecId.CODEC_8E, buf);
        return ByteBufUtil.getBytes(buf);
    }

    /** One byte from the gateway: a handshake answer. */
    public int readAckByte() throws IOException {
        return in.readUnsignedByte();
    }

    /** The next acknowledgement: the record count. */
    public int readAck() throws IOException {
        byte[] ack = new byte[TcpAvlCodec.ACK_LENGTH];
        in.readFully(ack);
        return TcpAvlCodec.readAck(Unpooled.wrappedBuffer(ack));
    }

    /** The next frame from the gateway, read as a command (Codec 12). */
    public CommandMessage readCommand() throws IOException {
        byte[] header = new byte[8];
        in.readFully(header);
        int length = Unpooled.wrappedBuffer(header).getInt(4);
        byte[] frame = java.util.Arrays.copyOf(header, 8 + length + 4);
        in.readFully(frame, 8, length + 4);
        return CommandCodec.decode(Unpooled.wrappedBuffer(frame));
    }

    /** Answers a command as a Teltonika device does: a Codec 12 response carrying {@code text}. */
    public void answerCommand(String text) throws IOException {
        ByteBuf buf = Unpooled.buffer();
        CommandCodec.encode(new CommandMessage(CommandMessage.CODEC_12, CommandMessage.TYPE_RESPONSE, -1, null,
                text.getBytes(java.nio.charset.StandardCharsets.US_ASCII)), buf);
        send(ByteBufUtil.getBytes(buf));
    }

    /** True when the gateway closed the connection (after reading whatever it still sent). */
    public boolean closedByGateway() throws IOException {
        try {
            while (in.read() >= 0) {
                // drain
            }
            return true;
        } catch (EOFException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            // A reset is a close too.
            return e.getMessage() != null && e.getMessage().contains("reset");
        }
    }

    /** Shortens (or lengthens) how long a read waits, e.g. for a device that gives up on a missing ACK. */
    public void readTimeout(java.time.Duration timeout) throws IOException {
        socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
