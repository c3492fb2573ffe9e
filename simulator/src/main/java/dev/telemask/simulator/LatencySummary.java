package dev.telemask.simulator;

import org.HdrHistogram.Histogram;

/** ACK latency percentiles in milliseconds, over some set of acknowledged frames. */
public record LatencySummary(long count, double p50Ms, double p95Ms, double p99Ms, double maxMs) {
    static LatencySummary of(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0);
        }
        return new LatencySummary(micros.getTotalCount(), millis(micros.getValueAtPercentile(50)),
                millis(micros.getValueAtPercentile(95)), millis(micros.getValueAtPercentile(99)),
                millis(micros.getMaxValue()));
    }

    private static double millis(long micros) {
        return micros / 1_000.0;
    }
}
