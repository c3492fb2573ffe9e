package dev.telemask.privacy;

import java.time.zone.ZoneRules;

/**
 * A {@link Policy} turned into lookup structures for the engine: schedule as a minute-of-week bitset, zones as
 * hidden discs, IO filter as a bitset. Immutable and thread-safe; compile once per policy version and share.
 */
public final class CompiledPolicy {
    private final Policy policy;
    final int privateModeIoId;
    final long privateModeValue;
    /** {@code null} when the policy has no business schedule. */
    final ZoneRules scheduleZone;
    final MinuteOfWeekSet businessMinutes;
    /** {@code null} when coarsening is off. */
    final GeoGrid grid;
    final HiddenDisc[] zones;
    /** {@code null} when every IO element is kept. */
    final IoIdSet keptIo;
    final boolean dropPrivate;
    final long graceMillis;
    final long maxRecordGapMillis;
    final long maxParkedGapMillis;
    final long anchorDelayMillis;
    /**
     * What {@code filterIo} removes, one set per (hides location, driver identity consent, telemetry consent),
     * made on first use: one bitset lookup per element instead of four. Racing threads may each make one; they
     * are equal and immutable.
     */
    private final IoIdSet[] removals = new IoIdSet[8];
    /**
     * How near a hidden disc, in cell sizes, a published cell's centre may not be: a cell touches the disc within
     * its half diagonal (0.71); one more cell keeps the first cell-to-cell direction of a trip away from home.
     */
    private static final double CELL_REACH = 1.75;
    /** Marks the slots whose set is empty: the filter then has nothing to look up. */
    private static final IoIdSet NOTHING = IoIdSet.of();

    private CompiledPolicy(Policy policy, byte[] zoneKey) {
        this.policy = policy;
        this.privateModeIoId = policy.privateModeIoId();
        this.privateModeValue = policy.privateModeValue();
        BusinessSchedule schedule = policy.schedule();
        this.scheduleZone = schedule == null ? null : schedule.timeZone().getRules();
        this.businessMinutes = schedule == null ? null : MinuteOfWeekSet.of(schedule);
        this.grid = policy.coarseningMetres() > 0 ? new GeoGrid(policy.coarseningMetres()) : null;
        this.zones = ZoneCover.discs(policy.zones(), zoneKey);
        this.keptIo = policy.keptIo().all() ? null : IoIdSet.of(policy.keptIo().ids());
        this.dropPrivate = policy.privateRecords() == PrivateRecordHandling.DROP;
        TripTiming timing = policy.timing();
        this.graceMillis = timing.graceWindow().toMillis();
        this.maxRecordGapMillis = timing.maxRecordGap().toMillis();
        this.maxParkedGapMillis = Math.max(maxRecordGapMillis, timing.maxParkedGap().toMillis());
        this.anchorDelayMillis = timing.anchorDelay().toMillis();
    }

    /**
     * Compiles {@code policy}. {@code zoneKey} is the deployment's secret from which privacy zones derive their
     * hidden discs; keep it stable (changing it moves every hidden disc, and two discs of one zone together narrow
     * the zone down) and out of anything a tenant can read.
     */
    public static CompiledPolicy compile(Policy policy, byte[] zoneKey) {
        return new CompiledPolicy(policy, zoneKey.clone());
    }

    public Policy policy() {
        return policy;
    }

    /** Whether the policy (with the driver's own zones) has privacy zones. */
    public boolean hasZones() {
        return zones.length > 0;
    }

    /** How many hidden discs the policy (with the driver's own zones) draws: fewer than zones when some cover others. */
    public int hiddenDiscCount() {
        return zones.length;
    }

    /**
     * The hidden disc {@code index} of {@link #hiddenDiscCount}, in the order of the policy's zones: one per zone
     * that no other covers ({@link ZoneCover}).
     */
    public HiddenDisc hiddenDisc(int index) {
        return zones[index];
    }

    /**
     * The IO IDs to remove from a record, given whether its location is hidden and the device's consent;
     * {@link #removesNothing} tells when the set is empty.
     */
    IoIdSet removals(boolean hidesLocation, Consent consent) {
        int index = (hidesLocation ? 4 : 0) | (consent.driverIdentity() ? 2 : 0) | (consent.telemetry() ? 1 : 0);
        IoIdSet set = removals[index];
        if (set == null) {
            IoIdSet hidden = hidesLocation ? TeltonikaIo.LOCATION_REVEALING : null;
            if (zones.length > 0) {
                // Around a hidden stretch these would measure the way home, on every record of the device.
                hidden = hidden == null ? TeltonikaIo.MEASURES_THE_WAY
                        : IoIdSet.union(hidden, TeltonikaIo.MEASURES_THE_WAY);
            }
            set = IoIdSet.removals(hidden, consent.driverIdentity() ? null : TeltonikaIo.DRIVER_IDENTITY,
                    consent.telemetry() ? null : TeltonikaIo.WITHOUT_TELEMETRY, keptIo);
            if (set.isEmpty()) {
                set = NOTHING;
            }
            removals[index] = set;
        }
        return set;
    }

    /**
     * Whether a record stored exact keeps IO element {@code id} under {@code consent} and the policy's own selection:
     * what an answer to a command may state of the element (a {@code readio} of it) without a record's masking.
     */
    public boolean exactRecordKeeps(int id, Consent consent) {
        return !removals(false, consent).contains(id);
    }

    static boolean removesNothing(IoIdSet removals) {
        return removals == NOTHING;
    }

    boolean inZone(int latitudeE7, int longitudeE7) {
        return trailAt(latitudeE7, longitudeE7) >= 0;
    }

    /**
     * The longest trail of the hidden discs holding the point, or -1 when none does: a vehicle leaving two
     * overlapping zones stays hidden for the longer trail.
     */
    double trailAt(int latitudeE7, int longitudeE7) {
        double trail = -1;
        for (HiddenDisc zone : zones) {
            if (zone.contains(latitudeE7, longitudeE7)) {
                trail = Math.max(trail, zone.trailMetres());
            }
        }
        return trail;
    }

    /**
     * The part of the straight way from fix A to fix B that lies beyond the last hidden disc it leaves, as a fraction
     * of the whole: 1 when it crosses none. Only that part counts towards a trail, so a device that reports rarely
     * does not use up its trail inside the disc.
     */
    double fractionPastDiscs(int latitudeE7a, int longitudeE7a, int latitudeE7b, int longitudeE7b) {
        double exit = 0;
        for (HiddenDisc zone : zones) {
            exit = Math.max(exit, zone.exitAlong(latitudeE7a, longitudeE7a, latitudeE7b, longitudeE7b));
        }
        return 1 - exit;
    }

    /**
     * Whether a grid cell centred on the point could give a zone away: its centre lies within {@link #CELL_REACH}
     * cells of a hidden disc.
     */
    boolean cellTouchesZone(int latitudeE7, int longitudeE7) {
        return nearZone(latitudeE7, longitudeE7, grid.sizeMetres() * CELL_REACH);
    }

    /** Whether the point lies in a hidden disc or within {@code metres} of one. */
    boolean nearZone(int latitudeE7, int longitudeE7, double metres) {
        for (HiddenDisc zone : zones) {
            if (zone.reaches(latitudeE7, longitudeE7, metres)) {
                return true;
            }
        }
        return false;
    }
}
