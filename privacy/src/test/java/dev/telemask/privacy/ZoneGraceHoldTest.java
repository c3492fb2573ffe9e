package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When a trip that starts in a hidden disc is published. The live map, webhooks and Kafka see the moment a trip's
 * first records are published; held until the grace window from the trip's start ended, that moment less the window
 * was when the trip began at home, and the time from there to the first visible record, at its speed, the way's
 * length. So such a trip is held until the window has passed since its first fix outside every hidden disc.
 */
class ZoneGraceHoldTest {
    private static final byte[] KEY = "zone-grace-hold-key".getBytes(StandardCharsets.UTF_8);
    private static final double HOME_LAT = 50.11;
    private static final double HOME_LON = 8.68;
    private static final CompiledPolicy POLICY = CompiledPolicy.compile(Policy.noOp()
            .withZones(List.of(new PrivacyZone("home", HOME_LAT, HOME_LON, 300))).withTiming(TripTiming.DEFAULT), KEY);
    private static final long GRACE = TripTiming.DEFAULT.graceWindow().toMillis();
    private static final long DELIVERY = 1_000;
    private static final double BEARING = 1.1;

    private final DeviceLedger ledger = new DeviceLedger();

    @Test
    void aTripFromHomeIsPublishedAGraceWindowAfterItLeftTheHiddenDisc() {
        AvlBatch drive = homeAndOut(6_000);
        long left = firstOutsideDiscs(drive);
        long publishedWith = Long.MIN_VALUE;
        for (int r = 0; r < drive.size(); r++) {
            AvlBatch stored = feed(drive, r);
            for (int s = 0; s < stored.size(); s++) {
                Treatment treatment = Treatment.ofCode(ledger.treatments()[s]);
                assertNotEquals(Treatment.PRIVATE, treatment, "the hold made the trip private");
                if (treatment == Treatment.EXACT && stored.timestamp(s) > drive.timestamp(0)
                        && publishedWith == Long.MIN_VALUE) {
                    publishedWith = drive.timestamp(r);
                }
            }
        }
        assertTrue(publishedWith >= left + GRACE, "the trip's first visible record was published with the record of "
                + (publishedWith - left) / 1000 + " s after it left the hidden disc, inside the grace window from there,"
                + " so its publication timed the trip's start at home");
        assertTrue(publishedWith < left + GRACE + SpokeDrive.STEP_MILLIS, "held past the first record after the hold");
    }

    @Test
    void aTripThatEndsWhileHeldIsPublishedWhenTheHoldHasPassedByTheGatewaysClock() {
        AvlBatch out = homeAndOut(6_000);
        long left = firstOutsideDiscs(out);
        // The same trip, ended (ignition off) 100 s after it left the disc: its parked records come an hour later.
        AvlBatch drive = new AvlBatch();
        int last = 0;
        while (out.timestamp(last) < left + 100_000) {
            drive.appendRecord(out, last++);
        }
        SpokeDrive stop = new SpokeDrive(HOME_LAT, HOME_LON, out.timestamp(last - 1), 20_000_000);
        stop.along = along(out, last - 1);
        stop.drive(drive, BEARING, stop.along + 100, false);
        long ended = drive.timestamp(drive.size() - 1);
        for (int r = 0; r < drive.size(); r++) {
            feed(drive, r);
        }
        assertTrue(ledger.pendingCount() > 0, "the trip was decided when it ended, inside the grace window from where"
                + " it left the disc: its publication timed its start at home");
        long release = ended + DELIVERY + (left + GRACE - ended);
        assertEquals(release, ledger.nextDeadlineMillis(POLICY, Ledgers.EXPIRY), "the clock releases the held trip");

        ledger.apply(POLICY, Consent.ALL, false, null, release, Long.MIN_VALUE, Long.MAX_VALUE, Ledgers.EXPIRY);
        ledger.committed();
        assertEquals(0, ledger.pendingCount(), "released by the clock");
        AvlBatch stored = ledger.output();
        int exact = 0;
        for (int s = 0; s < stored.size(); s++) {
            Treatment treatment = Treatment.ofCode(ledger.treatments()[s]);
            assertNotEquals(Treatment.PRIVATE, treatment, "the hold made the trip private");
            exact += treatment == Treatment.EXACT ? 1 : 0;
        }
        assertTrue(exact > 0, "the trip's visible part was published");
    }

    /** Parked at home, then out along {@link #BEARING} to {@code metres}, one record every 10 s. */
    private static AvlBatch homeAndOut(double metres) {
        SpokeDrive vehicle = new SpokeDrive(HOME_LAT, HOME_LON, Ledgers.NOW, 10_000_000);
        AvlBatch drive = new AvlBatch();
        vehicle.park(drive, BEARING, 1);
        vehicle.time = drive.timestamp(0) + SpokeDrive.STEP_MILLIS - 10 * 60_000;
        vehicle.park(drive, BEARING, 1);
        vehicle.drive(drive, BEARING, metres, false);
        return drive;
    }

    private static long firstOutsideDiscs(AvlBatch drive) {
        for (int r = 0; r < drive.size(); r++) {
            if (!POLICY.inZone(drive.latitude(r), drive.longitude(r))) {
                return drive.timestamp(r);
            }
        }
        throw new AssertionError("the drive never left the hidden disc");
    }

    private static double along(AvlBatch drive, int r) {
        return Haversine.metres(HOME_LAT, HOME_LON, drive.latitude(r) / 1e7, drive.longitude(r) / 1e7);
    }

    /** Record {@code r} as a frame of its own, received a second after it was logged. */
    private AvlBatch feed(AvlBatch drive, int r) {
        AvlBatch frame = new AvlBatch();
        frame.appendRecord(drive, r);
        ledger.apply(POLICY, Consent.ALL, false, frame, drive.timestamp(r) + DELIVERY, Long.MIN_VALUE, Long.MAX_VALUE, Ledgers.EXPIRY);
        ledger.committed();
        return ledger.output();
    }
}
