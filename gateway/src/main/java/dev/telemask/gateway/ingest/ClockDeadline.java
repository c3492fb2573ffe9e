package dev.telemask.gateway.ingest;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one timer of a device's session for its next clock-only decision (an anchor delay, an expiry). A nearer
 * deadline replaces a later one: a session that reconnects with sealed records knows only their expiry (a day away)
 * until its first frame has been judged, and the anchor delay that frame reveals must not wait behind it. Owned by
 * the session's event loop.
 */
final class ClockDeadline {
    private long scheduledMillis = Long.MAX_VALUE;
    private ScheduledFuture<?> timer;

    /**
     * Has {@code onDue} run after {@code delayMillis} for {@code deadlineMillis} ({@link Long#MAX_VALUE}: none),
     * unless a timer as near is already set; a later one is cancelled.
     */
    void schedule(ScheduledExecutorService executor, long deadlineMillis, long delayMillis, Runnable onDue) {
        if (deadlineMillis == Long.MAX_VALUE || deadlineMillis >= scheduledMillis) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        scheduledMillis = deadlineMillis;
        timer = executor.schedule(onDue, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** The timer fired: the next deadline is worked out afresh. */
    void fired() {
        scheduledMillis = Long.MAX_VALUE;
        timer = null;
    }
}
