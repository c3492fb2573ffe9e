package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A position the device states in answer to a command (getgps) is of now: it shows only what a record of now would,
 * and only once the records up to now are decided; every doubt withholds it.
 */
class StatedPositionTest {
    private static final byte[] KEY = "stated-position-key".getBytes(StandardCharsets.UTF_8);
    private static final double LAT = 52.5200;
    private static final double LON = 13.4000;
    private final CompiledPolicy open = CompiledPolicy.compile(Policy.noOp().withTiming(Ledgers.CONTINUOUS), KEY);

    private static DeviceLedger after(CompiledPolicy policy, Drive drive) {
        DeviceLedger ledger = new DeviceLedger();
        Ledgers.feed(ledger, policy, Consent.ALL, false, drive.batch, new Treatments());
        return ledger;
    }

    private static AvlBatch stated(long time) {
        AvlBatch answer = new AvlBatch();
        answer.addRecord(time, 0, Drive.e7(LON), Drive.e7(LAT), 40, 90, 9, 50, 0, AvlBatch.NO_GENERATION);
        return answer;
    }

    private static long at(String local) {
        return Drive.millis(local, java.time.ZoneId.of("Europe/Berlin"));
    }

    @Test
    void duringAPublicTripItIsShownAsARecordOfTheTripWouldBe() {
        DeviceLedger ledger = after(open, Drive.in("Europe/Berlin")
                .fix("2026-06-02T08:00", 52.50, 13.38, 1, 1).fix("2026-06-02T08:01", 52.51, 13.39, 1, 1));
        byte[] before = ledger.state().save();
        AvlBatch answer = stated(at("2026-06-02T08:01:30"));
        assertEquals(Treatment.EXACT, ledger.maskStatedPosition(open, Consent.ALL, false, answer, 0,
                at("2026-06-02T08:01:30")));
        assertEquals(Drive.e7(LAT), answer.latitude(0));
        assertArrayEquals(before, ledger.state().save(), "an answer changes nothing the records decide");
    }

    @Test
    void duringOrAfterAPrivateTripItIsWithheld() {
        Drive drive = Drive.in("Europe/Berlin")
                .fixWithPrivateMode("2026-06-02T18:00", 52.50, 13.38, 1, 1, 1)
                .fixWithPrivateMode("2026-06-02T18:01", 52.51, 13.39, 1, 1, 1);
        DeviceLedger driving = after(open, drive);
        assertEquals(0, driving.pendingCount(), "decided: withheld for the trip, not for waiting records");
        assertTrue(driving.state().tripPrivate());
        AvlBatch answer = stated(at("2026-06-02T18:01:30"));
        assertEquals(Treatment.PRIVATE, driving.maskStatedPosition(open, Consent.ALL, false, answer, 0,
                at("2026-06-02T18:01:30")));
        assertTrue(answer.isLocationCleared(0));

        DeviceLedger parked = after(open, drive.fix("2026-06-02T18:05", LAT, LON, 0, 0)
                .fix("2026-06-02T18:20", LAT, LON, 0, 0));
        AvlBatch home = stated(at("2026-06-02T18:25"));
        assertEquals(Treatment.PRIVATE, parked.maskStatedPosition(open, Consent.ALL, false, home, 0,
                at("2026-06-02T18:25")), "parked where the private trip ended");
        assertTrue(home.isLocationCleared(0));
    }

    @Test
    void whileRecordsWaitOrHaveNotArrivedItIsWithheld() {
        CompiledPolicy graceWindow = CompiledPolicy.compile(Policy.noOp(), KEY); // default: a two-minute window
        DeviceLedger starting = new DeviceLedger();
        Drive start = Drive.in("Europe/Berlin").fix("2026-06-02T08:00", 52.50, 13.38, 1, 1);
        starting.apply(graceWindow, Consent.ALL, false, start.batch, at("2026-06-02T08:00:10"), Long.MIN_VALUE,
                Long.MAX_VALUE, Duration.ofDays(1).toMillis());
        starting.committed();
        assertNotEquals(0, starting.pendingCount(), "the trip's start waits sealed");
        AvlBatch answer = stated(at("2026-06-02T08:00:20"));
        assertEquals(Treatment.PRIVATE, starting.maskStatedPosition(graceWindow, Consent.ALL, false, answer, 0,
                at("2026-06-02T08:00:20")));

        DeviceLedger silent = after(open, Drive.in("Europe/Berlin").fix("2026-06-02T08:00", 52.50, 13.38, 1, 1));
        assertEquals(Treatment.EXACT, silent.maskStatedPosition(open, Consent.ALL, false,
                stated(at("2026-06-02T08:00:30")), 0, at("2026-06-02T08:00:30")),
                "the control: a recent record decides now");
        AvlBatch later = stated(at("2026-06-02T10:00"));
        assertEquals(Treatment.PRIVATE, silent.maskStatedPosition(open, Consent.ALL, false, later, 0,
                at("2026-06-02T10:00")), "two hours without a record: what happened since is not decided");
        assertTrue(later.isLocationCleared(0));
    }

    /**
     * A tracker whose clock runs ahead (its RTC off while GNSS is not fixed, or a clock that jumped) stamps its last
     * public record with a time still in the future of the gateway's. The record waits until the gateway's clock
     * reaches that time; judged then by its device time alone, it would look fresh though it was logged long before,
     * while the vehicle drives privately with records not yet sent.
     */
    @Test
    void aDeviceClockAheadDoesNotMakeAnOldRecordLookRecent() {
        CompiledPolicy minuteGap = CompiledPolicy.compile(Policy.noOp().withTiming(new TripTiming(Duration.ZERO,
                Duration.ofMinutes(1), Duration.ofHours(2), Duration.ZERO)), KEY);
        long expiry = Duration.ofDays(1).toMillis();
        DeviceLedger inStep = new DeviceLedger();
        inStep.apply(minuteGap, Consent.ALL, false, Drive.in("Europe/Berlin").fix("2026-06-02T08:00", 52.50, 13.38, 1, 1)
                .batch, at("2026-06-02T08:00:05"), Long.MIN_VALUE, Long.MAX_VALUE, expiry);
        inStep.committed();
        assertEquals(Treatment.EXACT, inStep.maskStatedPosition(minuteGap, Consent.ALL, false,
                stated(at("2026-06-02T08:00:30")), 0, at("2026-06-02T08:00:30")), "the control: a clock in step");

        // Logged at 08:00 gateway time, stamped 08:50 by a clock 50 minutes ahead, received at once.
        DeviceLedger ahead = new DeviceLedger();
        ahead.apply(minuteGap, Consent.ALL, false, Drive.in("Europe/Berlin").fix("2026-06-02T08:50", 52.50, 13.38, 1, 1)
                .batch, at("2026-06-02T08:00:05"), Long.MIN_VALUE, Long.MAX_VALUE, expiry);
        ahead.committed();
        ahead.apply(minuteGap, Consent.ALL, false, null, at("2026-06-02T08:50:05"), Long.MIN_VALUE, Long.MAX_VALUE,
                expiry);
        ahead.committed();
        assertEquals(0, ahead.pendingCount(), "decided once the gateway's clock reached its time");
        AvlBatch later = stated(at("2026-06-02T08:50:30"));
        assertEquals(Treatment.PRIVATE, ahead.maskStatedPosition(minuteGap, Consent.ALL, false, later, 0,
                at("2026-06-02T08:50:30")), "fifty minutes after the newest record arrived, whatever its clock says");
        assertTrue(later.isLocationCleared(0));

        DeviceLedger reconnected = new DeviceLedger();
        reconnected.restore(ahead.savedState(), null);
        assertEquals(Treatment.PRIVATE, reconnected.maskStatedPosition(minuteGap, Consent.ALL, false,
                stated(at("2026-06-02T08:50:30")), 0, at("2026-06-02T08:50:30")), "after a reconnect too");

        // A state saved before the receive time was kept (format 7) does not vouch for a position of now.
        byte[] version7 = java.util.Arrays.copyOf(inStep.savedState(), DeviceState.SAVED_LENGTH_V7);
        version7[0] = 7;
        DeviceLedger upgraded = new DeviceLedger();
        upgraded.restore(version7, null);
        assertEquals(inStep.state().frontierMillis(), upgraded.state().frontierMillis());
        assertEquals(Treatment.PRIVATE, upgraded.maskStatedPosition(minuteGap, Consent.ALL, false,
                stated(at("2026-06-02T08:00:30")), 0, at("2026-06-02T08:00:30")), "an upgraded state");
    }

    @Test
    void theSwitchAndMissingConsentWithholdIt() {
        DeviceLedger ledger = after(open, Drive.in("Europe/Berlin").fix("2026-06-02T08:00", 52.50, 13.38, 1, 1));
        long now = at("2026-06-02T08:00:30");
        assertEquals(Treatment.PRIVATE, ledger.maskStatedPosition(open, Consent.ALL, true, stated(now), 0, now));
        assertEquals(Treatment.PRIVATE, ledger.maskStatedPosition(open, Consent.of(false, true, true), false,
                stated(now), 0, now));
    }

    @Test
    void aCoarsenedFleetGetsTheCellWithoutMotion() {
        CompiledPolicy grid = CompiledPolicy.compile(Policy.noOp().withTiming(Ledgers.CONTINUOUS)
                .withCoarseningMetres(1_000), KEY);
        DeviceLedger ledger = after(grid, Drive.in("Europe/Berlin").fix("2026-06-02T08:00", 52.50, 13.38, 1, 1));
        long now = at("2026-06-02T08:00:30");
        AvlBatch answer = stated(now);
        assertEquals(Treatment.COARSENED, ledger.maskStatedPosition(grid, Consent.ALL, false, answer, 0, now));
        assertNotEquals(Drive.e7(LAT), answer.latitude(0));
        assertEquals(0, answer.speed(0));
    }

    @Test
    void presenceIsHiddenWhereverThePlaceIs() {
        long now = at("2026-06-02T08:00:30");
        DeviceLedger publicTrip = after(open, Drive.in("Europe/Berlin").fix("2026-06-02T08:00", 52.50, 13.38, 1, 1));
        assertEquals(false, publicTrip.presenceHidden(open, Consent.ALL, false, now), "the control");
        assertEquals(true, publicTrip.presenceHidden(open, Consent.ALL, true, now), "the driver's switch");
        assertEquals(true, publicTrip.presenceHidden(open, Consent.of(false, true, true), false, now));

        DeviceLedger parkedAfterPrivate = after(open, Drive.in("Europe/Berlin")
                .fixWithPrivateMode("2026-06-02T18:00", 52.50, 13.38, 1, 1, 1)
                .fix("2026-06-02T18:05", LAT, LON, 0, 0).fix("2026-06-02T18:20", LAT, LON, 0, 0));
        assertEquals(true, parkedAfterPrivate.presenceHidden(open, Consent.ALL, false, at("2026-06-03T07:30")),
                "a tracker waking where a private trip ended tells when the vehicle leaves");

        CompiledPolicy home = CompiledPolicy.compile(Policy.noOp().withTiming(Ledgers.CONTINUOUS)
                .withZones(java.util.List.of(new PrivacyZone("home", LAT, LON, 200))), KEY);
        DeviceLedger parkedAtHome = after(home, Drive.in("Europe/Berlin").fix("2026-06-02T18:00", LAT, LON, 0, 0));
        assertEquals(true, parkedAtHome.presenceHidden(home, Consent.ALL, false, at("2026-06-03T07:30")),
                "nor when it leaves a privacy zone");
    }
}
