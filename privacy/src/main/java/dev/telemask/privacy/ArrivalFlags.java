package dev.telemask.privacy;

/**
 * What the gateway's switches said about a record when it arrived, one bit each: they act on the gateway's clock,
 * so a record keeps them while it waits undecided, and the stricter of these and the switches at decision time
 * applies.
 */
public final class ArrivalFlags {
    /** The driver's manual private mode was on. */
    public static final int MANUAL_PRIVATE = 1;
    /** Location consent was withdrawn. */
    public static final int NO_LOCATION_CONSENT = 1 << 1;
    /** Driver-identity consent was withdrawn. */
    public static final int NO_DRIVER_IDENTITY_CONSENT = 1 << 2;
    /** Telemetry consent was withdrawn. */
    public static final int NO_TELEMETRY_CONSENT = 1 << 3;

    private ArrivalFlags() {}

    /** The flags for a record arriving now under {@code consent} with the manual switch {@code manualPrivate}. */
    public static int of(Consent consent, boolean manualPrivate) {
        return (manualPrivate ? MANUAL_PRIVATE : 0)
                | (consent.location() ? 0 : NO_LOCATION_CONSENT)
                | (consent.driverIdentity() ? 0 : NO_DRIVER_IDENTITY_CONSENT)
                | (consent.telemetry() ? 0 : NO_TELEMETRY_CONSENT);
    }

    /** {@code consent} narrowed by what was withdrawn when the record arrived. */
    static boolean location(Consent consent, int flags) {
        return consent.location() && (flags & NO_LOCATION_CONSENT) == 0;
    }

    static boolean driverIdentity(Consent consent, int flags) {
        return consent.driverIdentity() && (flags & NO_DRIVER_IDENTITY_CONSENT) == 0;
    }

    static boolean telemetry(Consent consent, int flags) {
        return consent.telemetry() && (flags & NO_TELEMETRY_CONSENT) == 0;
    }
}
