package dev.telemask.gateway.resilience;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded polling for something asynchronous that has no event to wait on (a counter, a database row). */
public final class Eventually {
    private static final long POLL_MILLIS = 20;

    private Eventually() {}

    /** Returns as soon as {@code condition} holds; fails with {@code why} when {@code within} runs out first. */
    public static void holds(BooleanSupplier condition, Duration within, Supplier<String> why) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(why.get() + " after " + within);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting: " + why.get());
            }
        }
    }
}
