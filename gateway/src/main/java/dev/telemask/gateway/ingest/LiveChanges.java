package dev.telemask.gateway.ingest;

import dev.telemask.storage.ChangeFeed;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Objects;

/**
 * Brings changes of devices, policies and consent to the connected sessions of this instance: each affected
 * session's device is looked up again and handed over to its event loop; UDP devices are looked up again at
 * their next datagram. A command queued for a device connected here is sent by its session.
 */
final class LiveChanges implements ChangeFeed.Listener {
    private static final Logger LOG = System.getLogger(LiveChanges.class.getName());

    private final SessionRegistry sessions;
    private final DeviceContexts contexts;
    private final UdpIngestHandler udp;

    LiveChanges(SessionRegistry sessions, DeviceContexts contexts, UdpIngestHandler udp) {
        this.sessions = sessions;
        this.contexts = contexts;
        this.udp = udp;
    }

    @Override
    public void deviceChanged(long imei) {
        if (udp != null) {
            udp.forget(imei);
        }
        DeviceSession session = sessions.get(imei);
        if (session != null) {
            reload(session);
        }
    }

    @Override
    public void policyChanged(long policyId) {
        contexts.policyChanged(policyId);
        if (udp != null) {
            udp.forgetAll();
        }
        for (DeviceSession session : sessions.all()) {
            if (Objects.equals(session.policyId(), policyId)) {
                reload(session);
            }
        }
    }

    @Override
    public void commandQueued(long imei) {
        DeviceSession session = sessions.get(imei);
        if (session != null) {
            session.commandQueued();
        }
    }

    @Override
    public void geofencesChanged(long tenantId) {
        contexts.geofencesChanged(tenantId);
        if (udp != null) {
            udp.forgetAll();
        }
        for (DeviceSession session : sessions.all()) {
            if (session.tenantId() == tenantId) {
                reload(session);
            }
        }
    }

    @Override
    public void everythingChanged() {
        contexts.forgetGeofences();
        if (udp != null) {
            udp.forgetAll();
        }
        for (DeviceSession session : sessions.all()) {
            reload(session);
            // A command may have been queued while the feed was away.
            session.commandQueued();
        }
    }

    private void reload(DeviceSession session) {
        try {
            contexts.reload(session.imei()).whenComplete((context, failure) -> {
                if (failure != null) {
                    LOG.log(Level.WARNING, "cannot reload device {0}: {1}", session.imei(), failure.toString());
                } else {
                    session.update(context);
                }
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot reload device {0}: {1}", session.imei(), e.toString());
        }
    }
}
