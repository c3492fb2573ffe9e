package dev.telemask.gateway.account;

import java.time.Duration;
import java.util.Objects;

/**
 * When failed sign-ins lock out: every {@code threshold}-th failure in a row locks for {@code first}, doubled at each
 * further lock-out up to {@code longest}. So 5 failures lock for 15 minutes, 5 more for 30, and so on.
 */
public record LockoutRule(int threshold, Duration first, Duration longest) {
    /** A user account's: 5 failures in a row lock it for 15 minutes, growing to a day. */
    public static final LockoutRule ACCOUNT = new LockoutRule(5, Duration.ofMinutes(15), Duration.ofDays(1));
    /** A source address's: 20 failures lock it out for 15 minutes, growing to a day. */
    public static final LockoutRule ADDRESS = new LockoutRule(20, Duration.ofMinutes(15), Duration.ofDays(1));

    public LockoutRule {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(longest, "longest");
        if (threshold < 1 || first.isNegative() || first.isZero() || longest.compareTo(first) < 0) {
            throw new IllegalArgumentException("a lock-out needs a threshold of 1 or more and 0 < first <= longest");
        }
    }

    /** How long the {@code failures}-th failure in a row locks for, or null when it does not. */
    public Duration lockFor(int failures) {
        if (failures < threshold || failures % threshold != 0) {
            return null;
        }
        int doublings = Math.min(30, failures / threshold - 1);
        Duration lock = first.multipliedBy(1L << doublings);
        return lock.compareTo(longest) > 0 || lock.isNegative() ? longest : lock;
    }
}
