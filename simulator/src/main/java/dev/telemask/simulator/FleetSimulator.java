package dev.telemask.simulator;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a fleet of simulated Teltonika devices against one gateway: ramps the connections up, lets every device send
 * Codec 8E frames for the duration, drains the frames still in flight, and reports what was sent and acknowledged.
 * A run always ends: after the duration plus at most the drain timeout, or as soon as the gateway has refused every
 * device.
 */
public final class FleetSimulator {
    /** Records start this long before the run, so that simulated time stays in the past for long runs. */
    private static final Duration HISTORY = Duration.ofDays(30);

    private final SimulatorOptions options;
    private final PrintStream progress;
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    /** @param progress where the progress lines go, or null for none */
    public FleetSimulator(SimulatorOptions options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    /** Runs a fleet without progress output and returns its report. */
    public static SimulationReport run(SimulatorOptions options) {
        return new FleetSimulator(options, null).run();
    }

    /** Ends the sending phase early (e.g. on Ctrl-C); the drain still runs. Callable from any thread. */
    public void stop() {
        stopRequested.countDown();
    }

    /** Runs the fleet; blocks until the drain is over and every connection is closed. */
    public SimulationReport run() {
        FleetCounters counters = new FleetCounters();
        long start = System.nanoTime();
        IntervalSampler sampler = new IntervalSampler(counters, start, options.reportInterval().toNanos(), progress,
                options.devices());
        long drainedAt;
        try (DeviceConnector connector = new DeviceConnector(options)) {
            FleetContext fleet = new FleetContext(options, counters, connector, this::stop);
            List<SimulatedDevice> devices = startDevices(connector, fleet);
            awaitSendingPhase(sampler, start);
            CompletableFuture<Void> drained = fleet.startDraining();
            devices.forEach(SimulatedDevice::stopSending);
            if (!awaitDrain(sampler, drained)) {
                devices.forEach(SimulatedDevice::abandon);
            }
            drainedAt = System.nanoTime();
        }
        CounterSnapshot last = counters.snapshot(System.nanoTime());
        double elapsed = ProgressLine.seconds(drainedAt - start);
        return new SimulationReport(options.devices(), last.peakConnected(), last.framesSent(), last.recordsSent(),
                last.framesAcked(), last.recordsAcked(), elapsed > 0 ? last.recordsAcked() / elapsed : 0,
                sampler.peakAckedPerSecond(), last.totalLatency(), last.rejects(), last.timeouts(),
                last.framesResent(), last.recordsResent(), last.reconnects(), last.connectFailures(),
                last.wrongAckCounts(), elapsed);
    }

    private List<SimulatedDevice> startDevices(DeviceConnector connector, FleetContext fleet) {
        long history = Instant.now().minus(HISTORY).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();
        double nanosBetweenConnects = 1e9 / options.connectRate();
        List<SimulatedDevice> devices = new ArrayList<>(options.devices());
        for (int i = 0; i < options.devices(); i++) {
            long imei = options.imei(i);
            SimulatedDevice device = new SimulatedDevice(imei, connector.nextLoop(), fleet,
                    new SimulatedVehicle(options.seed(), imei, history));
            device.startAfter(Math.round(i * nanosBetweenConnects));
            devices.add(device);
        }
        return devices;
    }

    private void awaitSendingPhase(IntervalSampler sampler, long start) {
        long end = start + options.duration().toNanos();
        try {
            for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
                if (stopRequested.await(Math.min(end, sampler.nextAt()) - now, TimeUnit.NANOSECONDS)) {
                    return;
                }
                sampler.sampleIfDue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the frames in flight; false when the drain timeout ran out first. */
    private boolean awaitDrain(IntervalSampler sampler, CompletableFuture<Void> drained) {
        long end = System.nanoTime() + options.drainTimeout().toNanos();
        try {
            for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
                try {
                    drained.get(Math.min(end, sampler.nextAt()) - now, TimeUnit.NANOSECONDS);
                    return true;
                } catch (TimeoutException e) {
                    sampler.sampleIfDue();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        return drained.isDone();
    }
}
