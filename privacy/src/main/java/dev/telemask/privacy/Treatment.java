package dev.telemask.privacy;

/** What the privacy engine did to one record; storage records it and metrics count it. */
public enum Treatment {
    /** Stored as the device sent it (less any IO elements the policy filters). */
    EXACT,
    /** Coordinates snapped to the centre of the policy's grid cell. */
    COARSENED,
    /** Part of a private trip: time and mileage only, nothing that locates it. */
    PRIVATE,
    /** Inside, or too near, a privacy zone: stored like a private record. */
    ZONE,
    /** Not stored at all. */
    DROPPED,
    /**
     * Not decided yet (the earlier part of its trip, or its trip's grace window, has not arrived): written encrypted
     * to {@code sealed_positions}, never to {@code positions}, and resolved or destroyed later.
     */
    SEALED;

    private static final Treatment[] BY_CODE = values();

    /** Stable one-byte code, the enum's ordinal; the order above never changes. */
    public byte code() {
        return (byte) ordinal();
    }

    public static Treatment ofCode(int code) {
        return BY_CODE[code];
    }
}
