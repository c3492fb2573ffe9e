package dev.telemask.gateway.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Lock-outs: every fifth failure in a row locks, each time twice as long up to a day; counted keys forget. */
class LockoutRuleTest {
    private static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        private Instant now = T0;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }
    }

    @Test
    void everyFifthFailureLocksTwiceAsLongAsTheLastUpToADay() {
        LockoutRule rule = LockoutRule.ACCOUNT;
        for (int failures = 1; failures <= 4; failures++) {
            assertNull(rule.lockFor(failures), "failure " + failures);
        }
        assertEquals(Duration.ofMinutes(15), rule.lockFor(5));
        assertNull(rule.lockFor(6));
        assertEquals(Duration.ofMinutes(30), rule.lockFor(10));
        assertEquals(Duration.ofMinutes(60), rule.lockFor(15));
        assertEquals(Duration.ofDays(1), rule.lockFor(50), "at most a day");
        assertEquals(Duration.ofDays(1), rule.lockFor(5 * 200), "no overflow");
    }

    @Test
    void aKeyIsLockedAfterItsFifthFailureUntilTheLockEnds() {
        MovingClock clock = new MovingClock();
        FailureCounts counts = new FailureCounts(LockoutRule.ACCOUNT, clock, 100, Duration.ofHours(1));
        for (int i = 0; i < 4; i++) {
            assertNull(counts.fail("acme\nalice"));
        }
        assertEquals(0, counts.lockedForSeconds("acme\nalice"));
        assertEquals(Duration.ofMinutes(15), counts.fail("acme\nalice"));
        assertEquals(900, counts.lockedForSeconds("acme\nalice"));
        assertEquals(0, counts.lockedForSeconds("acme\nbob"), "other keys are not locked");
        clock.advance(Duration.ofMinutes(14));
        assertEquals(60, counts.lockedForSeconds("acme\nalice"));
        clock.advance(Duration.ofMinutes(1));
        assertEquals(0, counts.lockedForSeconds("acme\nalice"));
        for (int i = 0; i < 4; i++) {
            assertNull(counts.fail("acme\nalice"));
        }
        assertEquals(Duration.ofMinutes(30), counts.fail("acme\nalice"), "the next lock-out is longer");
    }

    @Test
    void aQuietKeyStartsAgainAndASuccessClearsIt() {
        MovingClock clock = new MovingClock();
        FailureCounts counts = new FailureCounts(LockoutRule.ACCOUNT, clock, 100, Duration.ofHours(1));
        for (int i = 0; i < 4; i++) {
            counts.fail("k");
        }
        clock.advance(Duration.ofHours(2));
        assertNull(counts.fail("k"), "four failures two hours ago are forgotten");
        for (int i = 0; i < 3; i++) {
            counts.fail("k");
        }
        counts.clear("k");
        assertNull(counts.fail("k"));
    }

    @Test
    void theOldestKeysAreForgottenBeyondTheBound() {
        FailureCounts counts = new FailureCounts(new LockoutRule(2, Duration.ofMinutes(1), Duration.ofMinutes(1)),
                new MovingClock(), 3, Duration.ofHours(1));
        counts.fail("a");
        counts.fail("b");
        counts.fail("c");
        counts.fail("d");
        assertNull(counts.fail("a"), "a was forgotten: this is its first failure again");
        assertEquals(Duration.ofMinutes(1), counts.fail("d"), "d was kept");
    }
}
