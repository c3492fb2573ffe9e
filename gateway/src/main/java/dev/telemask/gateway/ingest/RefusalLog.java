package dev.telemask.gateway.ingest;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * WARN lines about device connections the gateway turned away (or, in a second instance, frames it could not
 * read), with the source address, at most one per address per minute: an operator sees who is knocking, and a flood
 * cannot flood the log. The metrics count every refusal. Any thread.
 */
final class RefusalLog {
    static final Duration INTERVAL = Duration.ofMinutes(1);
    /** Addresses remembered at most; refusals from further addresses share one line per interval. */
    static final int MAX_ADDRESSES = 10_000;

    private static final Logger LOG = System.getLogger(RefusalLog.class.getName());

    /** When a line was last written, and how many refusals have gone unlogged since. */
    private record Logged(long atNanos, int suppressed) {
    }

    private final String event;
    private final String events;
    private final LongSupplier nanoClock;
    private final Consumer<String> sink;
    private final long intervalNanos = INTERVAL.toNanos();
    private final Map<InetAddress, Logged> addresses = new ConcurrentHashMap<>();
    /** The line shared by every address that found the table full. */
    private final AtomicReference<Logged> overflow = new AtomicReference<>();

    RefusalLog() {
        this(System::nanoTime, line -> LOG.log(Level.WARNING, line));
    }

    /** With a test's clock and destination of the lines. */
    RefusalLog(LongSupplier nanoClock, Consumer<String> sink) {
        this("refused device connection", "refusals", nanoClock, sink);
    }

    /** Lines "malformed frame from ADDRESS: why", e.g. a CRC error or a bad preamble. */
    static RefusalLog malformedFrames() {
        return malformedFrames(System::nanoTime, line -> LOG.log(Level.WARNING, line));
    }

    static RefusalLog malformedFrames(LongSupplier nanoClock, Consumer<String> sink) {
        return new RefusalLog("malformed frame", "malformed frames", nanoClock, sink);
    }

    private RefusalLog(String event, String events, LongSupplier nanoClock, Consumer<String> sink) {
        this.event = event;
        this.events = events;
        this.nanoClock = nanoClock;
        this.sink = sink;
    }

    /** A connection (or frame) from {@code source} was refused; {@code why} completes "refused device connection from …: ". */
    void refused(InetAddress source, String why) {
        long now = nanoClock.getAsLong();
        int[] unlogged = {-1}; // set when this refusal gets a line: the refusals it summarises
        if (!addresses.containsKey(source) && addresses.size() >= MAX_ADDRESSES) {
            addresses.values().removeIf(logged -> now - logged.atNanos() >= intervalNanos);
        }
        if (addresses.containsKey(source) || addresses.size() < MAX_ADDRESSES) {
            addresses.compute(source, (address, last) -> next(last, now, unlogged));
        } else {
            overflow.updateAndGet(last -> next(last, now, unlogged));
        }
        if (unlogged[0] < 0) {
            return;
        }
        String from = addresses.containsKey(source) ? source.getHostAddress()
                : source.getHostAddress() + " and other addresses";
        sink.accept(event + " from " + from + ": " + why
                + (unlogged[0] > 0 ? " (" + unlogged[0] + " more " + events + " since the last line)" : ""));
    }

    private Logged next(Logged last, long now, int[] unlogged) {
        if (last == null || now - last.atNanos() >= intervalNanos) {
            unlogged[0] = last == null ? 0 : last.suppressed();
            return new Logged(now, 0);
        }
        unlogged[0] = -1; // updateAndGet may retry: the last attempt decides
        return new Logged(last.atNanos(), last.suppressed() + 1);
    }
}
