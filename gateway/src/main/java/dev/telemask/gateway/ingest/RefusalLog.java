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
 * cannot flood the log. A device that is not registered gets its own line, once per IMEI per hour, so that every
 * device of a fleet nobody registered yet is named (many of them share one address behind a NAT or an APN). The
 * metrics count every refusal. Any thread.
 */
final class RefusalLog {
    static final Duration INTERVAL = Duration.ofMinutes(1);
    /** Addresses remembered at most; refusals from further addresses share one line per interval. */
    static final int MAX_ADDRESSES = 10_000;
    /** How long an unregistered IMEI stays quiet after its line. */
    static final Duration IMEI_INTERVAL = Duration.ofHours(1);
    /** IMEIs remembered at most; beyond, and beyond {@link #IMEI_LINES_PER_INTERVAL}, lines are per address. */
    static final int MAX_IMEIS = 10_000;
    /** Lines naming an IMEI per {@link #INTERVAL}: forged IMEIs, each new, must not flood the log either. */
    static final int IMEI_LINES_PER_INTERVAL = 100;

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
    private final long imeiIntervalNanos = IMEI_INTERVAL.toNanos();
    /** When each unregistered IMEI last got its line; guarded by {@code this}. */
    private final Map<Long, Long> imeis = new java.util.HashMap<>();
    /** The current interval's start and the IMEI lines written in it; guarded by {@code this}. */
    private long imeiWindowStart;
    private int imeiLinesInWindow;

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
        this.imeiWindowStart = nanoClock.getAsLong();
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

    /**
     * A device that is not registered was refused at its handshake: the first refusal of each IMEI (again after an
     * hour) gets a line naming it and what to do; when too many IMEIs knock at once, lines fall back to one per
     * address per minute.
     */
    void unregistered(InetAddress source, long imei) {
        long now = nanoClock.getAsLong();
        int decision = imeiDecision(imei, now);
        if (decision == 0) {
            return;
        }
        String why = "IMEI " + imei + " is not registered; register it with POST /api/v1/devices"
                + " (or set device.auto-register=true to park unknown devices in quarantine)";
        if (decision > 0) {
            sink.accept("refused device connection from " + source.getHostAddress() + ": " + why);
        } else {
            refused(source, why);
        }
    }

    /** 1: a line for this IMEI; 0: it had its line lately; -1: no room or budget, a line per address instead. */
    private synchronized int imeiDecision(long imei, long now) {
        Long last = imeis.get(imei);
        if (last != null && now - last < imeiIntervalNanos) {
            return 0;
        }
        if (now - imeiWindowStart >= intervalNanos) {
            imeiWindowStart = now;
            imeiLinesInWindow = 0;
        }
        if (last == null && imeis.size() >= MAX_IMEIS) {
            imeis.values().removeIf(at -> now - at >= imeiIntervalNanos);
        }
        if (imeiLinesInWindow >= IMEI_LINES_PER_INTERVAL || (last == null && imeis.size() >= MAX_IMEIS)) {
            return -1;
        }
        imeiLinesInWindow++;
        imeis.put(imei, now);
        return 1;
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
