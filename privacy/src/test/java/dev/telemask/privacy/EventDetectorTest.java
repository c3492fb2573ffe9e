package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventDetectorTest {
    private static final Geofence DEPOT = Geofence.circle(1, "depot", 54.70, 25.25, 300);
    private static final Geofence CUSTOMER = Geofence.circle(2, "customer", 54.80, 25.25, 300);
    private static final List<Geofence> FENCES = List.of(DEPOT, CUSTOMER);
    private static final double OPEN_ROAD = 54.75;

    private final AvlBatch records = new AvlBatch();
    private final List<Byte> codes = new ArrayList<>();
    private long time = 1_700_000_000_000L;

    private void record(double latitude, int speed, int ignition, Treatment treatment) {
        time += 30_000;
        records.addRecord(time, 0, (int) Math.round(25.25 * 1e7), (int) Math.round(latitude * 1e7), 100, 0, 10,
                speed, 0, AvlBatch.NO_GENERATION);
        records.addIo(TeltonikaIo.IGNITION, 1, ignition);
        int r = records.size() - 1;
        if (treatment == Treatment.PRIVATE || treatment == Treatment.ZONE || treatment == Treatment.DROPPED) {
            records.clearLocation(r);
        } else if (treatment == Treatment.COARSENED) {
            records.clearMotion(r);
        }
        codes.add(treatment.code());
    }

    private byte[] treatments() {
        byte[] t = new byte[codes.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = codes.get(i);
        }
        return t;
    }

    private static List<String> names(List<DeviceEvent> events) {
        return events.stream().map(e -> e.kind().wireName() + (e.geofenceId() == 0 ? "" : ":" + e.geofenceId()))
                .toList();
    }

    @Test
    void aPublicTripGivesItsCrossingsIgnitionAndOverspeedOnce() {
        EventDetector detector = new EventDetector();
        record(54.70, 0, 0, Treatment.EXACT);
        record(54.70, 10, 1, Treatment.EXACT);
        record(OPEN_ROAD, 130, 1, Treatment.EXACT);
        record(OPEN_ROAD, 135, 1, Treatment.EXACT);
        record(OPEN_ROAD, 80, 1, Treatment.EXACT);
        record(54.80, 0, 0, Treatment.EXACT);
        List<DeviceEvent> events = detector.detect(records, treatments(), FENCES, 110);
        assertEquals(List.of("geofence_enter:1", "ignition_on", "geofence_exit:1", "overspeed", "geofence_enter:2",
                "ignition_off"), names(events));
        assertEquals(130, events.get(3).speedKmh());
    }

    @Test
    void aPrivateTripGivesNothingAndTheNextPublicRecordOnlyWhatItShows() {
        EventDetector detector = new EventDetector();
        record(54.70, 0, 0, Treatment.EXACT); // parked in the depot
        record(54.70, 20, 1, Treatment.PRIVATE); // a private trip from the depot, through the customer's yard
        record(54.80, 130, 1, Treatment.PRIVATE);
        record(OPEN_ROAD, 0, 0, Treatment.PRIVATE);
        record(OPEN_ROAD, 20, 1, Treatment.EXACT); // the next public trip starts on the open road
        record(54.80, 0, 1, Treatment.EXACT);
        List<DeviceEvent> events = detector.detect(records, treatments(), FENCES, 110);
        // No exit from the depot (it would time the private trip), no ignition off or on from the private trip,
        // the public trip's ignition on as its first record shows it.
        assertEquals(List.of("geofence_enter:1", "ignition_on", "geofence_enter:2"), names(events));
    }

    @Test
    void aPrivateTripWhoseRecordsAreDroppedEndsWhatWasKnownToo() {
        EventDetector detector = new EventDetector();
        record(54.70, 0, 0, Treatment.EXACT); // parked in the depot
        record(54.70, 20, 1, Treatment.DROPPED); // a private trip under "privateRecords": "drop"
        record(OPEN_ROAD, 0, 0, Treatment.DROPPED);
        record(OPEN_ROAD, 20, 1, Treatment.EXACT);
        assertEquals(List.of("geofence_enter:1", "ignition_on"),
                names(detector.detect(records, treatments(), FENCES, 110)),
                "no exit from the depot, which would time the private trip");
    }

    @Test
    void theSavedStateHoldsNoTimeOfARecordThatIsNotStored() {
        EventDetector detector = new EventDetector();
        record(OPEN_ROAD, 20, 1, Treatment.EXACT);
        long stored = time;
        record(54.70, 20, 1, Treatment.ZONE); // home, hidden by a privacy zone
        long hidden = time;
        record(54.70, 0, 0, Treatment.DROPPED);
        long dropped = time;
        assertEquals(List.of("ignition_on"), names(detector.detect(records, treatments(), FENCES, 0)));
        detector.committed();
        byte[] saved = detector.savedState();
        assertTrue(contains(saved, stored), "the last stored record's time orders what comes next");
        assertFalse(contains(saved, hidden), "a database dump would time the way home");
        assertFalse(contains(saved, dropped), "a database dump would time a dropped private record");
        EventDetector elsewhere = new EventDetector();
        elsewhere.restore(saved);
        AvlBatch next = new AvlBatch();
        record(54.80, 20, 1, Treatment.EXACT);
        next.appendRecord(records, 3);
        assertEquals(List.of("geofence_enter:2", "ignition_on"),
                names(elsewhere.detect(next, new byte[] {0}, FENCES, 0)), "whereabouts still forgotten");
    }

    private static boolean contains(byte[] state, long millis) {
        byte[] needle = ByteBuffer.allocate(8).putLong(millis).array();
        for (int i = 0; i + needle.length <= state.length; i++) {
            if (Arrays.equals(state, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void sealedRecordsWaitAndOrderIsDeviceTime() {
        EventDetector detector = new EventDetector();
        record(54.70, 0, 0, Treatment.EXACT);
        record(OPEN_ROAD, 20, 1, Treatment.SEALED);
        byte[] first = treatments();
        assertEquals(List.of("geofence_enter:1"), names(detector.detect(records, first, FENCES, 0)));
        detector.committed();
        // The sealed record is decided later (the frame repeats nothing else), newest first in the frame.
        AvlBatch later = new AvlBatch();
        later.appendRecord(records, 1);
        record(54.80, 0, 0, Treatment.EXACT);
        AvlBatch frame = new AvlBatch();
        frame.appendRecord(records, 2);
        frame.appendRecord(later, 0);
        List<DeviceEvent> events = detector.detect(frame, new byte[] {0, 0}, FENCES, 0);
        assertEquals(List.of("geofence_exit:1", "ignition_on", "geofence_enter:2", "ignition_off"), names(events));
    }

    @Test
    void aCoarsenedRecordGivesNoSpeedAndARolledBackFrameIsJudgedAgain() {
        EventDetector detector = new EventDetector();
        record(54.70, 150, 1, Treatment.COARSENED);
        List<DeviceEvent> events = detector.detect(records, treatments(), FENCES, 110);
        assertEquals(List.of("geofence_enter:1", "ignition_on"), names(events));
        assertNull(events.get(0).speedKmh());
        detector.rolledBack();
        assertEquals(2, detector.detect(records, treatments(), FENCES, 110).size(), "judged again after a rollback");
        detector.committed();
        assertEquals(0, detector.detect(records, treatments(), FENCES, 110).size(), "a resend gives nothing");
    }

    @Test
    void theStateSurvivesARestore() {
        EventDetector detector = new EventDetector();
        record(54.70, 0, 1, Treatment.EXACT);
        detector.detect(records, treatments(), FENCES, 0);
        detector.committed();
        byte[] saved = detector.savedState();
        EventDetector elsewhere = new EventDetector();
        elsewhere.restore(saved);
        AvlBatch next = new AvlBatch();
        record(OPEN_ROAD, 40, 1, Treatment.EXACT);
        next.appendRecord(records, 1);
        assertEquals(List.of("geofence_exit:1"), names(elsewhere.detect(next, new byte[] {0}, FENCES, 0)));
    }
}
