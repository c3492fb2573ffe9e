package dev.telemask.privacy;

import java.util.Locale;

/** What happened to a device, as its events and webhooks name it. */
public enum EventKind {
    GEOFENCE_ENTER,
    GEOFENCE_EXIT,
    IGNITION_ON,
    IGNITION_OFF,
    OVERSPEED;

    /** The name in the API and the database: {@code geofence_enter}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind named {@code wire}, or null when there is none. */
    public static EventKind ofWireName(String wire) {
        for (EventKind kind : values()) {
            if (kind.wireName().equals(wire)) {
                return kind;
            }
        }
        return null;
    }
}
