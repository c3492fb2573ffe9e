package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The pending list against a plain sorted list: frames borrowed, committed (a prefix decided), rolled back and
 * adopted in random order, with the frame's batch overwritten after each, so a record read from a frame it no longer
 * borrows shows as a wrong field; now and then a backlog of hundreds that grows the list and, decided, shrinks it.
 */
class PendingRecordsTest {
    /** One record as the model holds it; {@code latitude} stands for the record's fields. */
    private record Entry(long time, int event, int latitude, int flags, long receivedAt, boolean stored) {}

    private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::time).thenComparingInt(Entry::event);

    @Test
    void matchesASortedListThroughFramesCommitsAndRollBacks() {
        for (long seed = 1; seed <= 200; seed++) {
            run(new Random(seed), seed);
        }
    }

    private static void run(Random random, long seed) {
        PendingRecords pending = new PendingRecords();
        List<Entry> model = new ArrayList<>();
        AvlBatch frame = new AvlBatch();
        long base = 1_700_000_000_000L;
        for (int round = 0; round < 60; round++) {
            base += 1_000L * random.nextInt(5);
            refill(frame, random, base);
            List<Entry> added = new ArrayList<>();
            for (int r = 0; r < frame.size(); r++) {
                Entry e = new Entry(frame.timestamp(r), frame.eventIo(r), frame.latitude(r), r & 7, base + r, false);
                boolean isNew = model.stream().noneMatch(m -> m.time() == e.time() && m.event() == e.event())
                        && added.stream().noneMatch(m -> m.time() == e.time() && m.event() == e.event());
                assertEquals(isNew, pending.addFrameRecord(frame, r, e.flags(), e.receivedAt()), "seed " + seed);
                if (isNew) {
                    added.add(e);
                }
            }
            model.addAll(added);
            model.sort(ORDER);
            check(pending, model, seed);
            switch (random.nextInt(4)) {
                case 0 -> { // rolled back
                    pending.dropUnstored();
                    model.removeIf(e -> !e.stored());
                }
                case 1 -> { // worked out again without a commit: the frame's records are copied in
                    pending.adoptFrameRecords();
                }
                default -> { // committed with a prefix decided
                    int decided = random.nextInt(model.size() + 1);
                    pending.keepFrom(decided);
                    List<Entry> kept = new ArrayList<>();
                    for (Entry e : model.subList(decided, model.size())) {
                        kept.add(new Entry(e.time(), e.event(), e.latitude(), e.flags(), e.receivedAt(), true));
                    }
                    model = kept;
                }
            }
            refill(frame, random, base + 500_000L); // the ledger's frame batch takes the next frame
            check(pending, model, seed);
        }
    }

    private static void refill(AvlBatch frame, Random random, long base) {
        frame.clear();
        // Now and then a backlog's flush, so that the list grows past its first size and gives its arrays back.
        int n = random.nextInt(12) == 0 ? 100 + random.nextInt(300) : 1 + random.nextInt(8);
        for (int r = 0; r < n; r++) {
            long time = base + 1_000L * random.nextInt(12 + 2 * n);
            frame.addRecord(time, 0, random.nextInt(1_000_000), random.nextInt(1_000_000), 0, 0, 5, 30,
                    random.nextInt(3), AvlBatch.NO_GENERATION);
        }
    }

    private static void check(PendingRecords pending, List<Entry> model, long seed) {
        assertEquals(model.size(), pending.size(), "seed " + seed);
        for (int i = 0; i < model.size(); i++) {
            Entry e = model.get(i);
            String at = "seed " + seed + ", record " + i;
            assertEquals(e.time(), pending.timeAt(i), at);
            assertEquals(e.event(), pending.eventAt(i), at);
            assertEquals(e.time(), pending.batchAt(i).timestamp(pending.rowAt(i)), at);
            assertEquals(e.latitude(), pending.batchAt(i).latitude(pending.rowAt(i)), at);
            assertEquals(e.flags(), pending.flagsAt(i), at);
            assertEquals(e.receivedAt(), pending.receivedAtMillis(i), at);
            assertEquals(e.stored(), pending.storedAt(i), at);
        }
    }

    @Test
    void aBacklogOnceDecidedLeavesNoGrownArraysBehind() {
        PendingRecords pending = new PendingRecords();
        AvlBatch backlog = new AvlBatch();
        refill(backlog, 1_000);
        for (int r = 0; r < backlog.size(); r++) {
            pending.add(backlog, r, 0, 1_000L, false);
        }
        assertTrue(pending.records().oversizedFor(16), "a thousand records grew the own batch");
        pending.keepFrom(pending.size());
        assertEquals(0, pending.size());
        assertFalse(pending.records().oversizedFor(0), "the grown batch was given back");

        AvlBatch next = new AvlBatch();
        refill(next, 3);
        for (int r = 0; r < next.size(); r++) {
            pending.add(next, r, 0, 2_000L, false);
        }
        pending.keepFrom(1);
        assertEquals(2, pending.size());
        assertEquals(next.timestamp(1), pending.timeAt(0));
        assertEquals(next.latitude(2), pending.batchAt(1).latitude(pending.rowAt(1)));
    }

    private static void refill(AvlBatch batch, int n) {
        batch.clear();
        for (int r = 0; r < n; r++) {
            batch.addRecord(1_700_000_000_000L + 1_000L * r, 0, r, 1_000 + r, 0, 0, 5, 30, 0, AvlBatch.NO_GENERATION);
            batch.addIo(239, 1, 1);
        }
    }

    @Test
    void aRecordReadFromTheFrameHasNoSlotInTheOwnBatch() {
        PendingRecords pending = new PendingRecords();
        AvlBatch frame = new AvlBatch();
        frame.addRecord(1_000L, 0, 1, 2, 0, 0, 5, 30, 0, AvlBatch.NO_GENERATION);
        pending.addFrameRecord(frame, 0, 0, 1_000L);
        assertThrows(IllegalStateException.class, () -> pending.slot(0));
        pending.keepFrom(0);
        assertEquals(2, pending.records().latitude(pending.slot(0)));
    }
}
