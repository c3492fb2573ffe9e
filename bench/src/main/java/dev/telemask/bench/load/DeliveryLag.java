package dev.telemask.bench.load;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The delivery lag of forwarded positions: for each record (a device and its record time) the time from the ACK the
 * simulated device received for it to the consumer reading it from Kafka, counted for the records acknowledged in a
 * window. Whichever of the two is seen first waits for the other, so a record read before its ACK arrived counts
 * 0 ms. Thread-safe: ACKs come from the simulator's event loops, deliveries from the consumer's thread.
 */
final class DeliveryLag {
    private static final long MAX_LAG_MILLIS = TimeUnit.HOURS.toMillis(1);

    private final Map<RecordKey, Sighting> waiting = new ConcurrentHashMap<>();
    private final Histogram lagMillis = new Histogram(MAX_LAG_MILLIS, 3);
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    private long inWindowDelivered;
    private long deliveredInWindow;

    private record RecordKey(long imei, long timeMillis) {
    }

    /** A record's ACK or delivery, at {@code nanos} ({@link System#nanoTime}), waiting for the other. */
    private record Sighting(boolean ack, long nanos) {
    }

    /** What a window measured: rates and lag percentiles in ms; {@code undelivered} acked in it and not read. */
    record Summary(double forwardedPerSecond, long p50Ms, long p99Ms, long maxMs, long acked, long undelivered) {
    }

    /** Counts the records acknowledged from {@code startNanos} until {@code endNanos}. */
    void window(long startNanos, long endNanos) {
        windowStart = startNanos;
        windowEnd = endNanos;
    }

    /** The device {@code imei} received the ACK of its record of {@code timeMillis} at {@code nanos}. */
    void acknowledged(long imei, long timeMillis, long nanos) {
        meet(new RecordKey(imei, timeMillis), new Sighting(true, nanos));
    }

    /** The consumer read the record of device {@code imei} and {@code timeMillis} at {@code nanos}. */
    void delivered(long imei, long timeMillis, long nanos) {
        synchronized (this) {
            if (nanos >= windowStart && nanos < windowEnd) {
                deliveredInWindow++;
            }
        }
        meet(new RecordKey(imei, timeMillis), new Sighting(false, nanos));
    }

    private void meet(RecordKey key, Sighting seen) {
        waiting.compute(key, (k, other) -> {
            if (other == null) {
                return seen;
            }
            if (other.ack() == seen.ack()) {
                return other; // a resent frame's second ACK, or a redelivery: the first one counts
            }
            Sighting ack = seen.ack() ? seen : other;
            Sighting delivery = seen.ack() ? other : seen;
            record(ack.nanos(), Math.max(0, delivery.nanos() - ack.nanos()));
            return null;
        });
    }

    private synchronized void record(long ackNanos, long lagNanos) {
        if (ackNanos >= windowStart && ackNanos < windowEnd) {
            inWindowDelivered++;
            lagMillis.recordValue(Math.min(MAX_LAG_MILLIS, TimeUnit.NANOSECONDS.toMillis(lagNanos)));
        }
    }

    /** Records acknowledged in the window whose delivery is still awaited. */
    long awaited() {
        return waiting.values().stream().filter(s -> s.ack() && s.nanos() >= windowStart && s.nanos() < windowEnd)
                .count();
    }

    /** The window's figures; {@code windowSeconds} is its length. */
    synchronized Summary summary(double windowSeconds) {
        long undelivered = awaited();
        return new Summary(deliveredInWindow / windowSeconds, lagMillis.getValueAtPercentile(50),
                lagMillis.getValueAtPercentile(99), lagMillis.getMaxValue(), inWindowDelivered + undelivered,
                undelivered);
    }
}
