package dev.telemask.storage.query;

import java.time.Instant;

/**
 * One stored event as the API serves it; only what the record it came from kept (nulls where it had nothing).
 *
 * @param geofenceId 0 for events of no geofence
 */
public record StoredEvent(long id, long imei, Instant deviceTime, String kind, long geofenceId, Integer latitudeE7,
                          Integer longitudeE7, Integer speedKmh, int treatment, Instant receivedAt) {
}
