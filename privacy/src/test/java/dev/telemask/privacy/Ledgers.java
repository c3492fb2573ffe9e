package dev.telemask.privacy;

import dev.telemask.codec.AvlBatch;
import java.time.Duration;

/** Runs drives through a {@link DeviceLedger} the way the gateway does, for tests that look at the stored result. */
final class Ledgers {
    /** For drives logged every few minutes: continuous, no grace window, no anchor delay. */
    static final TripTiming CONTINUOUS = new TripTiming(Duration.ZERO, Duration.ofHours(1), Duration.ofHours(2),
            Duration.ZERO);
    static final long NOW = 1_800_000_000_000L;
    static final long EXPIRY = Duration.ofDays(1).toMillis();

    private Ledgers() {}

    /** Feeds {@code frame} to {@code ledger} and commits; the stored records are in {@code ledger.output()}. */
    static AvlBatch feed(DeviceLedger ledger, CompiledPolicy policy, Consent consent, boolean manualPrivate,
                         AvlBatch frame, Treatments out) {
        ledger.apply(policy, consent, manualPrivate, frame, NOW, Long.MIN_VALUE, Long.MAX_VALUE, EXPIRY);
        ledger.committed();
        AvlBatch stored = ledger.output();
        out.reset(stored.size());
        for (int r = 0; r < stored.size(); r++) {
            out.set(r, Treatment.ofCode(ledger.treatments()[r]));
        }
        return stored;
    }
}
