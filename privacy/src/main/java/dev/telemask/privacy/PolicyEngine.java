package dev.telemask.privacy;

import dev.telemask.codec.AvlBatch;

/**
 * Masks one record in place once its verdict is known, and answers the record-local questions the verdict is made
 * of. {@link TripDecider} decides the verdicts over trips in device time; this class does what a verdict means:
 *
 * <ul>
 *   <li>A private record (a private trip, the place one ended, outside business hours, no location consent)
 *   keeps its time, priority and mileage (rounded down to the cell size under coarsening): no coordinates,
 *   altitude, heading, satellites or speed, no IO element that locates it (cell, area code, operator, Wi-Fi/BLE
 *   scans, any variable-length element), and no location-revealing event ID. With {@code "privateRecords": "drop"}
 *   it is not stored at all.</li>
 *   <li>A record in a privacy zone's hidden disc, or on its trail after leaving it ({@link HiddenDisc}), is
 *   masked the same way, loses its mileage too, and is not stored, private or not, without making its trip
 *   private. Every mileage element published after it leaves out the metres driven while hidden
 *   ({@link VisibleMileage}).</li>
 *   <li>A record without a fix follows the last fix, because devices repeat their last position: private when that
 *   fix was private (the end of a private trip in a garage, a business trip leaving it), hidden when a zone hid
 *   it.</li>
 *   <li>Otherwise the record is snapped to the policy's grid when coarsening is on (its locating IO removed as
 *   for a private one, speed, heading, altitude and satellites cleared, mileage rounded down to the cell size; a
 *   vehicle parked or leaving where it was published so before in that place's cell, {@link ParkingPlaces}),
 *   unless its cell reaches into a hidden disc, which hides it as a zone record; or kept exact.</li>
 *   <li>Every stored record loses the IO elements the policy filters and the ones whose consent is missing, and an
 *   event ID that names one of them.</li>
 * </ul>
 *
 * <p>Stateless and allocation-free per record: all state lives in the arguments.
 */
public final class PolicyEngine {
    /** 252 km/h: faster than any vehicle a tracker is in drives, slower than a GNSS jump. */
    static final double MAX_METRES_PER_MILLI = 0.07;

    private PolicyEngine() {}

    /**
     * Masks record {@code r} of {@code batch} given whether it is private, updating the device's zone memory, and
     * returns what it did. {@code consent} is already narrowed by the record's {@link ArrivalFlags}.
     */
    public static Treatment mask(CompiledPolicy policy, Consent consent, DeviceState state, AvlBatch batch, int r,
                                 boolean recordPrivate) {
        int lat = batch.latitude(r);
        int lon = batch.longitude(r);
        boolean fix = hasFix(batch, r);
        // Read before zoneHides moves the device's last fix on to this one.
        boolean jump = fix && policy.grid != null && isJump(state, lat, lon, batch.timestamp(r));
        // Parked (the trip ended) or leaving (a trip's first record, where the vehicle stood), at a fix that is no GNSS
        // jump: the place may be one the vehicle parked at before. A trip leaving where a private one ended has nothing
        // published that holds it in a cell: its first fix would take the cell its jitter puts it in, morning after
        // morning, in a share that measures how near the edge the place is.
        boolean parked = fix && !jump && state.tripAware
                && (!state.inTrip || state.tripStartMillis == batch.timestamp(r));
        boolean inZone;
        if (fix) {
            inZone = zoneHides(policy, state, lat, lon, batch.timestamp(r));
            state.lastFixPrivate = recordPrivate;
        } else {
            inZone = state.lastFixInZone || policy.inZone(lat, lon);
            // Without a fix a device repeats its last one: where a private record was.
            recordPrivate |= state.lastFixPrivate;
        }
        long cell = 0;
        if (!inZone && !recordPrivate && policy.grid != null) {
            long remembered = parked ? state.parkingPlaces.cellAt(policy.grid, state.gridCache, lat, lon)
                    : GeoGrid.NO_CELL;
            if (remembered != GeoGrid.NO_CELL) {
                // Parked where it was published before: in the same cell, whatever side it came from or its jitter
                // says, or the nights would measure how near the line where its cell changes it stands.
                cell = remembered;
            } else if (fix || state.lastCell == GeoGrid.NO_CELL) {
                cell = policy.grid.snap(lat, lon, state.gridCache, state.lastCell);
            } else {
                // Without a fix the device repeats its last position, or sends 0,0: it stays in the last cell (this
                // grid's cell of it after a change of grid). Taking the cell of 0,0 would let the next fix take the
                // cell its jitter puts it in, a coin whose share measures how near a cell edge the vehicle stands.
                cell = policy.grid.snap(GeoGrid.latitudeOf(state.lastCell), GeoGrid.longitudeOf(state.lastCell),
                        state.gridCache, state.lastCell);
            }
            // A published cell must not give the zone away: one reaching into a hidden disc is hidden with it.
            if (policy.cellTouchesZone(GeoGrid.latitudeOf(cell), GeoGrid.longitudeOf(cell))) {
                inZone = true;
                if (fix) {
                    state.lastFixInZone = true;
                }
            }
        }
        if (inZone) {
            state.mileage.hidden();
        } else {
            state.mileage.publish(batch, r);
        }
        Treatment treatment;
        if (recordPrivate || inZone) {
            batch.clearLocation(r);
            // A zone hides a private record too: kept as a time entry, the first one of a private trip from home
            // would have home's time and odometer, and where business resumes after it, the way from home.
            treatment = inZone ? Treatment.ZONE : policy.dropPrivate ? Treatment.DROPPED : Treatment.PRIVATE;
            if (treatment == Treatment.PRIVATE && policy.grid != null) {
                // Exact odometers on the private records before and after a coarsened trip (parked at home in the
                // evening, at the office after hours) are the way between them to the metre: with a map, a place
                // inside its cell.
                coarsenMileage(batch, r, policy.grid.sizeMetres());
            }
        } else if (policy.grid != null) {
            batch.setPosition(r, GeoGrid.longitudeOf(cell), GeoGrid.latitudeOf(cell));
            if (!jump) {
                // A GNSS jump's cell is published where it landed but holds nothing: were the vehicle held there,
                // the fix back would take the cell its jitter puts it in, a coin whose share measures how near a
                // cell edge the vehicle stands.
                state.lastCell = cell;
            }
            if (parked) {
                state.parkingPlaces.parked(policy.grid, lat, lon, cell, batch.timestamp(r));
            }
            // Speed, heading and altitude would dead-reckon the vehicle inside its cell; mileage only by the cell.
            batch.clearMotion(r);
            // The satellites in view tell open sky from a car park or a street of tall buildings, and a count of 0 the
            // moment the fix was lost (a ramp, an underpass): places inside the cell.
            batch.clearSatellites(r);
            coarsenMileage(batch, r, policy.grid.sizeMetres());
            treatment = Treatment.COARSENED;
        } else {
            treatment = Treatment.EXACT;
        }
        filterIo(policy, consent, batch, r, treatment != Treatment.EXACT);
        if (treatment == Treatment.ZONE) {
            removeMileage(batch, r);
        }
        return treatment;
    }

    /**
     * Whether a fix at {@code (lat, lon)} is hidden by a zone: inside a hidden disc, or still on the disc's trail
     * after leaving it (the path driven since leaving the disc, measured fix to fix, {@code time} the fix's device
     * time). Updates the device's zone memory.
     */
    private static boolean zoneHides(CompiledPolicy policy, DeviceState state, int lat, int lon, long time) {
        double trail = policy.trailAt(lat, lon);
        boolean hidden;
        if (trail >= 0) {
            state.zoneTrailMetres = trail;
            hidden = true;
        } else if (state.zoneTrailMetres > 0) {
            // The way driven inside a disc is no trail: with fixes far apart it would use the trail up. Nor is a
            // step longer than a vehicle drives in its time: a GNSS jump aside and back would use the trail up at
            // once and publish the fixes right past the disc's edge after it (both steps count nothing).
            double path = pathMetres(state.zoneTrailLatitude, state.zoneTrailLongitude, lat, lon);
            if (state.zoneTrailMillis == DeviceState.NEVER
                    || path <= (time - state.zoneTrailMillis) * MAX_METRES_PER_MILLI) {
                state.zoneTrailMetres -= path
                        * policy.fractionPastDiscs(state.zoneTrailLatitude, state.zoneTrailLongitude, lat, lon);
            }
            hidden = state.zoneTrailMetres > 0;
        } else {
            hidden = false;
        }
        if (!hidden) {
            state.zoneTrailMetres = 0;
        }
        state.zoneTrailLatitude = lat;
        state.zoneTrailLongitude = lon;
        state.zoneTrailMillis = time;
        state.lastFixInZone = hidden;
        return hidden;
    }

    /**
     * After a gap under zones: the fix at {@code (lat, lon)} starts a trail, as if it had just left a hidden disc, when
     * it lies within the longest trail of one (the trail is path driven, so no fix farther away can be on it). It
     * starts here even when a trail from before the gap is not used up: counted on from that trail's last fix, what is
     * left here would depend on which fix the gap followed, which a backlog's arrival order decides.
     */
    static void mayBeOnTrail(CompiledPolicy policy, DeviceState state, int lat, int lon, long time) {
        double longest = 0;
        for (HiddenDisc zone : policy.zones) {
            longest = Math.max(longest, zone.trailMetres());
        }
        if (policy.nearZone(lat, lon, longest)) {
            state.zoneTrailMetres = longest;
            state.zoneTrailLatitude = lat;
            state.zoneTrailLongitude = lon;
            state.zoneTrailMillis = time;
        }
    }

    /**
     * Whether the fix at {@code (lat, lon)}, device time {@code time}, lies farther from the device's last fix than a
     * vehicle drives in the time between them: a GNSS jump (or the fix coming back after one).
     */
    private static boolean isJump(DeviceState state, int lat, int lon, long time) {
        return state.zoneTrailMillis != DeviceState.NEVER
                && pathMetres(state.zoneTrailLatitude, state.zoneTrailLongitude, lat, lon)
                        > (time - state.zoneTrailMillis) * MAX_METRES_PER_MILLI;
    }

    /**
     * Distance between two fixes, flat-Earth in arithmetic whose results are the same bits on every JVM (see
     * {@link #cosLatitude}) so that every instance decides the same trail end; good to a metre over the few hundred
     * metres between fixes.
     */
    static double pathMetres(int latitudeE7a, int longitudeE7a, int latitudeE7b, int longitudeE7b) {
        double metresPerE7 = GeoGrid.METRES_PER_DEGREE / 1e7;
        double dy = ((long) latitudeE7b - latitudeE7a) * metresPerE7;
        long dLon = (long) longitudeE7b - longitudeE7a;
        if (dLon > 1_800_000_000L) {
            dLon -= 3_600_000_000L;
        } else if (dLon < -1_800_000_000L) {
            dLon += 3_600_000_000L;
        }
        double cos = cosLatitude(StrictMath.toRadians((latitudeE7a + (double) latitudeE7b) / 2e7));
        double dx = dLon * metresPerE7 * cos;
        return StrictMath.sqrt(dx * dx + dy * dy);
    }

    /**
     * 1 / (2k)! for k = 10 down to 1 (exact factorials, each below 2^53 times a power of two, divided once):
     * cos x = 1 - x^2 (1/2! - x^2 (1/4! - x^2 (... - x^2 / 20!))).
     */
    private static final double[] COS_TERMS = {1.0 / 2432902008176640000.0, 1.0 / 6402373705728000.0,
            1.0 / 20922789888000.0, 1.0 / 87178291200.0, 1.0 / 479001600.0, 1.0 / 3628800.0, 1.0 / 40320.0,
            1.0 / 720.0, 1.0 / 24.0, 1.0 / 2.0};

    /**
     * cos(x) for a latitude x in radians (|x| at most pi/2), from its Taylor series to x^20 by Horner's rule: within
     * 1e-15 of the true value there, and, being additions and multiplications only, the same bits on every JVM, as
     * {@link StrictMath#cos} is; but without the scratch array that one allocates on every call, here once per
     * record on a zone's trail.
     */
    static double cosLatitude(double x) {
        double x2 = x * x;
        double sum = 0;
        for (int k = 0; k < COS_TERMS.length; k++) {
            sum = COS_TERMS[k] - sum * x2;
        }
        return 1 - sum * x2;
    }

    /** Rounds distance elements down to whole grid cells: metres driven between cells would place the vehicle. */
    private static void coarsenMileage(AvlBatch batch, int r, int cellMetres) {
        for (int e = batch.ioStart(r), end = e + batch.ioCount(r); e < end; e++) {
            int id = batch.ioId(e);
            if (TeltonikaIo.DISTANCE.contains(id) && !batch.isIoRemoved(e)
                    && batch.ioWidth(e) != AvlBatch.WIDTH_VARIABLE) {
                long value = batch.ioValue(e);
                batch.setIoValue(e, value - Math.floorMod(value, (long) cellMetres));
            }
        }
    }

    /**
     * Removes record {@code r}'s distance elements (odometers, CAN and tachograph distances): for a record that
     * cannot be placed among the device's published mileage, which leaves out what privacy zones hid.
     */
    public static void removeDistance(AvlBatch batch, int r) {
        removeIo(batch, r, TeltonikaIo.DISTANCE);
    }

    /** A zone record loses its mileage: the metres driven from home to the first visible point measure the way. */
    private static void removeMileage(AvlBatch batch, int r) {
        removeIo(batch, r, TeltonikaIo.MILEAGE);
    }

    private static void removeIo(AvlBatch batch, int r, IoIdSet ids) {
        for (int e = batch.ioStart(r), end = e + batch.ioCount(r); e < end; e++) {
            if (ids.contains(batch.ioId(e))) {
                batch.removeIo(e);
            }
        }
    }

    /**
     * Masks a record that arrived behind the device's decided records: private, fail closed, and judged without
     * touching the device's state (its zone trail runs in device-time order). Under a policy with privacy zones it is
     * not stored at all, since its time and mileage could measure the way home, which the engine cannot rule out
     * without its place in the track. Under coarsening its mileage is rounded down to whole cells like its
     * neighbours'.
     */
    public static Treatment maskLate(CompiledPolicy policy, Consent consent, DeviceState state, AvlBatch batch,
                                     int r) {
        batch.clearLocation(r);
        filterIo(policy, consent, batch, r, true);
        if (policy.zones.length > 0) {
            removeMileage(batch, r);
            return Treatment.ZONE;
        }
        if (state.mileage.shifted()) {
            // Zones hid some of the device's driving before: its raw mileage beside the published one would tell
            // how much.
            removeDistance(batch, r);
        }
        if (policy.grid != null) {
            // Between coarsened records of its trip an exact odometer would place it inside their cells.
            coarsenMileage(batch, r, policy.grid.sizeMetres());
        }
        return policy.dropPrivate ? Treatment.DROPPED : Treatment.PRIVATE;
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
        // The event ID alone says "entered geofence zone 3", "changed cell", "iButton attached" or "harsh braking":
        // as revealing as the element, so it goes with it.
        if (removals.contains(batch.eventIo(r))) {
            batch.withholdEventIo(r);
        }
    }
}
