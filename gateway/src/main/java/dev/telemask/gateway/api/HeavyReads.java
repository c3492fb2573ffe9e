package dev.telemask.gateway.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts the heavy reads (tracks, trips, exports: long queries streamed to the client) under way per token, per
 * fleet and in all, and refuses one more beyond a limit with 429. Each holds an API connection for as long as its
 * client reads, so without a limit one token could take them all.
 */
final class HeavyReads {
    /** What a refused client is told to wait: long enough for a typical track page to finish. */
    static final int RETRY_AFTER_SECONDS = 2;

    private final ApiSettings settings;
    private final Map<String, Integer> byToken = new HashMap<>();
    private final Map<Long, Integer> byFleet = new HashMap<>();
    private final MeterRegistry registry;
    private int total;

    HeavyReads(ApiSettings settings, MeterRegistry registry) {
        this.settings = settings;
        this.registry = registry;
    }

    /** One heavy read under way; closing it ends it. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /** A permit for the caller's read, or 429 naming the limit that is reached. */
    Permit acquire(Caller caller) {
        String refused = tryTake(caller);
        if (refused != null) {
            Counter.builder("telemask.api.throttled").description("Heavy API reads refused with 429, by limit")
                    .tag("limit", refused).register(registry).increment();
            throw ApiError.tooManyRequests("too many track, trip or export reads under way " + switch (refused) {
                case "token" -> "with this token (at most " + settings.heavyReadsPerToken() + ")";
                case "fleet" -> "in this fleet (at most " + settings.heavyReadsPerFleet() + ")";
                default -> "on this gateway";
            } + "; try again shortly", RETRY_AFTER_SECONDS);
        }
        return new Permit() {
            private boolean closed;

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    release(caller);
                }
            }
        };
    }

    private synchronized String tryTake(Caller caller) {
        if (byToken.getOrDefault(caller.actor(), 0) >= settings.heavyReadsPerToken()) {
            return "token";
        }
        if (byFleet.getOrDefault(caller.tenantId(), 0) >= settings.heavyReadsPerFleet()) {
            return "fleet";
        }
        if (total >= settings.heavyReadsTotal()) {
            return "total";
        }
        byToken.merge(caller.actor(), 1, Integer::sum);
        byFleet.merge(caller.tenantId(), 1, Integer::sum);
        total++;
        return null;
    }

    private synchronized void release(Caller caller) {
        byToken.computeIfPresent(caller.actor(), (k, n) -> n == 1 ? null : n - 1);
        byFleet.computeIfPresent(caller.tenantId(), (k, n) -> n == 1 ? null : n - 1);
        total--;
    }

    /** Heavy reads under way, for tests and a gauge. */
    synchronized int inFlight() {
        return total;
    }
}
