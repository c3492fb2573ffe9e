package dev.telemask.privacy;

import java.util.Locale;

/** What happened to a device, as its events and webhooks name it. */
public enum EventKind {
    GEOFENCE_ENTER,
    GEOFENCE_EXIT,
    IGNITION_ON,
    IGNITION_OFF,
    OVERSPEED,
    /** A device's connection was accepted (gateway time; no record, no position). */
    DEVICE_ONLINE,
    /** A device's connection ended without a newer one taking over (gateway time). */
    DEVICE_OFFLINE;

    /** The wire names, for messages that list them. */
    public static String wireNames() {
        return String.join(", ", java.util.Arrays.stream(values()).map(EventKind::wireName).toList());
    }

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
