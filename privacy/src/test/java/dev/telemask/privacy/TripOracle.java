package dev.telemask.privacy;

import dev.telemask.codec.AvlBatch;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * DESIGN's trip rules written out plainly, from a whole drive in device-time order: which records no order of arrival
 * may publish. A trip is private as a whole when it starts outside business hours or a private-mode element is on
 * (or business hours end) within its grace window, from the element on (or the first record outside business hours)
 * when it comes later; the place where a private trip ended stays
 * private until the next trip starts; a parked record is private under the element or outside business hours; a
 * record without a fix follows the last fix. One-sided: the engine hides more (after gaps, in zones), never less.
 */
final class TripOracle {
    private TripOracle() {}

    /** The keys ({@code time/event}) of the records of {@code drive} that must not be published. */
    static Set<String> mustHide(CompiledPolicy policy, AvlBatch drive) {
        return mustHide(policy, drive, Set.of());
    }

    /**
     * As {@link #mustHide(CompiledPolicy, AvlBatch)} with the records of {@code manualKeys} ({@code time/event})
     * received while the driver's manual private switch was on: private triggers, like the private-mode element on
     * them alone.
     */
    static Set<String> mustHide(CompiledPolicy policy, AvlBatch drive, Set<String> manualKeys) {
        List<Integer> order = new ArrayList<>();
        for (int r = 0; r < drive.size(); r++) {
            order.add(r);
        }
        order.sort(Comparator.<Integer>comparingLong(drive::timestamp).thenComparingInt(drive::eventIo));
        int n = order.size();
        boolean[] driving = new boolean[n];
        boolean[] trigger = new boolean[n];
        boolean[] startsAfterGap = new boolean[n];
        byte ignition = TripRule.UNKNOWN;
        byte movement = TripRule.UNKNOWN;
        boolean seenOn = false;
        boolean privateMode = false;
        for (int i = 0; i < n; i++) {
            int r = order.get(i);
            int e = drive.findIo(r, TeltonikaIo.IGNITION);
            if (e >= 0) {
                ignition = TripRule.ignitionState(drive.ioValue(e), seenOn);
                seenOn |= ignition == 1;
            }
            e = drive.findIo(r, TeltonikaIo.MOVEMENT);
            if (e >= 0) {
                movement = TripRule.state(drive.ioValue(e));
            }
            e = drive.findIo(r, policy.privateModeIoId);
            if (e >= 0) {
                privateMode = drive.ioValue(e) == policy.privateModeValue;
            }
            driving[i] = TripRule.driving(ignition, movement);
            trigger[i] = privateMode || manualKeys.contains(drive.timestamp(r) + "/" + drive.eventIo(r));
            // A record logged because ignition or movement came on says it was off before: after a gap the trip
            // before it ended unseen, and this one starts (its first record published as any trip's from the place
            // a private trip ended).
            int event = drive.eventIo(r);
            startsAfterGap[i] = i > 0 && driving[i]
                    && drive.timestamp(r) - drive.timestamp(order.get(i - 1)) > policy.maxRecordGapMillis
                    && (event == TeltonikaIo.IGNITION || event == TeltonikaIo.MOVEMENT)
                    && drive.findIo(r, event) >= 0 && drive.ioValue(drive.findIo(r, event)) != 0;
        }
        boolean[] hide = new boolean[n];
        boolean sticky = false;
        int i = 0;
        while (i < n) {
            int r = order.get(i);
            if (!driving[i]) {
                hide[i] = sticky || trigger[i] || outsideHours(policy, drive.timestamp(r));
                i++;
                continue;
            }
            // A trip: from this driving record to the first that is not, which is its last.
            int end = i;
            while (end + 1 < n && driving[end] && !startsAfterGap[end + 1]) {
                end++;
            }
            long start = drive.timestamp(r);
            int privateFrom = outsideHours(policy, start) ? i : -1;
            for (int j = i; j <= end && privateFrom < 0; j++) {
                if (trigger[j] || outsideHours(policy, drive.timestamp(order.get(j)))) {
                    privateFrom = drive.timestamp(order.get(j)) - start <= policy.graceMillis ? i : j;
                }
            }
            for (int j = i; j <= end; j++) {
                hide[j] = privateFrom >= 0 && j >= privateFrom;
            }
            sticky = privateFrom >= 0;
            i = end + 1;
        }
        Set<String> keys = new TreeSet<>();
        boolean lastFixHidden = false;
        for (int j = 0; j < n; j++) {
            int r = order.get(j);
            if (PolicyEngine.hasFix(drive, r)) {
                lastFixHidden = hide[j];
            } else {
                hide[j] |= lastFixHidden;
            }
            if (hide[j]) {
                keys.add(drive.timestamp(r) + "/" + drive.eventIo(r));
            }
        }
        return keys;
    }

    private static boolean outsideHours(CompiledPolicy policy, long time) {
        BusinessSchedule schedule = policy.policy().schedule();
        if (schedule == null) {
            return false;
        }
        ZonedDateTime local = Instant.ofEpochMilli(time).atZone(schedule.timeZone());
        int minute = local.getHour() * 60 + local.getMinute();
        return schedule.rangesOn(local.getDayOfWeek()).stream()
                .noneMatch(range -> minute >= range.startMinute() && minute < range.endMinute());
    }
}
