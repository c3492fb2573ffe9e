package dev.telemask.codec;

import static dev.telemask.codec.CodecException.Reason.BAD_COMMAND;
import static dev.telemask.codec.CodecException.Reason.BAD_IMEI;
import static dev.telemask.codec.CodecException.Reason.COUNT_MISMATCH;
import static dev.telemask.codec.CodecException.Reason.TRAILING_BYTES;
import static dev.telemask.codec.CodecException.Reason.TRUNCATED;
import static dev.telemask.codec.CodecException.Reason.UNKNOWN_CODEC;

import io.netty.buffer.ByteBuf;
import java.time.Instant;

/**
 * Encodes and decodes Codec 12 (commands and responses), Codec 13 (responses with a timestamp) and Codec 14
 * (commands and responses addressed by IMEI), which travel in the same TCP frames as AVL data.
 *
 * <p>Layout of the data part: codec ID, quantity (1), type, 4-byte size, [Codec 13: 4-byte timestamp in
 * seconds] [Codec 14: IMEI as 8 bytes of BCD digits], payload, quantity (1); the size counts the timestamp or
 * IMEI too.
 */
public final class CommandCodec {
    private CommandCodec() {}

    /** True when a frame's codec byte (the first data byte) marks a command message, not AVL data. */
    public static boolean isCommandCodec(int codecId) {
        return codecId == CommandMessage.CODEC_12 || codecId == CommandMessage.CODEC_13 || codecId == CommandMessage.CODEC_14;
    }

    /** Writes {@code message} as a whole TCP frame. */
    public static void encode(CommandMessage message, ByteBuf out) {
        out.writeInt(0);
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        int dataStart = out.writerIndex();
        out.writeByte(message.codec());
        out.writeByte(1);
        out.writeByte(message.type());
        byte[] payload = message.payload();
        int extra = switch (message.codec()) {
            case CommandMessage.CODEC_13 -> 4;
            case CommandMessage.CODEC_14 -> 8;
            default -> 0;
        };
        out.writeInt(payload.length + extra);
        if (message.codec() == CommandMessage.CODEC_13) {
            out.writeInt((int) message.timestamp().getEpochSecond());
        } else if (message.codec() == CommandMessage.CODEC_14) {
            out.writeLong(toBcd(message.imei()));
        }
        out.writeBytes(payload);
        out.writeByte(1);
        int dataLength = out.writerIndex() - dataStart;
        out.setInt(lengthIndex, dataLength);
        out.writeInt(Crc16Ibm.compute(out, dataStart, dataLength));
    }

    /** Decodes a whole TCP frame (preamble to CRC) holding a Codec 12, 13 or 14 message. */
    public static CommandMessage decode(ByteBuf frame) {
        int dataLength = AvlDecoder.checkTcpFrame(frame);
        int base = frame.readerIndex() + AvlDecoder.TCP_HEADER_LENGTH;
        int end = base + dataLength;
        int codec = frame.getUnsignedByte(base);
        if (!isCommandCodec(codec)) {
            throw new CodecException(UNKNOWN_CODEC, 8, "codec ID 0x" + Integer.toHexString(codec) + " is not a command codec");
        }
        // codec, quantity, type, size: 7 bytes; closing quantity: 1.
        if (dataLength < 8) {
            throw new CodecException(TRUNCATED, 8 + dataLength, "command data of " + dataLength + " bytes is too short");
        }
        int quantity = frame.getUnsignedByte(base + 1);
        int type = frame.getUnsignedByte(base + 2);
        long size = frame.getUnsignedInt(base + 3);
        int payloadStart = base + 7;
        long available = end - 1 - payloadStart;
        if (size > available) {
            throw new CodecException(TRUNCATED, 11, "size field says " + size + ", " + available + " bytes follow");
        }
        if (size < available) {
            throw new CodecException(TRAILING_BYTES, 11 + size, (available - size) + " bytes after the payload");
        }
        int quantity2 = frame.getUnsignedByte(end - 1);
        if (quantity != quantity2) {
            throw new CodecException(COUNT_MISMATCH, 8 + dataLength - 1, "quantity " + quantity + " at the start, " + quantity2 + " at the end");
        }
        long imei = -1;
        Instant timestamp = null;
        int p = payloadStart;
        if (codec == CommandMessage.CODEC_13) {
            requirePrefix(size, 4, type);
            timestamp = Instant.ofEpochSecond(frame.getUnsignedInt(p));
            p += 4;
        } else if (codec == CommandMessage.CODEC_14) {
            requirePrefix(size, 8, type);
            imei = fromBcd(frame.getLong(p), p - frame.readerIndex());
            p += 8;
        }
        byte[] payload = new byte[end - 1 - p];
        frame.getBytes(p, payload);
        if (type != CommandMessage.TYPE_COMMAND && type != CommandMessage.TYPE_RESPONSE
                && !(codec == CommandMessage.CODEC_14 && type == CommandMessage.TYPE_NACK)) {
            throw new CodecException(BAD_COMMAND, 10, "message type 0x" + Integer.toHexString(type) + " is unknown");
        }
        return new CommandMessage(codec, type, imei, timestamp, payload);
    }

    private static void requirePrefix(long size, int prefix, int type) {
        if (size < prefix) {
            throw new CodecException(TRUNCATED, 11, "size " + size + " cannot hold the " + prefix + "-byte header of type 0x"
                    + Integer.toHexString(type));
        }
    }

    /** IMEI 352093081452251 travels as the bytes 03 52 09 30 81 45 22 51. */
    static long toBcd(long imei) {
        String digits = Imei.format(imei);
        long bcd = 0;
        for (int i = 0; i < digits.length(); i++) {
            bcd = (bcd << 4) | (digits.charAt(i) - '0');
        }
        return bcd;
    }

    static long fromBcd(long bcd, long offset) {
        long imei = 0;
        for (int shift = 60; shift >= 0; shift -= 4) {
            int digit = (int) ((bcd >>> shift) & 0xF);
            if (digit > 9 || (shift == 60 && digit != 0)) {
                throw new CodecException(BAD_IMEI, offset, "IMEI is not 15 BCD digits: 0x" + Long.toHexString(bcd));
            }
            imei = imei * 10 + digit;
        }
        return imei;
    }
}
