package dev.telemask.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClockDeadlineTest {
    /** Records the timers instead of running them: the test decides when one fires. */
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1) {
        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, java.util.concurrent.TimeUnit unit) {
            ScheduledFuture<?> timer = super.schedule(command, 1, java.util.concurrent.TimeUnit.DAYS);
            timers.add(timer);
            return timer;
        }
    };
    private final ClockDeadline deadline = new ClockDeadline();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void aNearerDeadlineReplacesTheLaterOne() {
        // A reconnect knows only the sealed records' expiry; the first frame then reveals an anchor delay.
        deadline.schedule(executor, 86_400_000, 86_400_000, () -> { });
        deadline.schedule(executor, 5_000, 5_000, () -> { });
        assertEquals(2, timers.size());
        assertTrue(timers.get(0).isCancelled(), "the expiry's timer goes");
        assertFalse(timers.get(1).isCancelled());
    }

    @Test
    void aLaterOrNoDeadlineAddsNoTimerUntilTheSetOneFired() {
        deadline.schedule(executor, 5_000, 5_000, () -> { });
        deadline.schedule(executor, 6_000, 6_000, () -> { });
        deadline.schedule(executor, Long.MAX_VALUE, 1, () -> { });
        assertEquals(1, timers.size());
        deadline.fired();
        deadline.schedule(executor, 6_000, 1_000, () -> { });
        assertEquals(2, timers.size());
    }
}
