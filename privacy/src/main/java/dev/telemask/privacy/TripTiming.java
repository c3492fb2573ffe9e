package dev.telemask.privacy;

import java.time.Duration;
import java.util.Objects;

/**
 * How the engine reads a device's records as trips in device time: the trip-start grace window, and the largest
 * gaps between consecutive records that it still takes as "nothing missing in between".
 *
 * @param graceWindow  the first part of every trip that is held sealed: a private trigger inside it makes the whole
 *                     trip private, its start included. Zero publishes a trip's start at once.
 * @param maxRecordGap the largest gap between two records, the earlier one driving, across which no record can be
 *                     missing; a larger gap holds what follows sealed until the gap is filled
 * @param maxParkedGap the same after a parked record, for a next record at the same place (a vehicle that did not
 *                     move); at least {@code maxRecordGap}
 * @param anchorDelay  how long (gateway time) the earliest waiting record must have waited before the engine
 *                     stops hoping for the records before it: then a device's first records are decided from the
 *                     earliest one received, and after a gap the records are private until the next trip starts
 */
public record TripTiming(Duration graceWindow, Duration maxRecordGap, Duration maxParkedGap, Duration anchorDelay) {
    /** The defaults: a two-minute grace window, one minute between records driving, two hours parked, 5 s anchor. */
    public static final TripTiming DEFAULT = new TripTiming(Duration.ofMinutes(2), Duration.ofMinutes(1),
            Duration.ofHours(2), Duration.ofSeconds(5));

    public TripTiming {
        Objects.requireNonNull(graceWindow, "graceWindow");
        Objects.requireNonNull(maxRecordGap, "maxRecordGap");
        Objects.requireNonNull(maxParkedGap, "maxParkedGap");
        Objects.requireNonNull(anchorDelay, "anchorDelay");
    }
}
