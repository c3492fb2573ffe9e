package dev.telemask.gateway.ingest;

import dev.telemask.codec.AvlBatch;
import dev.telemask.privacy.DeviceLedger;
import dev.telemask.privacy.DeviceEvent;
import dev.telemask.privacy.DeviceState;
import dev.telemask.privacy.EventDetector;
import dev.telemask.privacy.PendingRecords;
import dev.telemask.privacy.Treatment;
import dev.telemask.storage.PositionBatch;
import dev.telemask.storage.SealedRecords;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Arrays;

/**
 * One device's privacy between frames, for TCP and UDP alike: the {@link DeviceLedger} restored from the database
 * (its decided state and its sealed records), turning each frame into a {@link PositionBatch} of decided, sealed and
 * resolved records, and the bookkeeping that makes the ledger follow only committed frames (a failed write rolls it
 * back, so the resent frame is judged exactly as the first send was). The switches (manual private mode, consent)
 * are read on the gateway's clock when the frame arrives. It also has the device's last-seen time written with the
 * records about once a minute, by frames that store a record.
 *
 * <p>Owned by one event loop; one frame in flight at a time.
 */
final class DevicePrivacy {
    private static final Logger LOG = System.getLogger(DevicePrivacy.class.getName());
    private static final Treatment[] TREATMENTS = Treatment.values();
    private static final long LAST_SEEN_EVERY_MILLIS = 60_000;

    private final DeviceLedger ledger = new DeviceLedger();
    /** Events from the decided records only, in step with the ledger: committed and rolled back with it. */
    private final EventDetector events = new EventDetector();
    private final IngestLimits limits;
    private byte[] committedState;
    private byte[] stateOfFrame;
    private byte[] committedEventState;
    private byte[] eventStateOfFrame;
    private final int[] counts = new int[TREATMENTS.length];
    /** When the device's last-seen time was last written, and the receive time of the frame in flight. */
    private long lastSeenSavedMillis;
    private long frameReceivedMillis;
    /** Whether the frame in flight writes the last-seen time. */
    private boolean lastSeenOfFrame;

    DevicePrivacy(IngestLimits limits) {
        this.limits = limits;
    }

    /** Takes up the device's saved state and sealed records after a (re)connect. */
    void restore(DeviceContext device) {
        byte[] saved = device.profile().privacyState();
        PendingRecords sealed = pendingOf(device.sealed());
        events.restore(device.eventState());
        committedEventState = device.eventState();
        try {
            ledger.restore(saved, sealed);
            committedState = saved;
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "saved privacy state of device {0} is unreadable ({1}); its records are private"
                    + " until a trip is seen to start", device.imei(), e.getMessage());
            ledger.restore(DeviceState.unknownPast().save(), sealed);
            committedState = null;
        }
    }

    private static PendingRecords pendingOf(SealedRecords sealed) {
        PendingRecords pending = new PendingRecords();
        if (sealed != null) {
            for (int r = 0; r < sealed.size(); r++) {
                pending.add(sealed.records(), r, sealed.flags(r), sealed.receivedAtMillis(r), true);
            }
        }
        return pending;
    }

    /**
     * Masks {@code frame} (null: nothing arrived, the clock alone moved on) under the device's policy and points
     * {@code positions} at what to store. Returns false when there is nothing to write at all. Counts treatments.
     *
     * <p>Of a restricted device only the records that waited sealed when it was restricted are decided here, every
     * one private: they were received before the restriction returned, and nothing of the device may be published
     * or forwarded after it. Every clock-driven decision (TCP, UDP, a closed session's) passes here, so none needs
     * its own check. Its frames never get here: the callers acknowledge them and drop them.
     */
    boolean mask(DeviceContext device, AvlBatch frame, PositionBatch positions, long receivedAtMillis,
                 IngestMetrics metrics) {
        long until = device.profile().privateUntilMillis();
        boolean manualPrivate = until != 0 && receivedAtMillis < until;
        boolean restricted = device.restricted();
        // The restriction is also a change of rules in the database (rules_changed_at, read on every instance and
        // after every reconnect, so it holds once lifted too); "changed after every waiting record" covers a gateway
        // clock ahead of the database's, whose receive times could fall after that time.
        long rulesChangedAt = restricted ? Long.MAX_VALUE : device.profile().rulesChangedAtMillis();
        ledger.erased(device.profile().erasedRanges());
        ledger.apply(device.policy(), device.consent(), manualPrivate, rulesChangedAt, restricted ? null : frame,
                receivedAtMillis, limits.oldestMillis(receivedAtMillis),
                receivedAtMillis + limits.maxFutureSkew().toMillis(), limits.sealedExpiry().toMillis());
        AvlBatch out = ledger.output();
        byte[] codes = ledger.treatments();
        Arrays.fill(counts, 0);
        for (int r = 0, n = out.size(); r < n; r++) {
            counts[codes[r]]++;
        }
        for (Treatment t : TREATMENTS) {
            metrics.treated(t, counts[t.ordinal()]);
        }
        metrics.outOfBounds(ledger.outOfBounds());
        metrics.erasedAgain(ledger.erasedAgain());
        metrics.late(ledger.late());
        stateOfFrame = ledger.savedState();
        boolean stateChanged = !Arrays.equals(stateOfFrame, committedState);
        java.util.List<DeviceEvent> computed = events.detect(out, codes, device.geofences(),
                device.policy().policy().overspeedKmh());
        byte[] eventState = events.savedState();
        boolean eventStateChanged = !Arrays.equals(eventState, committedEventState);
        metrics.events(computed.size());
        positions.set(device.imei(), receivedAtMillis, out, codes).receivedTimes(ledger.receivedTimes())
                .sealed(receivedAtMillis + limits.sealedExpiry().toMillis(), ledger.sealFlags())
                .resolved(ledger.resolvedTimes(), ledger.resolvedEvents(), ledger.resolvedCount())
                .deviceState(stateChanged ? stateOfFrame : null)
                .switchVersion(device.profile().switchVersion())
                .events(computed, eventStateChanged ? eventState : null);
        eventStateOfFrame = eventState;
        frameReceivedMillis = receivedAtMillis;
        // Only stored records make the device seen, when they were received (records waiting sealed may be stored
        // when the clock alone decides them): the frames of records a zone hid, or that wait sealed in a trip's
        // first minutes, would time the way from home to the first visible point (polled, the start of a trip's
        // dense run of frames), which at the visible record's speed is its length.
        lastSeenOfFrame = receivedAtMillis - lastSeenSavedMillis >= LAST_SEEN_EVERY_MILLIS
                && positions.storedCount() > 0;
        if (lastSeenOfFrame) {
            positions.recordLastSeen();
        }
        return out.size() > 0 || ledger.resolvedCount() > 0 || stateChanged || eventStateChanged
                || positions.recordsLastSeen();
    }

    /**
     * Masks a position the device states now (an answer to a command), as {@link DeviceLedger#maskStatedPosition}
     * does under the device's policy and switches at {@code nowMillis}; changes nothing the records decide. A
     * restricted device's position is dropped like its records.
     */
    Treatment maskStatedPosition(DeviceContext device, AvlBatch position, long nowMillis) {
        if (device.restricted()) {
            // Its records skip the ledger, whose decided state would still vouch for a position of now.
            return Treatment.DROPPED;
        }
        long until = device.profile().privateUntilMillis();
        boolean manualPrivate = until != 0 && nowMillis < until;
        return ledger.maskStatedPosition(device.policy(), device.consent(), manualPrivate, position, 0, nowMillis);
    }

    /** Whether the device's coming online or going offline now must not be told ({@link DeviceLedger#presenceHidden}). */
    boolean presenceHidden(DeviceContext device, long nowMillis) {
        long until = device.profile().privateUntilMillis();
        boolean manualPrivate = until != 0 && nowMillis < until;
        return device.restricted()
                || ledger.presenceHidden(device.policy(), device.consent(), manualPrivate,
                        device.profile().rulesChangedAtMillis(), nowMillis);
    }

    /**
     * Whether the device's queued commands wait: under privacy zones, while its coming online is not told. A command
     * goes out when the device connects, and its sent and answered times, which an admin reads, would tell that
     * moment instead: a tracker asleep at home connects as the vehicle leaves. Without zones the moment tells no more
     * than the times that private records keep.
     */
    boolean commandsHeld(DeviceContext device, long nowMillis) {
        return device.policy().hasZones() && presenceHidden(device, nowMillis);
    }

    /** The batch to decode the next frame into ({@link DeviceLedger#frameBatch}): masking it copies nothing. */
    AvlBatch frameBatch() {
        return ledger.frameBatch();
    }

    /** The raw records of the last frame masked, kept for {@link #mask} to work them out again. */
    AvlBatch lastFrame() {
        return ledger.lastFrame();
    }

    /** The masked frame, written from {@code written}, is committed: its state is now the saved one. */
    void committed(PositionBatch written) {
        ledger.committed();
        if (ledger.trim()) {
            // A backlog's batches were given back; the position batch, kept between frames, must not hold them.
            written.release();
        }
        committedState = stateOfFrame;
        events.committed();
        committedEventState = eventStateOfFrame;
        if (lastSeenOfFrame) {
            lastSeenSavedMillis = frameReceivedMillis;
        }
    }

    /** The masked frame was not stored: forget what it did to the state. */
    void rollBack() {
        ledger.rolledBack();
        events.rolledBack();
    }

    /** When the clock alone could decide a waiting record (gateway time), or {@link Long#MAX_VALUE}. */
    long nextDeadlineMillis(DeviceContext device) {
        return ledger.nextDeadlineMillis(device.policy(), limits.sealedExpiry().toMillis());
    }
}
