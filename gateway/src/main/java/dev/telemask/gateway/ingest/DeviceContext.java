package dev.telemask.gateway.ingest;

import dev.telemask.privacy.CompiledPolicy;
import dev.telemask.privacy.Consent;
import dev.telemask.privacy.Geofence;
import dev.telemask.storage.IngestProfile;
import dev.telemask.storage.SealedRecords;
import java.util.List;

/**
 * A registered device as the ingest path uses it: its profile, its compiled policy, the consent in force, its
 * fleet's geofences and, when it was looked up for a (re)connect, its sealed records and its event detector's saved
 * state (else null).
 */
record DeviceContext(IngestProfile profile, CompiledPolicy policy, Consent consent, SealedRecords sealed,
                     List<Geofence> geofences, byte[] eventState) {
    DeviceContext {
        geofences = geofences == null ? List.of() : List.copyOf(geofences);
    }

    DeviceContext(IngestProfile profile, CompiledPolicy policy, Consent consent) {
        this(profile, policy, consent, null, List.of(), null);
    }

    DeviceContext withSealed(SealedRecords records) {
        return new DeviceContext(profile, policy, consent, records, geofences, eventState);
    }

    DeviceContext withEvents(List<Geofence> fences, byte[] state) {
        return new DeviceContext(profile, policy, consent, sealed, fences, state);
    }

    /** This context with the switch version of {@code masker}, the context a session masked its last records under. */
    DeviceContext withSwitchVersionOf(DeviceContext masker) {
        return new DeviceContext(profile.withSwitchVersion(masker.profile.switchVersion()), policy, consent, sealed,
                geofences, eventState);
    }

    /** This context with {@code narrowed} as the consent its records are masked under. */
    DeviceContext withConsent(Consent narrowed) {
        return new DeviceContext(profile, policy, narrowed, sealed, geofences, eventState);
    }

    long imei() {
        return profile.imei();
    }

    boolean restricted() {
        return profile.restricted();
    }
}
