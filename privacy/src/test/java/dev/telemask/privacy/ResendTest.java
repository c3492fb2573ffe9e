package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A device resends what it has no acknowledgement for: a resend of records the ledger decided lately stores nothing
 * again, whatever the size of the frames that decided them; a record behind the frontier that was never sent is
 * stored private and counted late.
 */
class ResendTest {
    private static final long START = Ledgers.NOW - 86_400_000L;
    private final CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp().withTiming(Ledgers.CONTINUOUS),
            "k".getBytes(StandardCharsets.UTF_8));
    private final DeviceLedger ledger = new DeviceLedger();

    /** {@code n} driving records one second apart from {@code first} seconds after the start. */
    private static AvlBatch frame(int first, int n) {
        Drive drive = Drive.in("UTC");
        for (int i = first; i < first + n; i++) {
            drive.record(START + i * 1_000L, 52.5 + i * 1e-4, 13.4, 9, 1, 1, -1);
        }
        return drive.batch;
    }

    private void feed(AvlBatch frame) {
        ledger.apply(policy, Consent.ALL, false, frame, Ledgers.NOW, Long.MIN_VALUE, Long.MAX_VALUE, Ledgers.EXPIRY);
        ledger.committed();
    }

    @Test
    void aFullFrameDecidedAtOnceAndSentAgainStoresNothing() {
        feed(frame(0, 255));
        assertEquals(255, ledger.output().size(), "decided and stored at once");
        feed(frame(0, 255));
        assertEquals(0, ledger.output().size());
        assertEquals(255, ledger.resends());
        assertEquals(0, ledger.late());
    }

    @Test
    void theLastFramesOfAStreamOfSmallOnesAreRecognisedWhenSentAgain() {
        for (int f = 0; f < 500; f++) {
            feed(frame(5 * f, 5));
        }
        feed(frame(5 * 498, 10));
        assertEquals(0, ledger.output().size());
        assertEquals(10, ledger.resends());
        assertEquals(0, ledger.late());
    }

    @Test
    void aRecordBehindTheFrontierNeverSentBeforeIsStoredPrivateAndCountedLate() {
        feed(frame(0, 20));
        Drive drive = Drive.in("UTC");
        drive.record(START + 5_500L, 52.6, 13.5, 9, 1, 1, -1);
        feed(drive.batch);
        assertEquals(1, ledger.late());
        assertEquals(0, ledger.resends());
        assertEquals(1, ledger.output().size());
        assertEquals(Treatment.PRIVATE.code(), ledger.treatments()[0]);
        assertEquals(0, ledger.output().latitude(0), "nothing that locates it");
    }

    /**
     * A late record of the trip under way is a private trigger when it arrives while the driver's private switch is
     * on, as the private-mode element on it is, and as the switch is for a record of the trip that is not late: the
     * rest of the trip is private, not only the late record.
     */
    @Test
    void aLateRecordReceivedWhileTheSwitchIsOnMakesTheRestOfItsTripPrivate() {
        for (int variant = 0; variant < 2; variant++) {
            DeviceLedger instance = new DeviceLedger();
            Treatments out = new Treatments();
            Drive trip = Drive.in("UTC");
            for (int i = 0; i < 6; i++) {
                if (i != 3) {
                    trip.record(START + i * 40_000L, 52.5 + i * 1e-3, 13.4, 9, 1, 1, -1);
                }
            }
            Ledgers.feed(instance, policy, Consent.ALL, false, trip.batch, out);
            Drive late = Drive.in("UTC");
            late.record(START + 3 * 40_000L, 52.503, 13.4, 9, 1, 1, variant == 0 ? 1 : -1);
            // The element on it, or the switch on while it arrives.
            Ledgers.feed(instance, policy, Consent.ALL, variant == 1, late.batch, out);
            assertEquals(1, instance.late());
            Drive next = Drive.in("UTC");
            next.record(START + 6 * 40_000L, 52.506, 13.4, 9, 1, 1, -1);
            AvlBatch stored = Ledgers.feed(instance, policy, Consent.ALL, false, next.batch, out);
            Verdicts.assertTreatments(stored, out, Treatment.PRIVATE);
        }
    }

    @Test
    void aBacklogFlushedOnceDoesNotKeepItsBatchesOnceTrimmed() {
        feed(frame(0, 255));
        assertEquals(255, ledger.output().size());
        assertTrue(ledger.output().oversizedFor(16));
        ledger.trim();
        assertFalse(ledger.output().oversizedFor(16), "the output the flush grew was given back");
        assertFalse(ledger.frameBatch().oversizedFor(16), "and so was the frame batch");
        feed(frame(255, 2));
        assertEquals(2, ledger.output().size());
        assertEquals(START + 256_000L, ledger.output().timestamp(1));
    }

    /**
     * The resend that a reconnect brings most often: the frame was stored, its acknowledgement lost with the
     * connection, and the device sends it again to another instance, whose ledger is restored from the saved state
     * without the memory of what was decided lately. A parked record with the private-mode element on, the last one
     * decided, was private as itself; sent again it is no late record (the frontier is that very record), and must not
     * make the place private until the next trip starts: the next parked record with the element off is published as
     * it is on the instance that stored the frame, whatever instance the device reconnects to.
     */
    @Test
    void theFrontierRecordSentAgainAfterAReconnectIsAResendNotALatePress() {
        CompiledPolicy plain = CompiledPolicy.compile(Policy.noOp().withTiming(Ledgers.CONTINUOUS),
                "k".getBytes(StandardCharsets.UTF_8));
        // A business trip that ends, and the parked vehicle's record with the button on.
        Drive parked = Drive.in("UTC");
        parked.record(START, 52.49, 13.4, 9, 1, 1, 0);
        parked.record(START + 30_000L, 52.495, 13.4, 9, 1, 1, 0);
        parked.record(START + 60_000L, 52.5, 13.4, 9, 0, 0, 0);
        parked.record(START + 90_000L, 52.5, 13.4, 9, 0, 0, 1);
        Drive next = Drive.in("UTC");
        next.record(START + 120_000L, 52.5, 13.4, 9, 0, 0, 0);
        for (boolean reconnect : new boolean[] {false, true}) {
            DeviceLedger instance = new DeviceLedger();
            Treatments out = new Treatments();
            AvlBatch stored = Ledgers.feed(instance, plain, Consent.ALL, false, copy(parked.batch), out);
            Verdicts.assertTreatments(stored, out, Treatment.EXACT, Treatment.EXACT, Treatment.EXACT, Treatment.PRIVATE);
            if (reconnect) {
                byte[] saved = instance.savedState();
                instance = new DeviceLedger();
                instance.restore(saved, new PendingRecords());
            }
            Ledgers.feed(instance, plain, Consent.ALL, false, copy(parked.batch), out);
            stored = Ledgers.feed(instance, plain, Consent.ALL, false, copy(next.batch), out);
            Verdicts.assertTreatments(stored, out, Treatment.EXACT);
        }
    }

    private static AvlBatch copy(AvlBatch batch) {
        AvlBatch copy = new AvlBatch();
        copy.copyFrom(batch);
        return copy;
    }
}
