package dev.telemask.gateway.ingest;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The accepted session of each connected device on this instance; a device's newer connection replaces the older. */
final class SessionRegistry {
    private final Map<Long, DeviceSession> sessions = new ConcurrentHashMap<>();

    /** Registers {@code session} for its device and returns the session it replaces, or null. */
    DeviceSession register(long imei, DeviceSession session) {
        DeviceSession previous = sessions.put(imei, session);
        return previous == session ? null : previous;
    }

    void remove(long imei, DeviceSession session) {
        sessions.remove(imei, session);
    }

    DeviceSession get(long imei) {
        return sessions.get(imei);
    }

    Collection<DeviceSession> all() {
        return sessions.values();
    }
}
