package dev.telemask.privacy;

import dev.telemask.codec.AvlBatch;

/**
 * Applies a compiled policy to a decoded batch in place, record by record in device-time order, updating the
 * device's {@link DeviceState} and writing what it did to each record into {@link Treatments}.
 *
 * <p>A record is private when the device reports private mode, the manual toggle is on, location consent is
 * missing, or (outside a trip, and at a trip's first record) it falls outside business hours. A trip that starts
 * private stays private until ignition or movement goes off; one that turns private mid-way (private mode,
 * toggle, consent withdrawn) is private from that record on, but crossing the end of business hours never turns
 * a business trip private. Records in a privacy zone's hidden disc are masked like private ones without making
 * the trip private. Records without a GPS fix follow the trip, and the zone state of the last fix.
 *
 * <p>Stateless and allocation-free per record: all state lives in the arguments.
 */
public final class PolicyEngine {
    private PolicyEngine() {}

    /**
     * Masks {@code batch} in place under {@code policy} for a device with {@code consent} (policy defaults and the
     * device's overrides already resolved) and {@code state}; {@code out} then holds one treatment per record.
     */
    public static void apply(CompiledPolicy policy, Consent consent, DeviceState state, AvlBatch batch, Treatments out) {
        int n = batch.size();
        out.reset(n);
        if (inTimeOrder(batch)) {
            for (int r = 0; r < n; r++) {
                applyRecord(policy, consent, state, batch, r, out);
            }
        } else if (inReverseTimeOrder(batch)) {
            // Devices configured to send newest first.
            for (int r = n - 1; r >= 0; r--) {
                applyRecord(policy, consent, state, batch, r, out);
            }
        } else {
            int[] order = sortByTime(batch, out.order);
            for (int i = 0; i < n; i++) {
                applyRecord(policy, consent, state, batch, order[i], out);
            }
        }
    }

    private static void applyRecord(CompiledPolicy policy, Consent consent, DeviceState state, AvlBatch batch,
                                    int r, Treatments out) {
        long time = batch.timestamp(r);
        readTripInputs(policy, state, batch, r);

        boolean privateNow = !consent.location() || state.privateMode || time < state.manualPrivateUntilMillis;
        boolean recordPrivate;
        boolean driving = state.driving();
        if (state.inTrip) {
            // Mid-trip only explicit triggers turn a trip private: the schedule boundary never does.
            state.tripPrivate |= privateNow;
            recordPrivate = state.tripPrivate;
            if (!driving) {
                // This record is the trip's end point and keeps the trip's privacy; the next one starts afresh.
                state.inTrip = false;
                state.tripPrivate = false;
                state.tripStartMillis = DeviceState.NEVER;
            }
        } else {
            recordPrivate = privateNow || outsideBusinessHours(policy, state, time);
            if (driving) {
                state.inTrip = true;
                state.tripPrivate = recordPrivate;
                state.tripStartMillis = time;
            }
        }

        int lat = batch.latitude(r);
        int lon = batch.longitude(r);
        boolean inZone;
        if (hasFix(batch, r)) {
            inZone = policy.inZone(lat, lon);
            state.lastFixInZone = inZone;
        } else {
            // Without a fix a device repeats its last known position, which may be the zone itself.
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
        out.set(r, treatment);
    }

    /** One pass over the record's elements for ignition, movement and private mode, before any are stripped. */
    private static void readTripInputs(CompiledPolicy policy, DeviceState state, AvlBatch batch, int r) {
        int privateModeId = policy.privateModeIoId;
        for (int e = batch.ioStart(r), end = e + batch.ioCount(r); e < end; e++) {
            if (batch.isIoRemoved(e)) {
                continue;
            }
            int id = batch.ioId(e);
            if (id == TeltonikaIo.IGNITION) {
                state.ignition = (byte) (batch.ioValue(e) != 0 ? 1 : 0);
            } else if (id == TeltonikaIo.MOVEMENT) {
                state.movement = (byte) (batch.ioValue(e) != 0 ? 1 : 0);
            }
            if (id == privateModeId) {
                state.privateMode = batch.ioValue(e) == policy.privateModeValue;
            }
        }
    }

    private static boolean outsideBusinessHours(CompiledPolicy policy, DeviceState state, long time) {
        return policy.businessMinutes != null
                && !policy.businessMinutes.contains(state.clock.minuteOfWeek(policy.scheduleZone, time));
    }

    /** Teltonika sends satellites 0 (and often the last known position) when it has no fix. */
    static boolean hasFix(AvlBatch batch, int r) {
        return batch.satellites(r) > 0 && (batch.latitude(r) != 0 || batch.longitude(r) != 0);
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

    private static boolean inTimeOrder(AvlBatch batch) {
        for (int r = 1, n = batch.size(); r < n; r++) {
            if (batch.timestamp(r) < batch.timestamp(r - 1)) {
                return false;
            }
        }
        return true;
    }

    private static boolean inReverseTimeOrder(AvlBatch batch) {
        for (int r = 1, n = batch.size(); r < n; r++) {
            if (batch.timestamp(r) > batch.timestamp(r - 1)) {
                return false;
            }
        }
        return true;
    }

    /** Record indices by device time; an insertion sort suffices for at most 255 nearly sorted records. */
    private static int[] sortByTime(AvlBatch batch, int[] order) {
        int n = batch.size();
        for (int i = 0; i < n; i++) {
            int r = i;
            long t = batch.timestamp(r);
            int j = i - 1;
            while (j >= 0 && batch.timestamp(order[j]) > t) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = r;
        }
        return order;
    }
}
