package dev.telemask.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link AvlBatch#appendRecord} against a copy made element by element through the public adders. */
class AppendRecordTest {
    @Test
    void aCopiedRecordHasTheKeptElementsAndFieldsOfItsSource() {
        for (long seed = 0; seed < 100; seed++) {
            Random random = new Random(seed);
            AvlCodecId codec = AvlCodecId.values()[random.nextInt(AvlCodecId.values().length)];
            AvlBatch from = new RandomBatches(seed).next(codec, 12);
            for (int e = 0; e < elementCount(from); e++) {
                if (random.nextInt(4) == 0) {
                    from.removeIo(e);
                }
            }
            for (int r = 0; r < from.size(); r++) {
                if (random.nextInt(5) == 0) {
                    from.clearLocation(r);
                }
            }
            AvlBatch copied = new AvlBatch();
            AvlBatch expected = new AvlBatch();
            // Records in random order and some twice, into batches that grow as they go.
            for (int i = 0, n = from.size() * 2; i < n; i++) {
                int r = random.nextInt(from.size());
                int c = copied.appendRecord(from, r);
                byElement(from, r, expected);
                assertEquals(from.isLocationCleared(r), copied.isLocationCleared(c), "seed " + seed);
                assertEquals(expected.ioCount(c), copied.ioCount(c), "seed " + seed);
            }
            Batches.assertSameRecords(expected, copied);
        }
    }

    private static int elementCount(AvlBatch batch) {
        return batch.size() == 0 ? 0 : batch.ioStart(batch.size() - 1) + batch.ioCount(batch.size() - 1);
    }

    private static void byElement(AvlBatch from, int r, AvlBatch into) {
        into.addRecord(from.timestamp(r), from.priority(r), from.longitude(r), from.latitude(r), from.altitude(r),
                from.angle(r), from.satellites(r), from.speed(r), from.eventIo(r), from.generation(r));
        for (int e = from.ioStart(r); e < from.ioStart(r) + from.ioCount(r); e++) {
            if (from.isIoRemoved(e)) {
                continue;
            }
            if (from.ioWidth(e) == AvlBatch.WIDTH_VARIABLE) {
                into.addNx(from.ioId(e), from.nxArray(), from.nxOffset(e), from.nxLength(e));
            } else {
                into.addIo(from.ioId(e), from.ioWidth(e), from.ioValue(e));
            }
        }
    }
}
