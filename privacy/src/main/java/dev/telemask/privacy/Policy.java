package dev.telemask.privacy;

import java.util.List;

/**
 * A tenant's privacy policy, validated and immutable: consent defaults, private-trip triggers, coarsening,
 * privacy zones and IO filtering. {@link PolicyJson} reads and writes it; {@link CompiledPolicy} is what the
 * engine runs.
 *
 * @param schedule          business hours outside which driving is private, or {@code null} for none
 * @param coarseningMetres  grid cell size for non-private records, 0 when coarsening is off
 * @param timing            how records are read as trips: grace window and the gaps taken as continuous
 * @param driverZoneMinRadiusMetres the smallest radius a driver's own zone has in the engine (a smaller one is
 *                          enlarged to it), and the smallest the API accepts from a driver
 * @param overspeedKmh      the speed above which an exact record raises an overspeed event, 0 when off
 */
public record Policy(
        int version,
        Consent consent,
        int privateModeIoId,
        long privateModeValue,
        BusinessSchedule schedule,
        PrivateRecordHandling privateRecords,
        int coarseningMetres,
        List<PrivacyZone> zones,
        IoSelection keptIo,
        TripTiming timing,
        int driverZoneMinRadiusMetres,
        int overspeedKmh) {

    /** Teltonika's private-mode element (AVL ID 391, "Private Business Status": 1 means private). */
    public static final int DEFAULT_PRIVATE_MODE_IO = 391;
    public static final long DEFAULT_PRIVATE_MODE_VALUE = 1;

    public Policy {
        zones = List.copyOf(zones);
        timing = timing == null ? TripTiming.DEFAULT : timing;
        driverZoneMinRadiusMetres = Math.max(driverZoneMinRadiusMetres, PrivacyZone.MIN_RADIUS_METRES);
    }

    /** A policy without overspeed events. */
    public Policy(int version, Consent consent, int privateModeIoId, long privateModeValue, BusinessSchedule schedule,
                  PrivateRecordHandling privateRecords, int coarseningMetres, List<PrivacyZone> zones,
                  IoSelection keptIo, TripTiming timing, int driverZoneMinRadiusMetres) {
        this(version, consent, privateModeIoId, privateModeValue, schedule, privateRecords, coarseningMetres, zones,
                keptIo, timing, driverZoneMinRadiusMetres, 0);
    }

    /** The same policy with overspeed events above {@code kmh} (0: none). */
    public Policy withOverspeedKmh(int kmh) {
        return new Policy(version, consent, privateModeIoId, privateModeValue, schedule, privateRecords,
                coarseningMetres, zones, keptIo, timing, driverZoneMinRadiusMetres, kmh);
    }

    /** The same policy with the smallest driver zone radius the engine allows. */
    public Policy(int version, Consent consent, int privateModeIoId, long privateModeValue, BusinessSchedule schedule,
                  PrivateRecordHandling privateRecords, int coarseningMetres, List<PrivacyZone> zones,
                  IoSelection keptIo, TripTiming timing) {
        this(version, consent, privateModeIoId, privateModeValue, schedule, privateRecords, coarseningMetres, zones,
                keptIo, timing, PrivacyZone.MIN_RADIUS_METRES);
    }

    public Policy withDriverZoneMinRadiusMetres(int value) {
        return new Policy(version, consent, privateModeIoId, privateModeValue, schedule, privateRecords,
                coarseningMetres, zones, keptIo, timing, value, overspeedKmh);
    }

    /** The same policy without trip timing given: {@link TripTiming#DEFAULT}. */
    public Policy(int version, Consent consent, int privateModeIoId, long privateModeValue, BusinessSchedule schedule,
                  PrivateRecordHandling privateRecords, int coarseningMetres, List<PrivacyZone> zones,
                  IoSelection keptIo) {
        this(version, consent, privateModeIoId, privateModeValue, schedule, privateRecords, coarseningMetres, zones,
                keptIo, TripTiming.DEFAULT);
    }

    public Policy withTiming(TripTiming value) {
        return new Policy(version, consent, privateModeIoId, privateModeValue, schedule, privateRecords,
                coarseningMetres, zones, keptIo, value, driverZoneMinRadiusMetres, overspeedKmh);
    }

    /** The policy that changes nothing: full consent, no schedule, no coarsening, no zones, every IO kept. */
    public static Policy noOp() {
        return new Policy(1, Consent.ALL, DEFAULT_PRIVATE_MODE_IO, DEFAULT_PRIVATE_MODE_VALUE, null,
                PrivateRecordHandling.MASK, 0, List.of(), IoSelection.ALL);
    }

    public Policy withConsent(Consent value) {
        return new Policy(version, value, privateModeIoId, privateModeValue, schedule, privateRecords,
                coarseningMetres, zones, keptIo, timing, driverZoneMinRadiusMetres, overspeedKmh);
    }

    public Policy withSchedule(BusinessSchedule value) {
        return new Policy(version, consent, privateModeIoId, privateModeValue, value, privateRecords,
                coarseningMetres, zones, keptIo, timing, driverZoneMinRadiusMetres, overspeedKmh);
    }

    public Policy withCoarseningMetres(int value) {
        return new Policy(version, consent, privateModeIoId, privateModeValue, schedule, privateRecords,
                value, zones, keptIo, timing, driverZoneMinRadiusMetres, overspeedKmh);
    }

    public Policy withZones(List<PrivacyZone> value) {
        return new Policy(version, consent, privateModeIoId, privateModeValue, schedule, privateRecords,
                coarseningMetres, value, keptIo, timing, driverZoneMinRadiusMetres, overspeedKmh);
    }

    public Policy withKeptIo(IoSelection value) {
        return new Policy(version, consent, privateModeIoId, privateModeValue, schedule, privateRecords,
                coarseningMetres, zones, value, timing, driverZoneMinRadiusMetres, overspeedKmh);
    }

    public Policy withPrivateMode(int ioId, long value) {
        return new Policy(version, consent, ioId, value, schedule, privateRecords, coarseningMetres, zones, keptIo,
                timing, driverZoneMinRadiusMetres, overspeedKmh);
    }

    public Policy withPrivateRecords(PrivateRecordHandling value) {
        return new Policy(version, consent, privateModeIoId, privateModeValue, schedule, value,
                coarseningMetres, zones, keptIo, timing, driverZoneMinRadiusMetres, overspeedKmh);
    }
}
