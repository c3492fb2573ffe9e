package dev.telemask.gateway.api;

import java.io.IOException;

/**
 * A streamed response could not go on because of its client: it closed the connection, or stopped reading for
 * longer than the write timeout (then the gateway cut it). Expected, not a fault of the gateway.
 */
final class ClientGone extends IOException {
    /** Why: {@code client_closed} or {@code write_timeout}, the metric's tag. */
    private final String reason;

    ClientGone(String reason, String message) {
        super(message, null);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}
