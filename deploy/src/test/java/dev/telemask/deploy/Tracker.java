package dev.telemask.deploy;

import dev.telemask.codec.AvlBatch;
import dev.telemask.codec.AvlCodecId;
import dev.telemask.codec.AvlEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

/**
 * A tracker connected to one gateway instance: handshake, then frames of a vehicle driving one record a minute,
 * each answered by the gateway's acknowledgement (the record count, sent after commit).
 */
final class Tracker implements AutoCloseable {
    /** Safety bound on every read, so a broken gateway fails the test instead of hanging it. */
    private static final int READ_TIMEOUT_MILLIS = 60_000;
    /** Teltonika's private-mode IO element. */
    private static final int PRIVATE_MODE_IO = 391;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    /** Connects and shakes hands; fails unless the gateway accepts the device. */
    Tracker(int port, long imei) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        ByteBuf handshake = Unpooled.buffer();
        AvlEncoder.encodeHandshake(imei, handshake);
        out.write(ByteBufUtil.getBytes(handshake));
        out.flush();
        int answer = in.readUnsignedByte();
        if (answer != 1) {
            throw new IOException("device " + imei + " refused (answer " + answer + ")");
        }
    }

    /**
     * Sends {@code n} records from {@code startMillis}, ignition on, the private-mode button as given, and returns
     * the acknowledged count.
     */
    int drive(long startMillis, int n, boolean privateButton) throws IOException {
        AvlBatch batch = new AvlBatch();
        for (int r = 0; r < n; r++) {
            batch.addRecord(startMillis + r * 60_000L, 0, 252_560_283 + r * 1000, 546_674_250 + r * 500, 120, 90, 9,
                    50, 0, AvlBatch.NO_GENERATION);
            batch.addIo(239, 1, 1); // ignition
            batch.addIo(240, 1, 1); // movement
            batch.addIo(PRIVATE_MODE_IO, 1, privateButton ? 1 : 0);
            batch.addIo(16, 4, 1_000_000 + r * 900L); // odometer
        }
        ByteBuf frame = Unpooled.buffer();
        AvlEncoder.encodeTcpFrame(batch, AvlCodecId.CODEC_8E, frame);
        out.write(ByteBufUtil.getBytes(frame));
        out.flush();
        return in.readInt();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
