package dev.telemask.storage;

import dev.telemask.privacy.ErasedRanges;

/**
 * What the gateway needs to know about a device to accept its records: whose it is, whether storage is restricted,
 * the policy in force and the device's own consent flags, and the privacy engine's saved state.
 *
 * @param policyId        null when no policy is assigned
 * @param policyVersion   the newest version of that policy, 0 when none
 * @param policyDocument  that version's JSON document, null when none
 * @param consentLocation the device's latest location consent, null when never set (the policy decides)
 * @param privacyState    the engine's saved state, null when never saved
 * @param privateUntilMillis the driver's private-mode switch: private until then (epoch millis), 0 when off
 * @param switchVersion   bumped by every change of restriction, private mode, policy or consent; the writer stores a
 *                        batch only when it was masked under the version still current
 * @param policyDocument  as stored: zone centres sealed ({@link SealedZones#open} opens them)
 * @param ownZones        the driver's own zones, on top of the policy's, centres sealed
 * @param rulesChangedAtMillis when its policy, policy version, fleet or own zones last changed or it was last
 *                        restricted (the database's clock, epoch millis), 0 when never: records received before it
 *                        and still waiting are decided private
 * @param erasedRanges    the device-time ranges erased from it, each up to its erasure: records in them that arrive
 *                        now are not stored
 * @param lastRestriction its latest restriction, under way or lifted: a frame received in it is not stored, also when
 *                        it is judged again after the lift
 */
public record IngestProfile(long imei, long tenantId, boolean restricted, Long policyId, int policyVersion,
                            String policyDocument, Boolean consentLocation, Boolean consentDriverIdentity,
                            Boolean consentTelemetry, byte[] privacyState, long privateUntilMillis,
                            long switchVersion, java.util.List<DeviceZone> ownZones, long rulesChangedAtMillis,
                            ErasedRanges erasedRanges, Restriction lastRestriction) {
    public IngestProfile {
        ownZones = ownZones == null ? java.util.List.of() : java.util.List.copyOf(ownZones);
        erasedRanges = erasedRanges == null ? ErasedRanges.NONE : erasedRanges;
        lastRestriction = lastRestriction == null ? Restriction.NEVER : lastRestriction;
    }

    /**
     * A restriction's span by the database's clock, epoch millis: from {@code fromMillis} (inclusive; {@link
     * Long#MIN_VALUE}: since the device was registered) until {@code untilMillis} (exclusive; {@link Long#MAX_VALUE}:
     * not lifted).
     */
    public record Restriction(long fromMillis, long untilMillis) {
        /** A device never restricted. */
        public static final Restriction NEVER = new Restriction(Long.MAX_VALUE, Long.MAX_VALUE);

        /** Whether a record received at {@code receivedAtMillis} was received while the device was restricted. */
        public boolean covers(long receivedAtMillis) {
            return receivedAtMillis >= fromMillis && receivedAtMillis < untilMillis;
        }
    }

    /** A profile without own zones, whose rules never changed, nothing erased from it. */
    public IngestProfile(long imei, long tenantId, boolean restricted, Long policyId, int policyVersion,
                         String policyDocument, Boolean consentLocation, Boolean consentDriverIdentity,
                         Boolean consentTelemetry, byte[] privacyState, long privateUntilMillis, long switchVersion) {
        this(imei, tenantId, restricted, policyId, policyVersion, policyDocument, consentLocation,
                consentDriverIdentity, consentTelemetry, privacyState, privateUntilMillis, switchVersion, null, 0, null, null);
    }

    /** This profile with the driver's own zones and when its rules last changed. */
    public IngestProfile withOwnZones(java.util.List<DeviceZone> zones, long rulesChangedAtMillis) {
        return new IngestProfile(imei, tenantId, restricted, policyId, policyVersion, policyDocument, consentLocation,
                consentDriverIdentity, consentTelemetry, privacyState, privateUntilMillis, switchVersion, zones,
                rulesChangedAtMillis, erasedRanges, lastRestriction);
    }

    /** This profile with the ranges erased from the device. */
    public IngestProfile withErasedRanges(ErasedRanges ranges) {
        return new IngestProfile(imei, tenantId, restricted, policyId, policyVersion, policyDocument, consentLocation,
                consentDriverIdentity, consentTelemetry, privacyState, privateUntilMillis, switchVersion, ownZones,
                rulesChangedAtMillis, ranges, lastRestriction);
    }

    /** This profile with {@code restriction} as its latest restriction. */
    public IngestProfile withLastRestriction(Restriction restriction) {
        return new IngestProfile(imei, tenantId, restricted, policyId, policyVersion, policyDocument, consentLocation,
                consentDriverIdentity, consentTelemetry, privacyState, privateUntilMillis, switchVersion, ownZones,
                rulesChangedAtMillis, erasedRanges, restriction);
    }

    /** This profile with {@code version} as the switch version its records are masked under. */
    public IngestProfile withSwitchVersion(long version) {
        return new IngestProfile(imei, tenantId, restricted, policyId, policyVersion, policyDocument, consentLocation,
                consentDriverIdentity, consentTelemetry, privacyState, privateUntilMillis, version, ownZones,
                rulesChangedAtMillis, erasedRanges, lastRestriction);
    }

    /** This profile with {@code state} as the engine's saved state (opened from its sealed form). */
    public IngestProfile withPrivacyState(byte[] state) {
        return new IngestProfile(imei, tenantId, restricted, policyId, policyVersion, policyDocument, consentLocation,
                consentDriverIdentity, consentTelemetry, state, privateUntilMillis, switchVersion, ownZones,
                rulesChangedAtMillis, erasedRanges, lastRestriction);
    }
}
