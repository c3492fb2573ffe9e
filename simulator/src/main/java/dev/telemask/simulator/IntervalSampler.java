package dev.telemask.simulator;

import java.io.PrintStream;

/**
 * Takes a snapshot of the counters every reporting interval, prints the progress line, and keeps the best interval's
 * acknowledged-records rate. Used by the one thread that runs the simulation.
 */
final class IntervalSampler {
    private final FleetCounters counters;
    private final long startNanos;
    private final long intervalNanos;
    private final PrintStream progress;
    private final int devices;
    private CounterSnapshot previous;
    private long nextAt;
    private double peakAckedPerSecond;

    /** @param progress where the lines go, or null for none */
    IntervalSampler(FleetCounters counters, long startNanos, long intervalNanos, PrintStream progress, int devices) {
        this.counters = counters;
        this.startNanos = startNanos;
        this.intervalNanos = intervalNanos;
        this.progress = progress;
        this.devices = devices;
        this.previous = counters.snapshot(startNanos);
        this.nextAt = startNanos + intervalNanos;
    }

    /** When the next sample is due, in {@link System#nanoTime()} terms. */
    long nextAt() {
        return nextAt;
    }

    void sampleIfDue() {
        long now = System.nanoTime();
        if (now < nextAt) {
            return;
        }
        CounterSnapshot current = counters.snapshot(now);
        peakAckedPerSecond = Math.max(peakAckedPerSecond, current.ackedPerSecondSince(previous));
        if (progress != null) {
            progress.println(ProgressLine.format(devices, startNanos, previous, current));
            progress.flush();
        }
        previous = current;
        while (nextAt <= now) {
            nextAt += intervalNanos;
        }
    }

    double peakAckedPerSecond() {
        return peakAckedPerSecond;
    }
}
