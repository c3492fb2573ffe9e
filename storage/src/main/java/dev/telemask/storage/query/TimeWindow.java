package dev.telemask.storage.query;

import java.time.Instant;
import java.util.Objects;

/** A half-open time range {@code [from, to)} that a query is bounded by. */
public record TimeWindow(Instant from, Instant to) {
    public TimeWindow {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from " + from + " must be before to " + to);
        }
    }
}
