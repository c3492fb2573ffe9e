package dev.telemask.codec;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * One Codec 12, 13 or 14 message: a command (server to device) or a response (device to server).
 *
 * @param codec     {@link #CODEC_12}, {@link #CODEC_13} or {@link #CODEC_14}
 * @param type      {@link #TYPE_COMMAND}, {@link #TYPE_RESPONSE} or, for Codec 14, {@link #TYPE_NACK}
 * @param imei      the IMEI a Codec 14 message names, else -1
 * @param timestamp the time a Codec 13 message carries (second precision), else {@code null}
 * @param payload   the command or response text as sent (usually ASCII)
 */
public record CommandMessage(int codec, int type, long imei, Instant timestamp, byte[] payload) {
    public static final int CODEC_12 = 0x0C;
    public static final int CODEC_13 = 0x0D;
    public static final int CODEC_14 = 0x0E;
    public static final int TYPE_COMMAND = 0x05;
    public static final int TYPE_RESPONSE = 0x06;
    /** Codec 14: the device refuses a command addressed to another IMEI. */
    public static final int TYPE_NACK = 0x11;

    public CommandMessage {
        payload = payload.clone();
    }

    /** A Codec 12 command carrying {@code text}. */
    public static CommandMessage command(String text) {
        return new CommandMessage(CODEC_12, TYPE_COMMAND, -1, null, text.getBytes(StandardCharsets.US_ASCII));
    }

    /** A Codec 14 command for the device with {@code imei}. */
    public static CommandMessage command(long imei, String text) {
        return new CommandMessage(CODEC_14, TYPE_COMMAND, imei, null, text.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload as text (Teltonika commands and responses are ASCII). */
    public String text() {
        return new String(payload, StandardCharsets.ISO_8859_1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CommandMessage m && codec == m.codec && type == m.type && imei == m.imei
                && java.util.Objects.equals(timestamp, m.timestamp) && Arrays.equals(payload, m.payload);
    }

    @Override
    public int hashCode() {
        return ((codec * 31 + type) * 31 + Long.hashCode(imei)) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "CommandMessage[codec=" + codec + ", type=" + type + ", imei=" + imei + ", timestamp=" + timestamp
                + ", text=" + text() + "]";
    }
}
