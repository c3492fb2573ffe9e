package dev.telemask.privacy;

import dev.telemask.codec.AvlBatch;

/**
 * Masks one record in place once its verdict is known, and answers the record-local questions the verdict is made
 * of. {@link TripDecider} decides the verdicts over trips in device time; this class does what a verdict means:
 *
 * <ul>
 *   <li>A private record (a private trip, the place one ended, outside business hours, no location consent)
 *   keeps its time, priority and mileage: no coordinates, altitude, heading, satellites or speed, no IO element
 *   that locates it (cell, area code, operator, Wi-Fi/BLE scans, any variable-length element), and no
 *   location-revealing event ID. With {@code "privateRecords": "drop"} it is not stored at all.</li>
 *   <li>A record in a privacy zone's hidden region is masked the same way without making its trip private; a
 *   record without a fix follows the zone state of the last fix, because devices repeat their last position.</li>
 *   <li>Otherwise the record is snapped to the policy's grid when coarsening is on (its locating IO removed as
 *   for a private one), or kept exact.</li>
 *   <li>Every stored record loses the IO elements the policy filters and the ones whose consent is missing.</li>
 * </ul>
 *
 * <p>Stateless and allocation-free per record: all state lives in the arguments.
 */
public final class PolicyEngine {
    private PolicyEngine() {}

    /**
     * Masks record {@code r} of {@code batch} given whether it is private, updating the device's zone memory, and
     * returns what it did. {@code consent} is already narrowed by the record's {@link ArrivalFlags}.
     */
    public static Treatment mask(CompiledPolicy policy, Consent consent, DeviceState state, AvlBatch batch, int r,
                                 boolean recordPrivate) {
        int lat = batch.latitude(r);
        int lon = batch.longitude(r);
        boolean inZone;
        if (hasFix(batch, r)) {
            inZone = policy.inZone(lat, lon);
            state.lastFixInZone = inZone;
        } else {
            inZone = state.lastFixInZone || policy.inZone(lat, lon);
        }
        Treatment treatment;
        if (recordPrivate || inZone) {
            batch.clearLocation(r);
            treatment = recordPrivate ? Treatment.PRIVATE : Treatment.ZONE;
            if (policy.dropPrivate) {
                treatment = Treatment.DROPPED;
            }
        } else if (policy.grid != null) {
            long cell = policy.grid.snap(lat, lon, state.gridCache);
            batch.setPosition(r, GeoGrid.longitudeOf(cell), GeoGrid.latitudeOf(cell));
            treatment = Treatment.COARSENED;
        } else {
            treatment = Treatment.EXACT;
        }
        filterIo(policy, consent, batch, r, treatment != Treatment.EXACT);
        return treatment;
    }

    /** Whether {@code time} (device time) falls outside the policy's business hours. */
    static boolean outsideBusinessHours(CompiledPolicy policy, DeviceState state, long time) {
        return policy.businessMinutes != null
                && !policy.businessMinutes.contains(state.clock.minuteOfWeek(policy.scheduleZone, time));
    }

    /** Teltonika sends satellites 0 (and often the last known position) when it has no fix. */
    static boolean hasFix(AvlBatch batch, int r) {
        return batch.satellites(r) > 0 && (batch.latitude(r) != 0 || batch.longitude(r) != 0);
    }

    /** Whether record {@code r} reports ignition or movement, the elements trips are read from. */
    public static boolean hasTripIo(AvlBatch batch, int r) {
        for (int e = batch.ioStart(r), end = e + batch.ioCount(r); e < end; e++) {
            int id = batch.ioId(e);
            if (!batch.isIoRemoved(e) && (id == TeltonikaIo.IGNITION || id == TeltonikaIo.MOVEMENT)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Removes the IO elements {@code r} may not keep. {@code hidesLocation} is set for masked and coarsened records:
     * a cell ID or a Wi-Fi scan would locate them more precisely than what is left of their position.
     */
    private static void filterIo(CompiledPolicy policy, Consent consent, AvlBatch batch, int r, boolean hidesLocation) {
        IoIdSet removals = policy.removals(hidesLocation, consent);
        if (!hidesLocation && CompiledPolicy.removesNothing(removals)) {
            return;
        }
        for (int e = batch.ioStart(r), end = e + batch.ioCount(r); e < end; e++) {
            if (removals.contains(batch.ioId(e))
                    || (hidesLocation && batch.ioWidth(e) == AvlBatch.WIDTH_VARIABLE)) {
                batch.removeIo(e);
            }
        }
        // The event ID alone says "entered geofence zone 3" or "changed cell": as revealing as the element.
        if (hidesLocation && TeltonikaIo.LOCATION_REVEALING.contains(batch.eventIo(r))) {
            batch.setEventIo(r, 0);
        }
    }
}
