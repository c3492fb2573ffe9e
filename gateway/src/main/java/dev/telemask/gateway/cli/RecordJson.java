package dev.telemask.gateway.cli;

import dev.telemask.codec.AvlBatch;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Writes one decoded record as the {@code decode} command's JSON object. */
final class RecordJson {
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RecordJson() {}

    static void append(StringBuilder out, int frame, AvlBatch batch, int r) {
        out.append("{\"frame\":").append(frame)
                .append(",\"codec\":\"").append(batch.codec().label()).append('"')
                .append(",\"timestamp\":\"").append(TIMESTAMP.format(Instant.ofEpochMilli(batch.timestamp(r)))).append('"')
                .append(",\"priority\":").append(batch.priority(r))
                .append(",\"lon\":").append(degrees(batch.longitude(r)))
                .append(",\"lat\":").append(degrees(batch.latitude(r)))
                .append(",\"altitude\":").append(batch.altitude(r))
                .append(",\"angle\":").append(batch.angle(r))
                .append(",\"satellites\":").append(batch.satellites(r))
                .append(",\"speed\":").append(batch.speed(r))
                .append(",\"eventIo\":").append(batch.eventIo(r))
                .append(",\"generation\":");
        if (batch.generation(r) == AvlBatch.NO_GENERATION) {
            out.append("null");
        } else {
            out.append(batch.generation(r));
        }
        out.append(",\"io\":{");
        boolean first = true;
        for (int e = batch.ioStart(r), end = e + batch.ioCount(r); e < end; e++) {
            if (batch.isIoRemoved(e)) {
                continue;
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append('"').append(batch.ioId(e)).append("\":");
            switch (batch.ioWidth(e)) {
                case AvlBatch.WIDTH_VARIABLE -> appendHex(out, batch.nxArray(), batch.nxOffset(e), batch.nxLength(e));
                case 8 -> out.append('"').append(Long.toUnsignedString(batch.ioValue(e))).append('"');
                default -> out.append(batch.ioValue(e));
            }
        }
        out.append("}}");
    }

    static void appendError(StringBuilder out, int frame, String reason, long offset) {
        out.append("{\"frame\":").append(frame).append(",\"error\":\"").append(reason)
                .append("\",\"offset\":").append(offset).append('}');
    }

    /** 1e-7 degree units as a plain decimal without trailing zeros: 254000000 prints 25.4. */
    static String degrees(int units) {
        return BigDecimal.valueOf(units, 7).stripTrailingZeros().toPlainString();
    }

    private static void appendHex(StringBuilder out, byte[] bytes, int from, int length) {
        out.append('"');
        for (int i = from; i < from + length; i++) {
            out.append(HEX[(bytes[i] >> 4) & 0xF]).append(HEX[bytes[i] & 0xF]);
        }
        out.append('"');
    }
}
