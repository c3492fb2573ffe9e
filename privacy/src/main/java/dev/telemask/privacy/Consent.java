package dev.telemask.privacy;

/** Which kinds of data a device's driver agreed to have stored: location, driver identity, telemetry. */
public record Consent(boolean location, boolean driverIdentity, boolean telemetry) {
    /** Everything consented. */
    public static final Consent ALL = new Consent(true, true, true);
}
