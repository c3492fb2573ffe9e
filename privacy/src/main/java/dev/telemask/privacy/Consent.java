package dev.telemask.privacy;

/** Which kinds of data a device's driver agreed to have stored: location, driver identity, telemetry. */
public record Consent(boolean location, boolean driverIdentity, boolean telemetry) {
    /** Everything consented. */
    public static final Consent ALL = new Consent(true, true, true);
    private static final Consent[] ALL_COMBINATIONS = new Consent[8];

    static {
        for (int i = 0; i < 8; i++) {
            ALL_COMBINATIONS[i] = new Consent((i & 4) != 0, (i & 2) != 0, (i & 1) != 0);
        }
    }

    /** A shared instance: the hot path narrows consent per record without allocating. */
    public static Consent of(boolean location, boolean driverIdentity, boolean telemetry) {
        return ALL_COMBINATIONS[(location ? 4 : 0) | (driverIdentity ? 2 : 0) | (telemetry ? 1 : 0)];
    }

    /** What both this and {@code other} consent to: the stricter of two. */
    public Consent and(Consent other) {
        return of(location && other.location, driverIdentity && other.driverIdentity, telemetry && other.telemetry);
    }
}
