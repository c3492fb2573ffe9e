package dev.telemask.storage.query;

import java.time.Instant;

/**
 * A trip computed from stored positions. A private trip has no points: {@code start} and {@code end} points are
 * null, whatever was stored. {@code complete} is false when the window ended before the trip did.
 *
 * @param distanceMetres from the odometer when the device reports one, else the great-circle sum of the visible
 *                       points
 */
public record Trip(Instant startTime, Instant endTime, boolean privateTrip, long distanceMetres,
                   DistanceSource distanceSource, GeoPoint start, GeoPoint end, long records, boolean complete) {

    /** Where a trip's distance comes from. */
    public enum DistanceSource { ODOMETER, POSITIONS }
}
