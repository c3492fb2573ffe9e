package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.util.ArrayList;
import java.util.List;

/** Assertions on what the engine left of a batch, shared by the spec tests. */
final class Verdicts {
    private Verdicts() {}

    static List<Treatment> list(Treatments treatments) {
        List<Treatment> list = new ArrayList<>();
        for (int r = 0; r < treatments.size(); r++) {
            list.add(treatments.get(r));
        }
        return list;
    }

    static boolean masked(Treatment t) {
        return t == Treatment.PRIVATE || t == Treatment.ZONE || t == Treatment.DROPPED;
    }

    /** Nothing that locates record {@code r} survived: coordinates, motion, GNSS, location IO, NX blobs. */
    static void assertNothingLocates(AvlBatch batch, int r) {
        String at = "record " + r;
        assertTrue(batch.isLocationCleared(r), at + " location cleared");
        assertEquals(0, batch.latitude(r), at);
        assertEquals(0, batch.longitude(r), at);
        assertEquals(0, batch.altitude(r), at);
        assertEquals(0, batch.angle(r), at);
        assertEquals(0, batch.speed(r), at);
        assertEquals(0, batch.satellites(r), at);
        for (int e = batch.ioStart(r), end = e + batch.ioCount(r); e < end; e++) {
            if (!batch.isIoRemoved(e)) {
                int id = batch.ioId(e);
                assertTrue(!TeltonikaIo.LOCATION_REVEALING.contains(id), at + " kept location element " + id);
                assertTrue(batch.ioWidth(e) != AvlBatch.WIDTH_VARIABLE, at + " kept NX element " + id);
            }
        }
    }

    /** Each record's treatment is as expected, and masked records are masked, exact ones untouched. */
    static void assertTreatments(AvlBatch batch, Treatments out, Treatment... expected) {
        assertEquals(List.of(expected), list(out));
        for (int r = 0; r < expected.length; r++) {
            if (masked(expected[r])) {
                assertNothingLocates(batch, r);
                if (expected[r] == Treatment.ZONE) {
                    // Metres driven from home to the first visible point would measure the way home.
                    assertTrue(batch.findIo(r, TeltonikaIo.TOTAL_ODOMETER) < 0, "mileage removed in record " + r);
                } else {
                    assertTrue(batch.findIo(r, TeltonikaIo.TOTAL_ODOMETER) >= 0, "mileage kept in record " + r);
                }
            } else {
                assertTrue(!batch.isLocationCleared(r), "record " + r + " keeps its position");
            }
        }
    }
}
