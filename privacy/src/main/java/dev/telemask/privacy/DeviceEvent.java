package dev.telemask.privacy;

/**
 * One event computed from one decided record: never more than that record as stored (its coordinates as stored,
 * coarsened ones included; a speed only when the record kept its speed).
 *
 * @param geofenceId    the geofence entered or left, 0 for other kinds
 * @param latitudeE7    the record's stored latitude in 1e-7 degrees, null when the event carries no position
 * @param speedKmh      the record's speed, only on overspeed events from exact records, else null
 * @param treatment     the record's {@link Treatment}
 */
public record DeviceEvent(EventKind kind, long deviceTimeMillis, int eventIo, long geofenceId, Integer latitudeE7,
                          Integer longitudeE7, Integer speedKmh, Treatment treatment) {
}
