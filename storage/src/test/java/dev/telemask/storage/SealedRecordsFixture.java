package dev.telemask.storage;

import dev.telemask.codec.AvlBatch;

import java.util.Arrays;
import java.util.Random;

/** Random records over every field kind, and a text form of a record to compare an opened one with its original. */
final class SealedRecordsFixture {
    private static final int[] WIDTHS = {1, 2, 4, 8, AvlBatch.WIDTH_VARIABLE};

    private SealedRecordsFixture() {
    }

    /** Appends a random record to {@code batch}: any field values, 0 to 12 IO elements of every width. */
    static int randomRecord(Random random, AvlBatch batch, long time) {
        int r = batch.addRecord(time, random.nextInt(3), random.nextInt(), random.nextInt(), random.nextInt(65_536) - 32_768,
                random.nextInt(360), random.nextInt(32), random.nextInt(65_536), random.nextInt(65_536),
                random.nextBoolean() ? AvlBatch.NO_GENERATION : random.nextInt(8));
        int elements = random.nextInt(13);
        for (int i = 0; i < elements; i++) {
            int width = WIDTHS[random.nextInt(WIDTHS.length)];
            int id = random.nextInt(65_536);
            if (width == AvlBatch.WIDTH_VARIABLE) {
                byte[] value = new byte[random.nextInt(300)];
                random.nextBytes(value);
                batch.addNx(id, value, 0, value.length);
            } else {
                long value = width == 8 ? random.nextLong() : random.nextLong() & ((1L << (8 * width)) - 1);
                batch.addIo(id, width, value);
            }
        }
        if (elements > 0 && random.nextInt(4) == 0) {
            batch.removeIo(batch.ioStart(r) + random.nextInt(elements));
        }
        if (random.nextInt(5) == 0) {
            batch.clearLocation(r);
        }
        return r;
    }

    /** Every field of record {@code r} and its kept IO elements, as text. */
    static String describe(AvlBatch batch, int r) {
        StringBuilder s = new StringBuilder();
        s.append(batch.timestamp(r)).append(' ').append(batch.priority(r)).append(' ').append(batch.longitude(r))
                .append(' ').append(batch.latitude(r)).append(' ').append(batch.altitude(r)).append(' ')
                .append(batch.angle(r)).append(' ').append(batch.satellites(r)).append(' ').append(batch.speed(r))
                .append(' ').append(batch.eventIo(r)).append(' ').append(batch.generation(r)).append(' ')
                .append(batch.isLocationCleared(r)).append(" io[");
        for (int e = batch.ioStart(r), end = e + batch.ioCount(r); e < end; e++) {
            if (batch.isIoRemoved(e)) {
                continue;
            }
            s.append(batch.ioId(e)).append('/').append(batch.ioWidth(e)).append('=');
            if (batch.ioWidth(e) == AvlBatch.WIDTH_VARIABLE) {
                s.append(Arrays.toString(Arrays.copyOfRange(batch.nxArray(), batch.nxOffset(e),
                        batch.nxOffset(e) + batch.nxLength(e))));
            } else {
                s.append(batch.ioValue(e));
            }
            s.append(' ');
        }
        return s.append(']').toString();
    }
}
