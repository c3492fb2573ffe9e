package dev.telemask.gateway.ingest;

import dev.telemask.codec.AvlBatch;
import dev.telemask.privacy.CompiledPolicy;
import dev.telemask.privacy.Consent;
import dev.telemask.privacy.DeviceState;
import dev.telemask.privacy.Policy;
import dev.telemask.privacy.PolicyEngine;
import dev.telemask.storage.ExpiredRecords;

/**
 * What a sealed record that stayed undecided too long becomes: a private record, fail closed. It keeps its time and
 * priority; everything that locates it goes, and so does every element that needs consent, since the consent it
 * arrived under is not known any more. Its mileage goes too: the device's published mileage leaves out what privacy
 * zones hid, and a raw odometer beside it would tell how much (the expiry does not have the device's state).
 */
public final class ExpiredAsPrivate implements ExpiredRecords {
    private final CompiledPolicy nothingKept;

    public ExpiredAsPrivate(byte[] zoneKey) {
        this.nothingKept = CompiledPolicy.compile(Policy.noOp(), zoneKey);
    }

    @Override
    public void mask(long imei, AvlBatch records, byte[] treatments) {
        DeviceState state = new DeviceState();
        Consent none = Consent.of(false, false, false);
        for (int r = 0; r < records.size(); r++) {
            treatments[r] = PolicyEngine.mask(nothingKept, none, state, records, r, true).code();
            PolicyEngine.removeDistance(records, r);
        }
    }
}
