package dev.telemask.codec;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A record's fields as {@link AvlBatch} packs them: each reads back whole at the ends of its wire width. */
class RecordFieldsTest {
    private static final int[] COORDINATES = {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE};
    private static final int[] ALTITUDES = {Short.MIN_VALUE, -1, 0, 1, Short.MAX_VALUE};
    private static final int[] BYTES = {0, 1, 0x7F, 0x80, 0xFF};
    private static final int[] WORDS = {0, 1, 0x7FFF, 0x8000, 0xFFFF};
    private static final int[] GENERATIONS = {AvlBatch.NO_GENERATION, 0, 1, 0x80, 0xFF};

    @Test
    void everyFieldReadsBackWhatWasAddedAtEitherEndOfItsWidth() {
        AvlBatch batch = new AvlBatch();
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                // Each field's value varies with i, its neighbour's with j, so that no field bleeds into another.
                int r = batch.addRecord(-1L - i, BYTES[i], COORDINATES[i], COORDINATES[j], ALTITUDES[j], WORDS[i],
                        BYTES[j], WORDS[j], WORDS[(i + j) % 5], GENERATIONS[i]);
                int ii = i;
                int jj = j;
                assertAll("record " + i + "," + j,
                        () -> assertEquals(-1L - ii, batch.timestamp(r)),
                        () -> assertEquals(BYTES[ii], batch.priority(r)),
                        () -> assertEquals(COORDINATES[ii], batch.longitude(r)),
                        () -> assertEquals(COORDINATES[jj], batch.latitude(r)),
                        () -> assertEquals(ALTITUDES[jj], batch.altitude(r)),
                        () -> assertEquals(WORDS[ii], batch.angle(r)),
                        () -> assertEquals(BYTES[jj], batch.satellites(r)),
                        () -> assertEquals(WORDS[jj], batch.speed(r)),
                        () -> assertEquals(WORDS[(ii + jj) % 5], batch.eventIo(r)),
                        () -> assertEquals(GENERATIONS[ii], batch.generation(r)),
                        () -> assertFalse(batch.isLocationCleared(r)));
            }
        }
    }

    @Test
    void clearingTheLocationKeepsTimePriorityEventAndGeneration() {
        AvlBatch batch = new AvlBatch();
        int r = batch.addRecord(1_700_000_000_000L, 0xFF, -1, -1, -1, 0xFFFF, 0xFF, 0xFFFF, 0xFFFF, 0xFF);
        batch.clearLocation(r);
        batch.setEventIo(r, 0x8001);
        assertAll(() -> assertTrue(batch.isLocationCleared(r)),
                () -> assertEquals(0, batch.longitude(r)), () -> assertEquals(0, batch.latitude(r)),
                () -> assertEquals(0, batch.altitude(r)), () -> assertEquals(0, batch.angle(r)),
                () -> assertEquals(0, batch.satellites(r)), () -> assertEquals(0, batch.speed(r)),
                () -> assertEquals(1_700_000_000_000L, batch.timestamp(r)),
                () -> assertEquals(0xFF, batch.priority(r)), () -> assertEquals(0x8001, batch.eventIo(r)),
                () -> assertEquals(0xFF, batch.generation(r)));
    }

    @Test
    void aWithheldEventReadsZeroWhileItsKeyKeepsTheIdThroughACopyAndNothingElseChanges() {
        AvlBatch batch = new AvlBatch();
        int r = batch.addRecord(1_700_000_000_000L, 0xFF, -1, -1, -1, 0xFFFF, 0xFF, 0xFFFF, 0xFFFF, 0xFF);
        batch.clearLocation(r);
        batch.withholdEventIo(r);
        AvlBatch copy = new AvlBatch();
        int c = copy.appendRecord(batch, r);
        for (AvlBatch b : List.of(batch, copy)) {
            int i = b == batch ? r : c;
            assertAll(() -> assertEquals(0, b.eventIo(i)), () -> assertEquals(0xFFFF, b.keyEventIo(i)),
                    () -> assertEquals(0xFF, b.generation(i)), () -> assertTrue(b.isLocationCleared(i)),
                    () -> assertEquals(0xFF, b.priority(i)));
        }
        // Setting an event ID publishes that one: nothing stays withheld.
        copy.setEventIo(c, 240);
        assertEquals(240, copy.eventIo(c));
        assertEquals(240, copy.keyEventIo(c));
        int plain = batch.addRecord(1L, 0, 0, 0, 0, 0, 0, 0, 239, AvlBatch.NO_GENERATION);
        assertEquals(239, batch.keyEventIo(plain), "an event not withheld is its own key");
        assertEquals(239, batch.eventIo(plain));
    }

    @Test
    void clearingTheMotionKeepsCoordinatesSatellitesAndPriority() {
        AvlBatch batch = new AvlBatch();
        int r = batch.addRecord(0, 0xFF, -7, 9, Short.MIN_VALUE, 0xFFFF, 0xFF, 0xFFFF, 0, AvlBatch.NO_GENERATION);
        batch.clearMotion(r);
        assertAll(() -> assertEquals(-7, batch.longitude(r)), () -> assertEquals(9, batch.latitude(r)),
                () -> assertEquals(0xFF, batch.satellites(r)), () -> assertEquals(0xFF, batch.priority(r)),
                () -> assertEquals(0, batch.altitude(r)), () -> assertEquals(0, batch.angle(r)),
                () -> assertEquals(0, batch.speed(r)), () -> assertFalse(batch.isLocationCleared(r)));
    }

    @Test
    void clearingTheSatellitesKeepsEverythingElse() {
        AvlBatch batch = new AvlBatch();
        int r = batch.addRecord(0, 0xFF, -7, 9, Short.MIN_VALUE, 0xFFFF, 0xFF, 0xFFFF, 0, AvlBatch.NO_GENERATION);
        batch.clearSatellites(r);
        // longitude, latitude, altitude, angle, satellites, speed, priority
        assertEquals(List.of(-7, 9, (int) Short.MIN_VALUE, 0xFFFF, 0, 0xFFFF, 0xFF), List.of(batch.longitude(r),
                batch.latitude(r), batch.altitude(r), batch.angle(r), batch.satellites(r), batch.speed(r),
                batch.priority(r)));
        assertFalse(batch.isLocationCleared(r));
    }

    @Test
    void aFieldWiderThanTheWireAllowsIsRefusedNotTruncated() {
        AvlBatch batch = new AvlBatch();
        // priority, altitude, angle, satellites, speed, event IO ID, generation: one out of range at a time
        int[][] refused = {{0x100, 0, 0, 0, 0, 0, 0}, {-1, 0, 0, 0, 0, 0, 0}, {0, 0x8000, 0, 0, 0, 0, 0},
            {0, -0x8001, 0, 0, 0, 0, 0}, {0, 0, 0x10000, 0, 0, 0, 0}, {0, 0, 0, 0x100, 0, 0, 0},
            {0, 0, 0, 0, -1, 0, 0}, {0, 0, 0, 0, 0, 0x10000, 0}, {0, 0, 0, 0, 0, 0, -2}, {0, 0, 0, 0, 0, 0, 0x100}};
        for (int[] f : refused) {
            assertThrows(IllegalArgumentException.class,
                    () -> batch.addRecord(0, f[0], 0, 0, f[1], f[2], f[3], f[4], f[5], f[6]), Arrays.toString(f));
        }
        assertEquals(0, batch.size(), "a refused record is not added");
        int r = batch.addRecord(0, 0, 0, 0, 0, 0, 0, 0, 7, 3);
        assertThrows(IllegalArgumentException.class, () -> batch.setEventIo(r, 0x10000));
        assertEquals(7, batch.eventIo(r));
        assertEquals(3, batch.generation(r));
    }
}
