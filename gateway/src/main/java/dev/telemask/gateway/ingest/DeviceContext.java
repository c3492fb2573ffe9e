package dev.telemask.gateway.ingest;

import dev.telemask.privacy.CompiledPolicy;
import dev.telemask.privacy.Consent;
import dev.telemask.storage.DeviceProfile;
import dev.telemask.storage.SealedRecords;

/**
 * A registered device as the ingest path uses it: its profile, its compiled policy, the consent in force and, when
 * it was looked up for a (re)connect, its sealed records (else null).
 */
record DeviceContext(DeviceProfile profile, CompiledPolicy policy, Consent consent, SealedRecords sealed) {
    DeviceContext(DeviceProfile profile, CompiledPolicy policy, Consent consent) {
        this(profile, policy, consent, null);
    }

    DeviceContext withSealed(SealedRecords records) {
        return new DeviceContext(profile, policy, consent, records);
    }

    long imei() {
        return profile.imei();
    }

    boolean restricted() {
        return profile.restricted();
    }
}
