package dev.telemask.gateway.ingest;

import dev.telemask.privacy.CompiledPolicy;
import dev.telemask.privacy.Consent;
import dev.telemask.storage.DeviceProfile;

/** A registered device as the ingest path uses it: its profile, its compiled policy and the consent in force. */
record DeviceContext(DeviceProfile profile, CompiledPolicy policy, Consent consent) {
    long imei() {
        return profile.imei();
    }

    boolean restricted() {
        return profile.restricted();
    }
}
