package dev.telemask.gateway.ingest;

import java.time.Duration;
import java.time.Period;
import java.time.ZoneOffset;

/**
 * The time bounds of ingest: records older than the retention period or further ahead of the gateway's clock than
 * the allowed skew are acknowledged and not stored; undecided records wait at most the sealed expiry.
 */
record IngestLimits(Period retention, Duration maxFutureSkew, Duration sealedExpiry) {
    /** The oldest device time still stored when the gateway's clock reads {@code nowMillis}. */
    long oldestMillis(long nowMillis) {
        return java.time.Instant.ofEpochMilli(nowMillis).atOffset(ZoneOffset.UTC).minus(retention).toInstant()
                .toEpochMilli();
    }
}
