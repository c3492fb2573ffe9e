package dev.telemask.gateway.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Failed sign-ins counted in memory by key (a source address, or a fleet and username that has no account), locked
 * out by a {@link LockoutRule}. Kept for at most {@code maxKeys} keys, the oldest forgotten first, so that a flood of
 * made-up keys cannot fill the heap. A key quiet for {@code forgetAfter} starts again from zero.
 */
public final class FailureCounts {
    private record Entry(int failures, Instant lockedUntil, Instant last) {
    }

    private final LockoutRule rule;
    private final Clock clock;
    private final int maxKeys;
    private final Duration forgetAfter;
    private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

    public FailureCounts(LockoutRule rule, Clock clock, int maxKeys, Duration forgetAfter) {
        this.rule = Objects.requireNonNull(rule, "rule");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxKeys = maxKeys;
        this.forgetAfter = Objects.requireNonNull(forgetAfter, "forgetAfter");
    }

    /** Seconds {@code key} is still locked out for (rounded up), 0 when it is not. */
    public synchronized long lockedForSeconds(String key) {
        Entry entry = live(key);
        if (entry == null || entry.lockedUntil() == null) {
            return 0;
        }
        long millis = Duration.between(clock.instant(), entry.lockedUntil()).toMillis();
        return millis <= 0 ? 0 : (millis + 999) / 1000;
    }

    /** Counts a failure of {@code key}; returns the lock it caused, or null. */
    public synchronized Duration fail(String key) {
        Instant now = clock.instant();
        Entry entry = live(key);
        int failures = entry == null ? 1 : entry.failures() + 1;
        Duration lock = rule.lockFor(failures);
        Instant lockedUntil = lock != null ? now.plus(lock) : entry == null ? null : entry.lockedUntil();
        entries.put(key, new Entry(failures, lockedUntil, now));
        if (entries.size() > maxKeys) {
            Iterator<String> oldest = entries.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return lock;
    }

    /** Forgets {@code key}'s failures (a successful sign-in). */
    public synchronized void clear(String key) {
        entries.remove(key);
    }

    private Entry live(String key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        Instant now = clock.instant();
        boolean locked = entry.lockedUntil() != null && entry.lockedUntil().isAfter(now);
        if (!locked && entry.last().plus(forgetAfter).isBefore(now)) {
            entries.remove(key);
            return null;
        }
        return entry;
    }
}
