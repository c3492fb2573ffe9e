package dev.telemask.codec;

import static dev.telemask.codec.CodecException.Reason.BAD_LENGTH;
import static dev.telemask.codec.CodecException.Reason.BAD_PREAMBLE;
import static dev.telemask.codec.CodecException.Reason.FRAME_TOO_LONG;

import io.netty.buffer.ByteBuf;

/**
 * Cuts a device's TCP byte stream into its messages: first the IMEI handshake, then frames (AVL data or
 * command responses), however the bytes were fragmented. It only peeks until a message is complete, checks
 * the preamble and the length field as soon as they arrive, and refuses a frame longer than the configured
 * maximum before buffering it, so a hostile length field cannot make the caller hold more than that.
 *
 * <p>Stateless apart from its limit: the caller knows whether the handshake is done.
 */
public final class TcpFrameSplitter {
    /** Teltonika devices send at most about 1280 bytes of AVL data per frame on TCP; leave room for 8E/NX. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 64 * 1024;
    /** The handshake: a 2-byte length and 15 ASCII digits. */
    public static final int HANDSHAKE_LENGTH = 2 + Imei.LENGTH;

    private final int maxFrameLength;

    public TcpFrameSplitter(int maxFrameLength) {
        if (maxFrameLength < AvlDecoder.TCP_HEADER_LENGTH + AvlDecoder.MIN_DATA_LENGTH + AvlDecoder.TCP_CRC_LENGTH) {
            throw new IllegalArgumentException("maxFrameLength too small: " + maxFrameLength);
        }
        this.maxFrameLength = maxFrameLength;
    }

    public int maxFrameLength() {
        return maxFrameLength;
    }

    /**
     * Reads the IMEI handshake if it is complete, advancing the reader index past it; returns -1 (reader index
     * unchanged) when more bytes are needed.
     */
    public long readHandshake(ByteBuf in) {
        int start = in.readerIndex();
        if (in.readableBytes() < 2) {
            return -1;
        }
        int length = in.getUnsignedShort(start);
        if (length != Imei.LENGTH) {
            throw new CodecException(CodecException.Reason.BAD_IMEI, 0, "handshake announces " + length + " IMEI bytes, expected 15");
        }
        if (in.readableBytes() < HANDSHAKE_LENGTH) {
            return -1;
        }
        long imei = Imei.parseAscii(in, start + 2, length, 2);
        in.readerIndex(start + HANDSHAKE_LENGTH);
        return imei;
    }

    /**
     * Returns the next whole frame (preamble to CRC) as a retained slice that the caller must release, advancing
     * the reader index past it; returns {@code null} (reader index unchanged) when more bytes are needed.
     * Throws {@link CodecException} as soon as the bytes at hand cannot start a valid frame.
     */
    public ByteBuf readFrame(ByteBuf in) {
        int length = frameLength(in);
        return length < 0 ? null : in.readRetainedSlice(length);
    }

    /**
     * Returns the length of the whole frame that starts at the reader index if all its bytes are readable, else -1;
     * moves no index. A caller that decodes in place ({@link AvlDecoder#decodeTcpFrame(ByteBuf, int, int, AvlBatch)})
     * then skips that many bytes, and no slice is allocated. Throws {@link CodecException} as soon as the bytes at
     * hand cannot start a valid frame.
     */
    public int frameLength(ByteBuf in) {
        int start = in.readerIndex();
        int readable = in.readableBytes();
        int preambleSeen = Math.min(readable, 4);
        for (int i = 0; i < preambleSeen; i++) {
            if (in.getByte(start + i) != 0) {
                throw new CodecException(BAD_PREAMBLE, i, "preamble byte " + i + " is 0x"
                        + Integer.toHexString(in.getByte(start + i) & 0xFF) + ", expected 0x00");
            }
        }
        if (readable < AvlDecoder.TCP_HEADER_LENGTH) {
            return -1;
        }
        long dataLength = in.getUnsignedInt(start + 4);
        long frameLength = dataLength + AvlDecoder.TCP_HEADER_LENGTH + AvlDecoder.TCP_CRC_LENGTH;
        if (frameLength > maxFrameLength) {
            throw new CodecException(FRAME_TOO_LONG, 4, "data length " + dataLength + " exceeds the frame limit of "
                    + maxFrameLength + " bytes");
        }
        if (dataLength < AvlDecoder.MIN_DATA_LENGTH) {
            throw new CodecException(BAD_LENGTH, 4, "data length " + dataLength + " is below the minimum of "
                    + AvlDecoder.MIN_DATA_LENGTH);
        }
        return readable < frameLength ? -1 : (int) frameLength;
    }
}
