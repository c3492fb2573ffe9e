package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tracker without ignition or movement (each record judged on its own) drives through home's hidden disc and out,
 * and uploads it as a backlog newest first, the stretch past the disc more than {@code anchorDelay} before the disc's
 * own records. Decided after the gap without them, the first fixes past the disc's edge (the trail, which hides the
 * turns near home) must stay hidden as when the drive arrives at once: published, they point home.
 */
class ZoneTrailBacklogAttackTest {
    private static final double HOME_LAT = 48.0;
    private static final double HOME_LON = 11.0;
    private static final CompiledPolicy POLICY = CompiledPolicy.compile(
            Policy.noOp().withZones(List.of(new PrivacyZone("home", HOME_LAT, HOME_LON, 200)))
                    .withTiming(TripTiming.DEFAULT),
            "trail-backlog".getBytes(StandardCharsets.UTF_8));
    private static final long T0 = Ledgers.NOW - 3_600_000L;

    @Test
    void theTrailPastTheDiscStaysHiddenWhenItArrivesBeforeTheDiscsRecords() {
        AvlBatch drive = new AvlBatch();
        for (int i = -8; i <= 8; i++) {
            double[] p = Haversine.destination(HOME_LAT, HOME_LON, Math.PI / 2, i * 400.0);
            drive.addRecord(T0 + (i + 8) * 30_000L, 1, Drive.e7(p[1]), Drive.e7(p[0]), 100, 90, 9, 48, 0,
                    AvlBatch.NO_GENERATION);
            drive.addIo(Drive.CELL_ID, 2, 31_337);
        }
        int pastDisc = drive.size() - 1;
        while (!POLICY.inZone(drive.latitude(pastDisc - 1), drive.longitude(pastDisc - 1))) {
            pastDisc--;
        }
        Treatment[] atOnce = new Treatment[drive.size()];
        DeviceLedger ledger = new DeviceLedger();
        feed(ledger, drive, 0, drive.size(), Ledgers.NOW, atOnce);
        feed(ledger, null, 0, 0, Ledgers.NOW + 10_000, atOnce);
        assertEquals(Treatment.ZONE, atOnce[pastDisc], "the first fix past the disc is on its trail");

        Treatment[] slowly = new Treatment[drive.size()];
        ledger = new DeviceLedger();
        feed(ledger, drive, 0, 1, Ledgers.NOW, slowly);
        feed(ledger, null, 0, 0, Ledgers.NOW + 10_000, slowly);
        feed(ledger, drive, pastDisc, drive.size(), Ledgers.NOW + 20_000, slowly);
        feed(ledger, null, 0, 0, Ledgers.NOW + 30_000, slowly);
        feed(ledger, drive, 1, pastDisc, Ledgers.NOW + 40_000, slowly);
        feed(ledger, null, 0, 0, Ledgers.NOW + 50_000, slowly);
        for (int r = 0; r < drive.size(); r++) {
            assertTrue(atOnce[r] != Treatment.ZONE || slowly[r] == Treatment.ZONE,
                    "record " + r + " hidden at once, " + slowly[r] + " slowly");
        }
    }

    /** Sends records {@code from} to {@code to} newest first (none: only the clock moves) and notes what was stored. */
    private static void feed(DeviceLedger ledger, AvlBatch drive, int from, int to, long now, Treatment[] stored) {
        AvlBatch frame = null;
        if (drive != null) {
            frame = new AvlBatch();
            for (int r = to - 1; r >= from; r--) {
                frame.appendRecord(drive, r);
            }
        }
        ledger.apply(POLICY, Consent.ALL, false, frame, now, Long.MIN_VALUE, Long.MAX_VALUE, Ledgers.EXPIRY);
        ledger.committed();
        AvlBatch out = ledger.output();
        for (int r = 0; r < out.size(); r++) {
            Treatment t = Treatment.ofCode(ledger.treatments()[r]);
            if (t != Treatment.SEALED) {
                stored[(int) ((out.timestamp(r) - T0) / 30_000L)] = t;
            }
        }
    }
}
