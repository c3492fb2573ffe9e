package dev.telemask.bench.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Zones around one home at once, as the gateway compiles them for a device: the attacker who knows every disc whose
 * edge shows finds no more homes than with one zone alone, whenever one zone may hide the others (ZoneCover). Two discs whose edges both show would put home in two
 * rings, which meet at it, as those of zones placed anew do.
 */
class ZoneOverlapAttackTest {
    private static final int HOMES = 40;
    private static final long SEED = 46;

    @Test
    void zonesAroundOneHomeAtOnceFindNoMoreHomesThanOneZoneAlone() {
        long alone = ZoneOverlapAttack.found(ZoneOverlapAttack.measure(ZoneOverlapAttack.ONE_ZONE, HOMES, SEED), 300);
        StringBuilder found = new StringBuilder();
        long worst = 0;
        for (ZoneOverlapAttack.Layout layout : ZoneOverlapAttack.LAYOUTS) {
            if (!layout.oneDisc()) {
                continue; // a driver's zone inside a larger policy zone: both draw (POLICY.md says why)
            }
            long n = ZoneOverlapAttack.found(ZoneOverlapAttack.measure(layout, HOMES, SEED), layout.smallestRadius());
            found.append(layout.name()).append(": ").append(n).append(" of ").append(HOMES).append("; ");
            worst = Math.max(worst, n);
        }
        assertEquals(alone, worst, "homes found within the smallest radius: " + found);
    }
}
