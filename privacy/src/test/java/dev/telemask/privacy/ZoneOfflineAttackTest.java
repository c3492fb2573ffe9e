package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tracker sends its records live on the way home, and its connection ends as the vehicle parks there (a garage
 * without coverage, a tracker that goes offline at ignition off), before it sent the records that put it in the zone.
 * Told as {@code device_offline} (or as a command no longer sent), that moment less the time of the last visible
 * point, at the speed the track shows, is the way left to home: a disc around each evening's last visible point,
 * which evenings home from several directions narrow in on home.
 */
class ZoneOfflineAttackTest {
    private static final byte[] KEY = "zone-offline-key".getBytes(StandardCharsets.UTF_8);
    private static final double HOME_LAT = 53.55;
    private static final double HOME_LON = 9.99;
    private static final PrivacyZone HOME = new PrivacyZone("home", HOME_LAT, HOME_LON, 300);
    private static final CompiledPolicy POLICY = CompiledPolicy.compile(
            Policy.noOp().withZones(List.of(HOME)).withTiming(Ledgers.CONTINUOUS), KEY);
    private static final int EVENINGS = 8;
    private static final double PLACE_METRES = 7_000;

    private final DeviceLedger ledger = new DeviceLedger();
    private final SpokeDrive vehicle = new SpokeDrive(HOME_LAT, HOME_LON, Ledgers.NOW - 30L * 24 * 3_600_000,
            40_000_000);
    /** The device time of the newest exact record stored, and its place. */
    private long[] lastVisible;

    @Test
    void aConnectionEndingAsTheVehicleParksAtHomeDoesNotTellTheWayLeftFromTheLastVisiblePoint() {
        AvlBatch night = new AvlBatch();
        vehicle.park(night, 0, 2);
        sendLive(night);
        List<double[]> discs = new ArrayList<>();
        for (int evening = 0; evening < EVENINGS; evening++) {
            double bearing = 2 * Math.PI * evening / EVENINGS;
            AvlBatch out = new AvlBatch();
            vehicle.drive(out, bearing, PLACE_METRES, false);
            vehicle.park(out, bearing, 3);
            sendLive(out);
            AvlBatch day = new AvlBatch();
            vehicle.drive(day, bearing, 0, false);
            // Sent live, record by record, up to the first one the zone hides; the rest stays in the tracker.
            int held = sendLiveUntilHidden(day);
            long parksAtHome = day.timestamp(day.size() - 1);
            boolean told = !ledger.presenceHidden(POLICY, Consent.ALL, false, parksAtHome + 1_000);
            if (told && lastVisible != null) {
                double[] at = vehicle.eastNorth(lastVisible[1], lastVisible[2]);
                discs.add(new double[] {at[0], at[1],
                        (parksAtHome - lastVisible[0]) / 1000.0 * SpokeDrive.SPEED_MPS});
            }
            // It connects again later and sends what it held, and the night at home.
            AvlBatch rest = new AvlBatch();
            for (int r = held; r < day.size(); r++) {
                rest.appendRecord(day, r);
            }
            vehicle.park(rest, bearing, 6);
            ledger.apply(POLICY, Consent.ALL, false, rest, rest.timestamp(rest.size() - 1) + 1_000, Long.MIN_VALUE,
                    Long.MAX_VALUE, Ledgers.EXPIRY);
            ledger.committed();
        }
        if (discs.size() >= 3) {
            double miss = ZonePrivateTripAttackTest.Multilateration.miss(discs);
            assertTrue(miss > HOME.radiusMetres(), "the evenings' offline events put home " + Math.round(miss)
                    + " m from where it is, from " + discs.size() + " evenings");
        }
    }

    private void sendLive(AvlBatch records) {
        for (int r = 0; r < records.size(); r++) {
            sendLive(records, r);
        }
    }

    /**
     * Sends each record as its own frame a second after it was logged, up to the first one in a zone's hidden disc,
     * which the tracker keeps: its index.
     */
    private int sendLiveUntilHidden(AvlBatch records) {
        for (int r = 0; r < records.size(); r++) {
            if (POLICY.inZone(records.latitude(r), records.longitude(r))) {
                return r;
            }
            sendLive(records, r);
        }
        return records.size();
    }

    /** Sends record {@code r} as its own frame a second after it was logged: how it was stored. */
    private Treatment sendLive(AvlBatch records, int r) {
        AvlBatch frame = new AvlBatch();
        frame.appendRecord(records, r);
        ledger.apply(POLICY, Consent.ALL, false, frame, records.timestamp(r) + 1_000, Long.MIN_VALUE, Long.MAX_VALUE,
                Ledgers.EXPIRY);
        ledger.committed();
        AvlBatch out = ledger.output();
        Treatment stored = Treatment.SEALED;
        for (int o = 0; o < out.size(); o++) {
            stored = Treatment.ofCode(ledger.treatments()[o]);
            if (stored == Treatment.EXACT) {
                lastVisible = new long[] {out.timestamp(o), out.latitude(o), out.longitude(o)};
            }
        }
        return stored;
    }
}
