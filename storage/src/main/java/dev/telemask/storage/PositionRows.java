package dev.telemask.storage;

import dev.telemask.codec.AvlBatch;

import java.sql.SQLException;

/** Turns the stored records of a {@link PositionBatch} into {@code positions} rows on a {@link BinaryCopyStream}. */
final class PositionRows {
    /** The columns in COPY order; masked values are NULL. */
    static final String COLUMNS = "imei, device_time, receive_time, priority, longitude, latitude, altitude, angle,"
            + " satellites, speed, event_io, io, treatment, record_key";
    private static final int FIELDS = 14;

    private PositionRows() {
    }

    /** Writes the batch's stored records, each with its key from {@code keys}, and returns how many. */
    static int write(PositionBatch batch, RecordKeys keys, BinaryCopyStream out) throws SQLException {
        AvlBatch records = batch.records();
        int written = 0;
        for (int r = 0, size = records.size(); r < size; r++) {
            if (!batch.isStored(r)) {
                continue;
            }
            out.row(FIELDS);
            out.int8(batch.imei());
            out.timestamp(records.timestamp(r));
            out.timestamp(batch.receivedAtMillis(r));
            out.int2(records.priority(r));
            if (records.isLocationCleared(r)) {
                for (int i = 0; i < 6; i++) {
                    out.nullField();
                }
            } else {
                out.int4(records.longitude(r));
                out.int4(records.latitude(r));
                out.int2(records.altitude(r));
                // The wire's u16 in a smallint, its top bit the sign: PositionQuery reads it back unsigned.
                out.int2(records.angle(r));
                out.int2(records.satellites(r));
                out.int4(records.speed(r)); // u16 on the wire: beyond smallint
            }
            out.int4(records.eventIo(r));
            writeIo(records, r, out);
            out.int2(batch.treatment(r));
            out.int4(keys.of(batch.imei(), records.timestamp(r), records.keyEventIo(r)));
            written++;
        }
        return written;
    }

    private static void writeIo(AvlBatch records, int r, BinaryCopyStream out) throws SQLException {
        int length = IoElementsFormat.encodedLength(records, r);
        if (length == 0) {
            out.nullField();
            return;
        }
        out.byteaHeader(length);
        for (int e = records.ioStart(r), end = e + records.ioCount(r); e < end; e++) {
            if (records.isIoRemoved(e)) {
                continue;
            }
            int width = records.ioWidth(e);
            out.putU16(records.ioId(e));
            out.putU8(width);
            if (width == AvlBatch.WIDTH_VARIABLE) {
                int n = records.nxLength(e);
                out.putU16(n);
                out.raw(records.nxArray(), records.nxOffset(e), n);
            } else {
                out.putUnsigned(records.ioValue(e), width);
            }
        }
    }
}
