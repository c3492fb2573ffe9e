package dev.telemask.privacy;

import static dev.telemask.privacy.Treatment.COARSENED;
import static dev.telemask.privacy.Treatment.EXACT;
import static dev.telemask.privacy.Treatment.PRIVATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * An adversary who reads the IO elements the gateway kept: elements of other Teltonika families and of the CAN
 * adapters that locate the vehicle or name its driver under IDs of their own. One short drive each, as in
 * {@link PolicyEngineSpecTest}.
 */
class IoElementAttackTest {
    static final byte[] KEY = "io-element-attack-key".getBytes(StandardCharsets.UTF_8);
    static final double LAT = 52.52;
    static final double LON = 13.40;
    /** Consent to location and telemetry, not to driver identity. */
    static final Consent NO_DRIVER_IDENTITY = new Consent(true, false, true);

    final Treatments out = new Treatments();

    AvlBatch run(Policy policy, Consent consent, Drive drive) {
        return Ledgers.feed(new DeviceLedger(), CompiledPolicy.compile(policy.withTiming(Ledgers.CONTINUOUS), KEY),
                consent, false, drive.batch, out);
    }

    /** A coarsened record at 10:00, then one with the private-mode button pressed, each carrying {@code ids}. */
    static Drive coarsenedThenPrivate(int[] ids) {
        Drive drive = Drive.in("Europe/Berlin");
        for (int privateMode = 0; privateMode <= 1; privateMode++) {
            drive.fixWithPrivateMode("2025-06-02T10:0" + privateMode, LAT, LON, 1, 1, privateMode);
            for (int id : ids) {
                drive.batch.addIo(id, 2, 87);
            }
        }
        return drive;
    }

    static void assertGone(AvlBatch batch, int r, int[] ids) {
        for (int id : ids) {
            int e = batch.findIo(r, id);
            assertTrue(e < 0, () -> "record " + r + " keeps IO " + id + " = " + batch.ioValue(e));
        }
    }

    @Nested
    class WhatLocates {
        /**
         * Codec 16 comes from FM63xx devices, whose list puts geofence zones 6..20 at 160..174 and 21..50 at
         * 327..356 (248: overspeeding in a zone), the LV-CAN speed at 30 and RPM at 35, the accelerometer at 236..238,
         * Data Mode at 22, GNSS Status at 71 and Network Type at 178: "entered zone 21" on a private record says
         * where the vehicle is.
         */
        @Test
        void anFm63RecordKeepsNoZoneSpeedOrCoverageElementPrivateOrCoarsened() {
            int[] fm63 = {160, 174, 327, 356, 248, 30, 35, 236, 238, 22, 71, 178};
            Drive drive = coarsenedThenPrivate(fm63);
            drive.batch.setEventIo(1, 327);                        // logged because it entered zone 21
            AvlBatch batch = run(Policy.noOp().withCoarseningMetres(500), Consent.ALL, drive);
            assertEquals(List.of(COARSENED, PRIVATE), Verdicts.list(out));
            for (int r = 0; r < 2; r++) {
                assertGone(batch, r, fm63);
            }
            assertEquals(0, batch.eventIo(1), "the event ID says which zone it entered");
        }

        /**
         * The CAN adapter's road sign recognition reads the posted limit (1116, 1205..1209: a 30 zone or a
         * motorway) and the speed over it (1117); an MSP500 reports the speed (502); a TAT100 sends up to four
         * neighbour cells (MNC 1200..1203, LAC/cell/signal 287..298), a position by trilateration; the
         * connectivity quality (1148) tells a car park below ground from the street as the GSM signal does.
         */
        @Test
        void noRoadSignSpeedOrNeighbourCellPrivateOrCoarsened() {
            int[] ids = {1116, 1117, 1205, 1209, 502, 1200, 287, 288, 298, 1148};
            AvlBatch batch = run(Policy.noOp().withCoarseningMetres(500), Consent.ALL, coarsenedThenPrivate(ids));
            assertEquals(List.of(COARSENED, PRIVATE), Verdicts.list(out));
            for (int r = 0; r < 2; r++) {
                assertGone(batch, r, ids);
            }
        }

        /**
         * Distances the engine neither shifts nor rounds: the tachograph's total and trip distance through the CAN
         * adapter (133, 134), the FM63xx total odometer (216), LV-CAN total mileage (36) and tachograph odometer
         * (192), a service countdown (402, km). Kept exact on a coarsened record, the metres between two records of
         * one cell place the vehicle inside it.
         */
        @Test
        void noUnroundedDistancePrivateOrCoarsened() {
            int[] ids = {133, 134, 216, 36, 192, 402, 866};
            AvlBatch batch = run(Policy.noOp().withCoarseningMetres(500), Consent.ALL, coarsenedThenPrivate(ids));
            assertEquals(List.of(COARSENED, PRIVATE), Verdicts.list(out));
            for (int r = 0; r < 2; r++) {
                assertGone(batch, r, ids);
            }
        }

        /** The policy's {@code io.keep} list narrows what is kept; it never lets a locating element through. */
        @Test
        void theKeepListDoesNotLetALocatingElementOntoAPrivateRecord() {
            int[] ids = {205, 327, 30, 133, 1205};
            Policy keepAll = Policy.noOp().withKeptIo(IoSelection.only(Set.of(205, 327, 30, 133, 1205)));
            AvlBatch batch = run(keepAll, Consent.ALL, coarsenedThenPrivate(ids));
            assertEquals(List.of(EXACT, PRIVATE), Verdicts.list(out));
            assertGone(batch, 1, ids);
            assertTrue(batch.findIo(0, 327) >= 0, "an exact record keeps what the list names");
        }
    }

    @Nested
    class WhatIdentifiesTheDriver {
        /**
         * Without driver-identity consent: the driver card numbers read from the tachograph through the CAN adapter
         * (Driver 1/2 ID High/Low, 146..149) and whether a card is in (135); the FMx640 tachograph's Driver 1 Name
         * (10518, text); on FM63xx the RFID reader on COM2 (217), each card's issuing member state (222, 223) and
         * presence (187, 188).
         */
        @Test
        void tachographDriverCardsAndNamesNeedDriverIdentityConsent() {
            int[] ids = {146, 147, 148, 149, 135, 217, 222, 223, 187, 188};
            byte[] name = "MUSTERMANN$ERIKA".getBytes(StandardCharsets.US_ASCII);
            Drive drive = Drive.in("Europe/Berlin").fix("2025-06-02T10:00", LAT, LON, 1, 1);
            for (int id : ids) {
                drive.batch.addIo(id, 8, 0x4430_3030_3132_3334L);   // "D0001234", a card number
            }
            drive.batch.addNx(10518, name, 0, name.length);
            drive.batch.setEventIo(0, 146);                      // logged because a driver card went in
            AvlBatch without = run(Policy.noOp(), NO_DRIVER_IDENTITY, drive);
            assertEquals(List.of(EXACT), Verdicts.list(out));
            assertGone(without, 0, ids);
            assertGone(without, 0, new int[] {10518});
            assertEquals(0, without.eventIo(0), "the event ID says a driver card went in");
            assertTrue(without.findIo(0, Drive.EXTERNAL_VOLTAGE) >= 0, "telemetry kept");
        }

        @Test
        void tachographDriverCardsAreKeptWithConsent() {
            Drive drive = Drive.in("Europe/Berlin").fix("2025-06-02T10:00", LAT, LON, 1, 1);
            drive.batch.addIo(146, 8, 0x4430_3030_3132_3334L);
            AvlBatch with = run(Policy.noOp(), Consent.ALL, drive);
            assertTrue(with.findIo(0, 146) >= 0);
        }
    }
}
