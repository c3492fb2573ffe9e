package dev.telemask.simulator;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the whole fleet did so far, updated from every event loop without locks; {@link #snapshot} reads it for a
 * progress line or the final report.
 */
final class FleetCounters {
    /** Latencies are kept in microseconds up to an hour, to three significant digits. */
    private static final long MAX_LATENCY_MICROS = TimeUnit.HOURS.toMicros(1);

    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicInteger peakConnected = new AtomicInteger();
    final LongAdder framesSent = new LongAdder();
    final LongAdder recordsSent = new LongAdder();
    final LongAdder framesAcked = new LongAdder();
    final LongAdder recordsAcked = new LongAdder();
    final LongAdder rejects = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder framesResent = new LongAdder();
    final LongAdder recordsResent = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder wrongAckCounts = new LongAdder();
    private final Recorder latency = new Recorder(MAX_LATENCY_MICROS, 3);
    /** Every interval so far, merged; only the reporting thread touches it. */
    private final Histogram total = new Histogram(MAX_LATENCY_MICROS, 3);
    private Histogram interval;

    void deviceConnected() {
        peakConnected.accumulateAndGet(connected.incrementAndGet(), Math::max);
    }

    void deviceDisconnected() {
        connected.decrementAndGet();
    }

    void recordAckLatency(long nanos) {
        latency.recordValue(Math.min(MAX_LATENCY_MICROS, Math.max(0, nanos / 1_000)));
    }

    /**
     * The counters now, with the latencies recorded since the previous snapshot ({@code interval}) and since the
     * start ({@code total}). Called from one thread at a time.
     */
    synchronized CounterSnapshot snapshot(long nanoTime) {
        interval = latency.getIntervalHistogram(interval);
        total.add(interval);
        return new CounterSnapshot(nanoTime, connected.get(), peakConnected.get(), framesSent.sum(), recordsSent.sum(), framesAcked.sum(),
                recordsAcked.sum(), rejects.sum(), timeouts.sum(), framesResent.sum(), recordsResent.sum(),
                reconnects.sum(), connectFailures.sum(), wrongAckCounts.sum(), LatencySummary.of(interval),
                LatencySummary.of(total));
    }
}
