package dev.telemask.gateway.ingest;

import dev.telemask.codec.AvlBatch;
import dev.telemask.privacy.DeviceState;
import dev.telemask.privacy.PolicyEngine;
import dev.telemask.privacy.Treatment;
import dev.telemask.privacy.Treatments;
import dev.telemask.storage.PositionBatch;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Arrays;

/**
 * One device's privacy between frames, for TCP and UDP alike: the engine's state as restored from the database,
 * masking a frame into a {@link PositionBatch}, and the bookkeeping that makes the state follow only committed
 * frames (a failed write rolls it back, so the resent frame is judged exactly as the first send was; a committed
 * one saves it with the records when it changed). It also has the device's last-seen time written with the
 * records about once a minute.
 *
 * <p>Owned by one event loop; one frame in flight at a time.
 */
final class DevicePrivacy {
    private static final Logger LOG = System.getLogger(DevicePrivacy.class.getName());
    private static final Treatment[] TREATMENTS = Treatment.values();
    private static final long LAST_SEEN_EVERY_MILLIS = 60_000;

    private final DeviceState state = new DeviceState();
    private final DeviceState beforeFrame = new DeviceState();
    private final Treatments treatments = new Treatments();
    private byte[] committedState;
    private byte[] stateOfFrame;
    private byte[] codes = new byte[256];
    /** When the device's last-seen time was last written, and the receive time of the frame in flight. */
    private long lastSeenSavedMillis;
    private long frameReceivedMillis;

    /** Takes up the device's saved state and switch after a (re)connect. */
    void restore(DeviceContext device) {
        byte[] saved = device.profile().privacyState();
        try {
            state.copyFrom(DeviceState.restore(saved));
            committedState = saved;
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "saved privacy state of device {0} is unreadable ({1}); starting afresh",
                    device.imei(), e.getMessage());
            state.copyFrom(DeviceState.restore(null));
            committedState = null;
        }
        applySwitch(device);
    }

    /** Takes up a change of the driver's private-mode switch. */
    void applySwitch(DeviceContext device) {
        long until = device.profile().privateUntilMillis();
        long toggle = until == 0 ? DeviceState.NEVER : until;
        state.manualPrivateUntil(toggle);
        beforeFrame.manualPrivateUntil(toggle);
    }

    /**
     * Masks {@code batch} in place under the device's policy and points {@code positions} at it, with the new
     * state to save when it changed. Counts the treatments.
     */
    void mask(DeviceContext device, AvlBatch batch, PositionBatch positions, long receivedAtMillis, IngestMetrics metrics) {
        beforeFrame.copyFrom(state);
        PolicyEngine.apply(device.policy(), device.consent(), state, batch, treatments);
        int n = batch.size();
        if (codes.length < n) {
            codes = new byte[n];
        }
        for (int r = 0; r < n; r++) {
            codes[r] = treatments.code(r);
        }
        for (Treatment t : TREATMENTS) {
            metrics.treated(t, treatments.count(t));
        }
        stateOfFrame = state.save();
        positions.set(device.imei(), receivedAtMillis, batch, codes)
                .deviceState(Arrays.equals(stateOfFrame, committedState) ? null : stateOfFrame);
        frameReceivedMillis = receivedAtMillis;
        // The console's "last seen" rides along with the records about once a minute, not with every frame.
        if (receivedAtMillis - lastSeenSavedMillis >= LAST_SEEN_EVERY_MILLIS) {
            positions.recordLastSeen();
        }
    }

    /** The masked frame is committed: its state is now the saved one. */
    void committed() {
        committedState = stateOfFrame;
        if (frameReceivedMillis - lastSeenSavedMillis >= LAST_SEEN_EVERY_MILLIS) {
            lastSeenSavedMillis = frameReceivedMillis;
        }
    }

    /** The masked frame was not stored: forget what it did to the state. */
    void rollBack() {
        state.copyFrom(beforeFrame);
    }
}
