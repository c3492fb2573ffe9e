package dev.telemask.storage.query;

import dev.telemask.privacy.Treatment;
import dev.telemask.storage.IoElementsFormat;

import java.time.Instant;

/**
 * One row of {@code positions} as stored. Masked values are null (a private or zone record has no point, speed,
 * angle, altitude or satellites), never 0.
 */
public record StoredPosition(long imei, Instant deviceTime, Instant receiveTime, int priority, GeoPoint point,
                             Integer altitude, Integer angle, Integer satellites, Integer speed, int eventIo,
                             byte[] io, Treatment treatment, int recordKey) {

    public PositionKey key() {
        return new PositionKey(deviceTime, recordKey);
    }

    /** The value of the fixed-width IO element {@code id}, or null when the record does not carry it. */
    public Long ioValue(int id) {
        long[] found = {0};
        boolean[] present = {false};
        IoElementsFormat.decode(io, new IoElementsFormat.Visitor() {
            @Override
            public void fixed(int elementId, int width, long value) {
                if (elementId == id) {
                    found[0] = value;
                    present[0] = true;
                }
            }

            @Override
            public void variable(int elementId, byte[] src, int offset, int length) {
            }
        });
        return present[0] ? found[0] : null;
    }

    /** Calls {@code visitor} for every kept IO element. */
    public void visitIo(IoElementsFormat.Visitor visitor) {
        IoElementsFormat.decode(io, visitor);
    }
}
