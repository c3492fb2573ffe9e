package dev.telemask.simulator;

import java.util.Locale;

/** Formats the human-readable progress line printed every reporting interval. */
final class ProgressLine {
    private ProgressLine() {}

    static String format(int devices, long startNanos, CounterSnapshot previous, CounterSnapshot now) {
        LatencySummary latency = now.intervalLatency();
        return String.format(Locale.ROOT,
                "[%7.1fs] connected %d/%d  frames %d  records %d  acked %d  %.0f acks/s  "
                        + "latency p50 %.1f p95 %.1f p99 %.1f max %.1f ms  rejects %d  timeouts %d  resent %d  reconnects %d",
                seconds(now.nanoTime() - startNanos), now.connected(), devices, now.framesSent(), now.recordsSent(),
                now.recordsAcked(), now.ackedPerSecondSince(previous), latency.p50Ms(), latency.p95Ms(),
                latency.p99Ms(), latency.maxMs(), now.rejects(), now.timeouts(), now.framesResent(), now.reconnects());
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
