package dev.telemask.gateway.api;

import dev.telemask.gateway.account.FailureCounts;
import dev.telemask.gateway.account.LockoutRule;

import java.time.Clock;
import java.time.Duration;

/**
 * Registrations a fleet made of IMEIs another fleet holds, counted per fleet in memory. An IMEI is the deployment's
 * device key, so such a registration must be refused, and the refusal says the IMEI is in use somewhere: one at a
 * time that is what the IMEI printed on a tracker tells anyway, but in bulk it would list every device of every
 * fleet. So a fleet whose registrations were refused {@link #RULE}'s threshold times is refused every registration
 * (429, fresh IMEIs too, lest the answer still tell taken from free) for a while, which grows with each lock-out.
 */
final class RefusedRegistrations {
    /** 20 refusals lock a fleet's registrations for 15 minutes, doubling with every 20 more, up to a day. */
    static final LockoutRule RULE = new LockoutRule(20, Duration.ofMinutes(15), Duration.ofDays(1));
    private static final int MAX_FLEETS = 100_000;

    private final FailureCounts counts;

    RefusedRegistrations(Clock clock) {
        this.counts = new FailureCounts(RULE, clock, MAX_FLEETS, Duration.ofDays(1));
    }

    /** Throws 429 when {@code tenantId} may not register now. */
    void check(long tenantId) {
        long seconds = counts.lockedForSeconds(key(tenantId));
        if (seconds > 0) {
            throw ApiError.tooManyRequests("too many registrations of IMEIs other fleets hold; try again later",
                    (int) Math.min(Integer.MAX_VALUE, seconds));
        }
    }

    /** Counts a registration of {@code tenantId} refused because another fleet holds the IMEI. */
    void refused(long tenantId) {
        counts.fail(key(tenantId));
    }

    private static String key(long tenantId) {
        return Long.toString(tenantId);
    }
}
