package dev.telemask.privacy;

/**
 * A device's own consent flags, each overriding the policy's default when not {@code null}.
 */
public record ConsentOverride(Boolean location, Boolean driverIdentity, Boolean telemetry) {
    /** Overrides nothing: the device follows its policy. */
    public static final ConsentOverride NONE = new ConsentOverride(null, null, null);

    /** The consent in force for a device whose policy's defaults are {@code defaults}. */
    public Consent resolve(Consent defaults) {
        return new Consent(
                location != null ? location : defaults.location(),
                driverIdentity != null ? driverIdentity : defaults.driverIdentity(),
                telemetry != null ? telemetry : defaults.telemetry());
    }
}
