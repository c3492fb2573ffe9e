package dev.telemask.storage.query;

import java.time.Instant;

/**
 * Where a row stands in a track: its {@code positions} key within one device. Tracks are read in the order of the
 * unique index scanned backwards: device time ascending, within one instant record key descending.
 */
public record PositionKey(Instant deviceTime, int recordKey) {
}
