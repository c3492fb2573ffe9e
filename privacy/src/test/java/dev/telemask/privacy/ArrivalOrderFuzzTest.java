package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The arrival-order property with many deliveries of one history at once: each history (from its own seed, so that
 * one can be replayed alone) is sent in order once, then in several other ways that mix everything a device and the
 * gateway do to one stream, all within the anchor delay: frames newest first, shuffled or cut anew, record by record
 * backwards, whole frames resent after they were stored, frames rolled back and resent, reconnects to another
 * instance (state saved and restored, the sealed records given back as the gateway reads them), and clock-only
 * passes up to the millisecond before the next deadline. What is finally stored per record (device time, event ID)
 * must be the same text: treatment, position, speed and the IO elements kept.
 *
 * <p>Within the anchor delay the property is exact equality, with nothing allowed to differ. What arrives after a
 * deadline is decided fail closed (see {@link ArrivalOrderPropertyTest#aBacklogSlowerThanTheAnchorDelayPublishesNothingMore}).
 */
class ArrivalOrderFuzzTest {
    /** How many histories a run sends, from which seed: more, to search (-Darrival.histories, -Darrival.seed). */
    static final int HISTORIES = Integer.getInteger("arrival.histories", 150);
    static final long FIRST_SEED = Long.getLong("arrival.seed", 1);
    static final int DELIVERIES = 8;

    @Test
    void everyDeliveryOfAHistoryStoresTheSame() {
        int orders = 0;
        for (long seed = FIRST_SEED; seed < FIRST_SEED + HISTORIES; seed++) {
            orders += deliveries(seed);
        }
        assertEquals(HISTORIES * DELIVERIES, orders);
    }

    /** Sends history {@code seed} in order, then {@link #DELIVERIES} other ways; returns how many were compared. */
    static int deliveries(long seed) {
        ArrivalOrderPropertyTest gen = new ArrivalOrderPropertyTest();
        gen.random = new Random(seed);
        double lat = gen.random.nextDouble() * 120 - 60;
        double lon = gen.random.nextDouble() * 340 - 170;
        CompiledPolicy policy = CompiledPolicy.compile(gen.randomPolicy(lat, lon), ArrivalOrderPropertyTest.KEY);
        AvlBatch drive = gen.randomDrive(lat, lon);
        // The decided past never ends inside a millisecond: the rest of it (event 251 after 250 was decided) sent first
        // would be stored exact and sent after the newer records private (seed 83, one record a frame backwards), late
        // like any record missing between two decided ones less than maxRecordGap apart (docs/POLICY.md, "What is
        // assumed"). Fail closed, and not what this property compares.
        AvlBatch history = ArrivalOrderPropertyTest.first(drive, ArrivalOrderPropertyTest.pastEnd(drive,
                gen.random.nextInt(6)));
        AvlBatch rest = ArrivalOrderPropertyTest.after(drive, history.size());
        List<AvlBatch> frames = gen.frames(rest);
        Random script = new Random(seed * 31 + 7);
        Map<String, String> inOrder = new Delivery(policy, new Random(0), false).send(history, frames);
        ArrivalOrderPropertyTest.assertHidesWhatTheRulesHide(policy, history, rest, inOrder, "seed " + seed);
        for (int d = 0; d < DELIVERIES; d++) {
            List<AvlBatch> other = switch (d % 4) {
                case 0 -> frames.reversed();
                case 1 -> shuffled(frames, script);
                case 2 -> shuffled(gen.frames(rest), script);
                default -> single(rest).reversed();
            };
            Map<String, String> rows = new Delivery(policy, script, true).send(history, other);
            assertEquals(inOrder, rows, "seed " + seed + " delivery " + d + ":"
                    + ArrivalOrderPropertyTest.differences(inOrder, rows));
        }
        return DELIVERIES;
    }

    static List<AvlBatch> shuffled(List<AvlBatch> frames, Random random) {
        List<AvlBatch> copy = new ArrayList<>(frames);
        Collections.shuffle(copy, random);
        return copy;
    }

    /**
     * One record a frame, but records of one millisecond together in event order, as {@link ArrivalOrderPropertyTest}
     * cuts them: split, the first of them in event order may be decided late.
     */
    static List<AvlBatch> single(AvlBatch rest) {
        List<AvlBatch> frames = new ArrayList<>();
        for (int r = 0; r < rest.size(); r++) {
            AvlBatch frame = new AvlBatch();
            frame.appendRecord(rest, r);
            while (r + 1 < rest.size() && rest.timestamp(r + 1) == rest.timestamp(r)) {
                frame.appendRecord(rest, ++r);
            }
            frames.add(frame);
        }
        return frames;
    }

    /** One delivery: the engine of whichever instance the device is connected to, and what the store holds. */
    static final class Delivery {
        final CompiledPolicy policy;
        final Random random;
        final boolean disturbed;
        /** A disturbed delivery reconnects before a frame one time in this many (1: before every frame). */
        int reconnectOneIn = 8;
        /**
         * Resends only frames sent since the last reconnect: a ledger restored on another instance does not know what
         * was decided before it, and takes a resend of that as late records (see CombinedFeaturesFuzzTest).
         */
        boolean resendOnlySinceReconnect;
        private int sentBeforeReconnect;
        /** The frames (by index in {@code send}'s list) that arrive while the driver's manual private switch is on. */
        java.util.Set<Integer> manualFrames = java.util.Set.of();
        /** The keys of the records first received while the switch was on: private triggers. */
        final java.util.Set<String> receivedManual = new java.util.TreeSet<>();
        private final java.util.Set<String> received = new java.util.HashSet<>();
        private boolean manual;
        final Map<String, String> rows = new TreeMap<>();
        /** The sealed rows the store holds, as the gateway reads them back on a reconnect. */
        final PendingRecords sealedOnDisk = new PendingRecords();
        final Map<String, Integer> sealedKeys = new TreeMap<>();
        DeviceLedger ledger = new DeviceLedger();
        long now = ArrivalOrderPropertyTest.ARRIVAL;

        Delivery(CompiledPolicy policy, Random random, boolean disturbed) {
            this.policy = policy;
            this.random = random;
            this.disturbed = disturbed;
        }

        Map<String, String> send(AvlBatch history, List<AvlBatch> frames) {
            apply(copy(history));
            now += policy.anchorDelayMillis + 1;
            apply(null);
            List<AvlBatch> sent = new ArrayList<>();
            for (AvlBatch frame : frames) {
                now += disturbed ? 1 + random.nextInt(20) : 20;
                manual = manualFrames.contains(sent.size());
                if (disturbed) {
                    disturb(sent);
                }
                apply(copy(frame));
                sent.add(frame);
            }
            manual = false;
            if (disturbed && sent.size() > sentBeforeReconnect && random.nextBoolean()) {
                now += 1;
                apply(copy(resendable(sent))); // a resend of what is stored
            }
            long last = now;
            apply(null, last + policy.anchorDelayMillis + 1);
            apply(null, last + 2 * policy.anchorDelayMillis + 2);
            apply(null, last + ArrivalOrderPropertyTest.EXPIRY + 1);
            assertTrue(sealedKeys.isEmpty(), "everything decided at expiry");
            return rows;
        }

        /** Before a frame: perhaps a reconnect, a resend of a stored frame, a failed write, a clock-only pass. */
        private void disturb(List<AvlBatch> sent) {
            if (random.nextInt(reconnectOneIn) == 0) {
                reconnect();
                if (resendOnlySinceReconnect) {
                    sentBeforeReconnect = sent.size();
                }
            }
            if (sent.size() > sentBeforeReconnect && random.nextInt(6) == 0) {
                apply(copy(resendable(sent)));
            }
            if (!sent.isEmpty() && random.nextInt(6) == 0) {
                ledger.apply(policy, Consent.ALL, manual, copy(sent.get(random.nextInt(sent.size()))), now,
                        Long.MIN_VALUE, Long.MAX_VALUE, ArrivalOrderPropertyTest.EXPIRY);
                ledger.rolledBack();
            }
            if (random.nextInt(4) == 0) {
                long deadline = ledger.nextDeadlineMillis(policy, ArrivalOrderPropertyTest.EXPIRY);
                // Up to the millisecond before the next deadline, never past it: what a deadline decides without
                // the records still to come is fail closed by design.
                apply(null, Math.min(now, deadline - 1));
            }
        }

        private AvlBatch resendable(List<AvlBatch> sent) {
            return sent.get(sentBeforeReconnect + random.nextInt(sent.size() - sentBeforeReconnect));
        }

        private void reconnect() {
            byte[] saved = ledger.savedState();
            ledger = new DeviceLedger();
            PendingRecords sealed = new PendingRecords();
            for (int i = 0; i < sealedOnDisk.size(); i++) {
                String key = ArrivalOrderPropertyTest.key(sealedOnDisk.timeAt(i), sealedOnDisk.eventAt(i));
                if (sealedKeys.containsKey(key)) {
                    sealed.add(sealedOnDisk.records(), sealedOnDisk.slot(i), sealedOnDisk.flagsAt(i),
                            sealedOnDisk.receivedAtMillis(i), true);
                }
            }
            ledger.restore(saved, sealed);
        }

        private void apply(AvlBatch frame) {
            apply(frame, now);
        }

        private void apply(AvlBatch frame, long at) {
            for (int r = 0; frame != null && r < frame.size(); r++) {
                String key = ArrivalOrderPropertyTest.key(frame.timestamp(r), frame.eventIo(r));
                if (received.add(key) && manual) {
                    receivedManual.add(key);
                }
            }
            ledger.apply(policy, Consent.ALL, manual, frame, at, Long.MIN_VALUE, Long.MAX_VALUE,
                    ArrivalOrderPropertyTest.EXPIRY);
            ledger.committed();
            for (int i = 0; i < ledger.resolvedCount(); i++) {
                sealedKeys.remove(ArrivalOrderPropertyTest.key(ledger.resolvedTimes()[i], ledger.resolvedEvents()[i]));
            }
            AvlBatch out = ledger.output();
            for (int r = 0; r < out.size(); r++) {
                Treatment t = Treatment.ofCode(ledger.treatments()[r]);
                String key = ArrivalOrderPropertyTest.key(out.timestamp(r), out.keyEventIo(r));
                if (t == Treatment.SEALED) {
                    sealedKeys.put(key, 1);
                    sealedOnDisk.add(out, r, ledger.sealFlags()[r], at, true);
                } else if (t != Treatment.DROPPED && t != Treatment.ZONE) {
                    // As the writer (PositionBatch.isStored): a record a zone hides is not stored, nor a dropped one.
                    rows.putIfAbsent(key, ArrivalOrderPropertyTest.row(out, r, t)); // the store keeps the first
                }
            }
        }

        private static AvlBatch copy(AvlBatch frame) {
            AvlBatch copy = new AvlBatch();
            copy.copyFrom(frame);
            return copy;
        }
    }
}
