package dev.telemask.gateway.api;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds of the live fleet stream ({@code GET /fleet/live}).
 *
 * @param maxClients     streams open at once on this instance; one more is answered 503
 * @param maxBufferBytes bytes a stream may have waiting for its client; a client that falls further behind is cut
 * @param heartbeat      how often an idle stream gets a comment, so that proxies and clients see it alive
 * @param recheck        how often an open stream's token is checked again (revoked or expired: the stream ends)
 */
public record LiveSettings(int maxClients, int maxBufferBytes, Duration heartbeat, Duration recheck) {
    public LiveSettings {
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(recheck, "recheck");
        if (maxClients < 1 || maxBufferBytes < 1024) {
            throw new IllegalArgumentException("api.live-clients must be at least 1 and the buffer at least 1 KiB");
        }
        if (heartbeat.isNegative() || heartbeat.isZero() || recheck.isNegative() || recheck.isZero()) {
            throw new IllegalArgumentException("the live stream's heartbeat and token check must be positive");
        }
    }

    /** 200 streams, 256 KiB each, a heartbeat every 15 s, the token checked every minute. */
    public static LiveSettings defaults() {
        return new LiveSettings(200, 256 * 1024, Duration.ofSeconds(15), Duration.ofMinutes(1));
    }

    /** The defaults with another number of streams. */
    public static LiveSettings withClients(int maxClients) {
        LiveSettings d = defaults();
        return new LiveSettings(maxClients, d.maxBufferBytes(), d.heartbeat(), d.recheck());
    }
}
