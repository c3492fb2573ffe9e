package dev.telemask.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** An IO element's ID, width and removed mark, which the batch keeps together in one int, read back apart. */
class IoElementsTest {
    private final AvlBatch batch = new AvlBatch();

    @Test
    void idWidthAndRemovedMarkReadBackApart() {
        batch.addRecord(0, 0, 0, 0, 0, 0, 0, 0, 0, AvlBatch.NO_GENERATION);
        batch.addIo(65_535, 8, -1L);
        batch.addIo(0, 1, 255);
        batch.addNx(65_535, new byte[] {1, 2, 3}, 0, 3);
        assertEquals(65_535, batch.ioId(0));
        assertEquals(8, batch.ioWidth(0));
        assertEquals(-1L, batch.ioValue(0));
        assertEquals(0, batch.ioId(1));
        assertEquals(AvlBatch.WIDTH_VARIABLE, batch.ioWidth(2));
        assertEquals(3, batch.nxLength(2));

        batch.removeIo(0);
        assertTrue(batch.isIoRemoved(0));
        assertFalse(batch.isIoRemoved(2));
        assertEquals(65_535, batch.ioId(0), "a removed element keeps its ID");
        assertEquals(8, batch.ioWidth(0), "and its width");
        assertEquals(2, batch.findIo(0, 65_535), "the removed element is skipped, the NX one with the same ID found");
        assertEquals(2, batch.keptIoCount(0));
    }

    @Test
    void anIdOutsideTwoBytesIsRefused() {
        batch.addRecord(0, 0, 0, 0, 0, 0, 0, 0, 0, AvlBatch.NO_GENERATION);
        assertThrows(IllegalArgumentException.class, () -> batch.addIo(65_536, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> batch.addNx(-1, new byte[0], 0, 0));
        assertEquals(0, batch.ioCount(0));
    }
}
