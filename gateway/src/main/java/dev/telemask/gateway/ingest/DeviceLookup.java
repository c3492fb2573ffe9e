package dev.telemask.gateway.ingest;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Finds a device for its session: the database's {@link DeviceContexts}, or a stand-in in unit tests. */
interface DeviceLookup {
    /**
     * The device's context for a new connection (which claims the device), or empty when it is not registered.
     * Completes on another thread; fails when the database cannot be asked. May throw when too many look-ups wait.
     */
    CompletableFuture<Optional<DeviceContext>> connect(long imei);

    /** The device's current context, or empty when it is no longer registered. */
    CompletableFuture<Optional<DeviceContext>> reload(long imei);
}
