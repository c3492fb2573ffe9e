package dev.telemask.gateway.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How much of the gateway one API client may take: how long a streamed response may wait for a client that stopped
 * reading, and how many heavy reads (tracks, trips, exports) may run at once per token, per fleet and in all.
 *
 * @param writeTimeout        a streamed response whose client takes no bytes for this long is cut
 * @param heavyReadsPerToken  heavy reads under way at once with one token
 * @param heavyReadsPerFleet  heavy reads under way at once in one fleet (tenant)
 * @param heavyReadsTotal     heavy reads under way at once in all; keep it below the API's pool size so that light
 *                            calls always find a connection
 */
public record ApiSettings(Duration writeTimeout, int heavyReadsPerToken, int heavyReadsPerFleet, int heavyReadsTotal) {
    public ApiSettings {
        Objects.requireNonNull(writeTimeout, "writeTimeout");
        if (writeTimeout.isNegative() || writeTimeout.isZero()) {
            throw new IllegalArgumentException("writeTimeout must be positive, was " + writeTimeout);
        }
        if (heavyReadsPerToken <= 0 || heavyReadsPerFleet <= 0 || heavyReadsTotal <= 0) {
            throw new IllegalArgumentException("heavy read limits must be positive");
        }
    }

    /** The limits for an API pool of {@code poolSize} connections: two of them stay free of heavy reads. */
    public static ApiSettings forPool(Duration writeTimeout, int perToken, int perFleet, int poolSize) {
        return new ApiSettings(writeTimeout, perToken, perFleet, Math.max(1, poolSize - 2));
    }

    /** The defaults of {@code ./telemask serve}: 30 s write timeout, 2 per token, 4 per fleet, 6 in all. */
    public static ApiSettings defaults() {
        return forPool(Duration.ofSeconds(30), 2, 4, 8);
    }
}
