package dev.telemask.simulator;

import dev.telemask.codec.AvlBatch;

/**
 * Hears what the gateway acknowledged (so a test can check that exactly those records were stored once) and which
 * devices it refused.
 */
@FunctionalInterface
public interface SimulationListener {
    /** Hears nothing. */
    SimulationListener NONE = (imei, records) -> {};

    /**
     * Called once per frame when its ACK arrives with the right count, on the device's event loop (calls for
     * different devices may run at once). {@code records} is the device's reused batch: copy what you keep.
     */
    void frameAcknowledged(long imei, AvlBatch records);

    /** Called when the gateway answers a device's handshake with 0x00; the device then gives up. */
    default void deviceRejected(long imei) {}
}
