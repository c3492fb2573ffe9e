package dev.telemask.storage.query;

import dev.telemask.privacy.Treatment;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TripSegmenterTest {
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private final List<Trip> trips = new ArrayList<>();
    private final TripSegmenter segmenter = new TripSegmenter(trips::add);
    private int second;

    @Test
    void aBusinessTripRunsFromIgnitionOnToOffWithItsPointsAndOdometerDistance() throws Exception {
        feed(0, 0, 1_000, 52_0000000, Treatment.EXACT);     // parked
        feed(1, 1, 1_000, 52_0010000, Treatment.EXACT);     // starts
        feed(1, 1, 2_500, 52_0100000, Treatment.COARSENED);
        feed(0, 0, 3_200, 52_0200000, Treatment.EXACT);     // stops: the trip's last record
        feed(0, 0, 3_200, 52_0200000, Treatment.EXACT);
        segmenter.finish();

        assertEquals(1, trips.size());
        Trip trip = trips.get(0);
        assertFalse(trip.privateTrip());
        assertEquals(T0.plusSeconds(1), trip.startTime());
        assertEquals(T0.plusSeconds(3), trip.endTime());
        assertEquals(2_200, trip.distanceMetres());
        assertEquals(Trip.DistanceSource.ODOMETER, trip.distanceSource());
        assertEquals(52_0010000, trip.start().latitudeE7());
        assertEquals(52_0200000, trip.end().latitudeE7());
        assertEquals(3, trip.records());
        assertTrue(trip.complete());
    }

    @Test
    void aDeviceWhoseIgnitionIsNeverOnDrivesByMovementAsTheEngineReadsIt() throws Exception {
        feed(0, 0, 1_000, 52_0000000, Treatment.EXACT);     // ignition input not wired: always 0
        feed(0, 1, 1_000, 52_0010000, Treatment.EXACT);     // moves: a trip starts
        feed(0, 1, 2_500, 52_0100000, Treatment.EXACT);
        feed(0, 0, 3_200, 52_0200000, Treatment.EXACT);     // stops
        segmenter.finish();

        assertEquals(1, trips.size());
        assertEquals(T0.plusSeconds(1), trips.get(0).startTime());
        assertEquals(T0.plusSeconds(3), trips.get(0).endTime());
    }

    @Test
    void aTripWithAnyPrivateRecordIsPrivateAndHasNoPoints() throws Exception {
        feed(1, 1, 10_000, 52_0000000, Treatment.EXACT);
        feedMasked(1, 1, 11_000, Treatment.PRIVATE);
        feed(0, 0, 12_000, 52_0300000, Treatment.EXACT);
        segmenter.finish();

        Trip trip = trips.get(0);
        assertTrue(trip.privateTrip());
        assertNull(trip.start());
        assertNull(trip.end());
        assertEquals(2_000, trip.distanceMetres());
    }

    @Test
    void withoutAnOdometerTheDistanceIsTheSumOfVisiblePoints() throws Exception {
        feed(1, 1, null, 52_0000000, Treatment.EXACT);
        feedMasked(1, 1, null, Treatment.ZONE);
        feed(1, 1, null, 52_0100000, Treatment.EXACT);       // 0.01 degree of latitude ~ 1,112 m
        feed(0, 0, null, 52_0100000, Treatment.EXACT);
        segmenter.finish();

        Trip trip = trips.get(0);
        assertFalse(trip.privateTrip(), "a zone record hides a point, it does not make the trip private");
        assertEquals(Trip.DistanceSource.POSITIONS, trip.distanceSource());
        assertEquals(1_112, trip.distanceMetres(), 2);
    }

    @Test
    void aTripStillRunningAtTheEndOfTheRangeIsIncomplete() throws Exception {
        feed(1, 1, 100, 52_0000000, Treatment.EXACT);
        feed(1, 1, 200, 52_0000000, Treatment.EXACT);
        segmenter.finish();

        assertEquals(1, trips.size());
        assertFalse(trips.get(0).complete());
    }

    @Test
    void recordsWithoutTripIoKeepThePreviousState() throws Exception {
        feed(1, 1, 100, 52_0000000, Treatment.EXACT);
        feed(null, null, 150, 52_0000000, Treatment.EXACT);
        feed(0, null, 200, 52_0000000, Treatment.EXACT);
        segmenter.finish();

        assertEquals(1, trips.size());
        assertEquals(3, trips.get(0).records());
    }

    private void feed(Integer ignition, Integer movement, Integer odometer, int latE7, Treatment treatment)
            throws Exception {
        segmenter.accept(position(ignition, movement, odometer, new GeoPoint(latE7, 13_4000000), treatment));
    }

    private void feedMasked(Integer ignition, Integer movement, Integer odometer, Treatment treatment)
            throws Exception {
        segmenter.accept(position(ignition, movement, odometer, null, treatment));
    }

    private StoredPosition position(Integer ignition, Integer movement, Integer odometer, GeoPoint point,
                                    Treatment treatment) {
        List<Long> io = new ArrayList<>();
        if (ignition != null) {
            io.addAll(List.of(239L, 1L, (long) ignition));
        }
        if (movement != null) {
            io.addAll(List.of(240L, 1L, (long) movement));
        }
        if (odometer != null) {
            io.addAll(List.of(16L, 4L, (long) odometer));
        }
        byte[] bytes = io.isEmpty() ? null : TrackRows.io(io.stream().mapToLong(Long::longValue).toArray());
        Instant t = T0.plusSeconds(second++);
        return new StoredPosition(1L, t, t, 0, point, null, null, null, null, 0, bytes, treatment, 0);
    }
}
