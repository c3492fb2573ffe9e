package dev.telemask.simulator;

import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every device of a run shares: the options, the counters, a way to connect, and the run's phase (sending, or
 * draining once the duration is over). Tracks the frames in flight so the run knows when the drain is complete.
 */
final class FleetContext {
    final SimulatorOptions options;
    final FleetCounters counters;
    private final DeviceConnector connector;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final Runnable everyDeviceRefused;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean draining;

    /** @param everyDeviceRefused run once when the gateway has refused every device: nothing is left to send */
    FleetContext(SimulatorOptions options, FleetCounters counters, DeviceConnector connector,
                 Runnable everyDeviceRefused) {
        this.options = options;
        this.counters = counters;
        this.connector = connector;
        this.everyDeviceRefused = everyDeviceRefused;
    }

    /** The gateway refused a device's handshake; the device gives up. */
    void deviceRefused(long imei) {
        counters.rejects.increment();
        options.listener().deviceRejected(imei);
        if (refused.incrementAndGet() == options.devices()) {
            everyDeviceRefused.run();
        }
    }

    ChannelFuture connect(EventLoop loop, SimulatedDevice device) {
        return connector.connect(loop, device);
    }

    boolean draining() {
        return draining;
    }

    /**
     * Claims a slot for a new frame; false once the run is draining. The slot is claimed before the phase is read
     * so that {@link #startDraining} cannot miss a frame that is being created.
     */
    boolean beginFrame() {
        inFlight.incrementAndGet();
        if (draining) {
            endFrame();
            return false;
        }
        return true;
    }

    /** A frame was acknowledged (or given up at the very end). */
    void endFrame() {
        if (inFlight.decrementAndGet() == 0 && draining) {
            drained.complete(null);
        }
    }

    /** Stops new frames; the returned future completes when every frame in flight has been acknowledged. */
    CompletableFuture<Void> startDraining() {
        draining = true;
        if (inFlight.get() == 0) {
            drained.complete(null);
        }
        return drained;
    }
}
