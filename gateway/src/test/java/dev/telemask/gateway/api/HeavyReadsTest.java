package dev.telemask.gateway.api;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HeavyReadsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final HeavyReads reads = new HeavyReads(new ApiSettings(Duration.ofSeconds(30), 2, 3, 4), registry);

    private static Caller caller(long token, long fleet) {
        return new Caller(token, "t" + token, fleet, Role.DRIVER, 350_000_000_000_001L);
    }

    @Test
    void aTokenBeyondItsLimitGets429WithRetryAfterUntilOneEnds() {
        HeavyReads.Permit first = reads.acquire(caller(1, 10));
        reads.acquire(caller(1, 10));
        ApiError refused = assertThrows(ApiError.class, () -> reads.acquire(caller(1, 10)));
        assertEquals(429, refused.status());
        assertEquals(HeavyReads.RETRY_AFTER_SECONDS, refused.retryAfterSeconds());
        assertEquals(1, registry.counter("telemask.api.throttled", "limit", "token").count());

        first.close();
        first.close(); // a second close must not free a second place
        reads.acquire(caller(1, 10));
        assertThrows(ApiError.class, () -> reads.acquire(caller(1, 10)));
    }

    @Test
    void aFleetAndTheGatewayAreLimitedAcrossTokens() {
        reads.acquire(caller(1, 10));
        reads.acquire(caller(2, 10));
        reads.acquire(caller(3, 10));
        ApiError fleet = assertThrows(ApiError.class, () -> reads.acquire(caller(4, 10)));
        assertEquals(429, fleet.status());
        assertEquals(1, registry.counter("telemask.api.throttled", "limit", "fleet").count());

        reads.acquire(caller(5, 20));
        assertThrows(ApiError.class, () -> reads.acquire(caller(6, 30)));
        assertEquals(1, registry.counter("telemask.api.throttled", "limit", "total").count());
        assertEquals(4, reads.inFlight());
    }
}
