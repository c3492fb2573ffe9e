package dev.telemask.privacy;

import static dev.telemask.privacy.Treatment.COARSENED;
import static dev.telemask.privacy.Treatment.DROPPED;
import static dev.telemask.privacy.Treatment.EXACT;
import static dev.telemask.privacy.Treatment.PRIVATE;
import static dev.telemask.privacy.Treatment.SEALED;
import static dev.telemask.privacy.Treatment.ZONE;
import static dev.telemask.privacy.Verdicts.assertTreatments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.codec.AvlBatch;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The privacy rules of DESIGN.md and issue 4, one short drive each, checked record by record. */
class PolicyEngineSpecTest {
    static final byte[] KEY = "spec-test-zone-key".getBytes(StandardCharsets.UTF_8);
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    /** Monday to Friday 07:00-19:00 in Berlin. */
    static final Policy OFFICE_HOURS = Policy.noOp()
            .withSchedule(BusinessSchedule.weekdays(BERLIN, new TimeRange(7 * 60, 19 * 60)));
    static final double LAT = 52.52;
    static final double LON = 13.40;

    DeviceLedger ledger = new DeviceLedger();
    final Treatments out = new Treatments();

    AvlBatch run(Policy policy, Consent consent, Drive drive) {
        return run(policy, consent, false, drive);
    }

    /** Feeds the drive as one frame and returns what is stored, in device-time order, with its treatments in out. */
    AvlBatch run(Policy policy, Consent consent, boolean manualPrivate, Drive drive) {
        return Ledgers.feed(ledger, CompiledPolicy.compile(policy.withTiming(Ledgers.CONTINUOUS), KEY), consent,
                manualPrivate, drive.batch, out);
    }

    AvlBatch run(Policy policy, Drive drive) {
        return run(policy, Consent.ALL, drive);
    }

    @Nested
    class BusinessSchedule_ {
        @Test
        void aTripStartingInBusinessHoursTurnsPrivateWhenTheyEnd() {
            // The evening drive home: it starts at work in hours, and where it ends is nobody's business.
            Drive drive = Drive.in("Europe/Berlin")                   // Monday
                    .fix("2025-06-02T18:50", LAT, LON, 0, 0)          // parked, in hours
                    .fix("2025-06-02T18:55", LAT, LON, 1, 1)          // trip starts, in hours
                    .fix("2025-06-02T19:05", 52.53, 13.41, 1, 1)      // after 19:00: private from here
                    .fix("2025-06-02T19:10", 52.54, 13.42, 0, 0)      // trip ends: its end point is private
                    .fix("2025-06-02T19:15", 52.54, 13.42, 0, 0);     // parked where a private trip ended
            AvlBatch batch = run(OFFICE_HOURS, drive);
            assertTreatments(batch, out, EXACT, EXACT, PRIVATE, PRIVATE, PRIVATE);
            assertFalse(ledger.state().inTrip());
            assertTrue(ledger.state().sticky(), "the place the drive home ended is sticky");
        }

        @Test
        void whereTheDriveHomeEndedStaysPrivateWhenBusinessHoursOpen() {
            Drive drive = Drive.in("Europe/Berlin")
                    .fix("2025-06-02T18:55", LAT, LON, 1, 1)          // leaves work in hours
                    .fix("2025-06-02T19:05", 52.53, 13.41, 1, 1)      // private from 19:00
                    .fix("2025-06-02T19:10", 52.54, 13.42, 0, 0)      // home
                    .fix("2025-06-03T07:05", 52.54, 13.42, 0, 0)      // parked at home, hours open
                    .fix("2025-06-03T07:10", 52.54, 13.42, 1, 1);     // the next trip starts in hours
            assertTreatments(run(OFFICE_HOURS, drive), out, EXACT, PRIVATE, PRIVATE, PRIVATE, EXACT);
        }

        @Test
        void aTripWhoseGraceWindowSeesBusinessHoursEndIsPrivateAsAWhole() {
            // Like the button pressed in a trip's first minutes: the trip that leaves at 18:59 is the drive home.
            Policy policy = OFFICE_HOURS.withTiming(new TripTiming(java.time.Duration.ofMinutes(2),
                    java.time.Duration.ofHours(1), java.time.Duration.ofHours(2), java.time.Duration.ZERO));
            Drive drive = Drive.in("Europe/Berlin")
                    .fix("2025-06-02T18:58", LAT, LON, 0, 0)          // parked at work, in hours
                    .fix("2025-06-02T18:59", LAT, LON, 1, 1)          // leaves in hours
                    .fix("2025-06-02T19:00", 52.53, 13.41, 1, 1)      // hours end within its first two minutes
                    .fix("2025-06-02T19:10", 52.54, 13.42, 0, 0);     // home
            AvlBatch batch = Ledgers.feed(ledger, CompiledPolicy.compile(policy, KEY), Consent.ALL, false,
                    drive.batch, out);
            assertTreatments(batch, out, EXACT, PRIVATE, PRIVATE, PRIVATE);
        }

        @Test
        void aTripStartingPrivateStaysPrivateIntoBusinessHours() {
            Drive drive = Drive.in("Europe/Berlin")
                    .fix("2025-06-02T06:50", LAT, LON, 1, 1)          // starts before 07:00: private
                    .fix("2025-06-02T07:05", 52.53, 13.41, 1, 1)      // business hours now, trip stays private
                    .fix("2025-06-02T07:20", 52.54, 13.42, 0, 0)      // end point private
                    .fix("2025-06-02T07:30", 52.54, 13.42, 0, 0)      // parked, in hours
                    .fix("2025-06-02T07:40", 52.54, 13.42, 1, 1);     // next trip starts in hours
            AvlBatch batch = run(OFFICE_HOURS, drive);
            // Parked where the private trip ended: sticky until the next trip starts.
            assertTreatments(batch, out, PRIVATE, PRIVATE, PRIVATE, PRIVATE, EXACT);
        }

        @Test
        void weekendsWithoutRangesArePrivate() {
            Drive drive = Drive.in("Europe/Berlin").fix("2025-06-07T10:00", LAT, LON, 1, 1); // Saturday
            assertTreatments(run(OFFICE_HOURS, drive), out, PRIVATE);
        }
    }

    @Nested
    class DaylightSaving {
        /** Sunday 03:00-04:00 local; on 30 March 2025 Berlin jumps from 02:00 CET to 03:00 CEST. */
        final Policy sundayThreeToFour = Policy.noOp().withSchedule(new BusinessSchedule(BERLIN,
                Map.of(DayOfWeek.SUNDAY, List.of(new TimeRange(3 * 60, 4 * 60)))));
        /** Sunday 02:00-02:30 local; on 26 October 2025 Berlin lives 02:00-03:00 twice. */
        final Policy sundayTwoToHalfPast = Policy.noOp().withSchedule(new BusinessSchedule(BERLIN,
                Map.of(DayOfWeek.SUNDAY, List.of(new TimeRange(2 * 60, 2 * 60 + 30)))));

        @Test
        void springForwardUsesSummerTimeRightAfterTheSwitch() {
            Drive drive = Drive.in("UTC")
                    .fix("2025-03-30T00:30", LAT, LON, 0, 0)   // 01:30 CET: before business hours
                    .fix("2025-03-30T01:15", LAT, LON, 0, 0)   // 03:15 CEST (02:15 if the switch were missed)
                    .fix("2025-03-30T02:05", LAT, LON, 0, 0);  // 04:05 CEST: after
            assertTreatments(run(sundayThreeToFour, drive), out, PRIVATE, EXACT, PRIVATE);
        }

        @Test
        void fallBackLivesTheRepeatedHourTwice() {
            Drive drive = Drive.in("UTC")
                    .fix("2025-10-26T00:15", LAT, LON, 0, 0)   // 02:15 CEST
                    .fix("2025-10-26T00:45", LAT, LON, 0, 0)   // 02:45 CEST
                    .fix("2025-10-26T01:15", LAT, LON, 0, 0)   // 02:15 CET, the second time round
                    .fix("2025-10-26T01:45", LAT, LON, 0, 0);  // 02:45 CET
            assertTreatments(run(sundayTwoToHalfPast, drive), out, EXACT, PRIVATE, EXACT, PRIVATE);
        }

        @Test
        void oneDeviceAcrossBothSwitchesOfTheYear() {
            run(sundayThreeToFour, Drive.in("UTC").fix("2025-03-30T01:15", LAT, LON, 0, 0));
            assertEquals(EXACT, out.get(0));
            ledger = new DeviceLedger(); // months later: a fresh start, not a gap to fail closed on
            run(sundayThreeToFour, Drive.in("UTC").fix("2025-10-26T02:15", LAT, LON, 0, 0)); // 03:15 CET
            assertEquals(EXACT, out.get(0));
            ledger = new DeviceLedger();
            run(sundayThreeToFour, Drive.in("UTC").fix("2025-10-26T01:15", LAT, LON, 0, 0)); // 02:15 CET
            assertEquals(PRIVATE, out.get(0));
        }
    }

    /**
     * A device whose ignition input is not wired reports ignition 0 on every record: its trips are read from movement,
     * and are private as a whole like any other.
     */
    @Nested
    class IgnitionNeverOn {
        @Test
        void aTripStartingPrivateStaysPrivateIntoBusinessHours() {
            Drive drive = Drive.in("Europe/Berlin")
                    .fix("2025-06-02T06:40", LAT, LON, 0, 0)          // parked before 07:00
                    .fix("2025-06-02T06:50", LAT, LON, 0, 1)          // moves before 07:00: a private trip
                    .fix("2025-06-02T07:05", 52.53, 13.41, 0, 1)      // business hours now, trip stays private
                    .fix("2025-06-02T07:20", 52.54, 13.42, 0, 0)      // end point private
                    .fix("2025-06-02T07:30", 52.54, 13.42, 0, 0)      // parked where it ended: sticky
                    .fix("2025-06-02T07:40", 52.54, 13.42, 0, 1)      // next trip starts in hours
                    .fix("2025-06-02T07:50", 52.55, 13.43, 0, 1);     // and leaves: no door shut hard
            assertTreatments(run(OFFICE_HOURS, drive), out, PRIVATE, PRIVATE, PRIVATE, PRIVATE, PRIVATE, EXACT, EXACT);
        }

        @Test
        void thePlaceAPrivateTripEndedStaysPrivateAfterTheButtonIsReleased() {
            Drive drive = Drive.in("Europe/Berlin")
                    .fixWithPrivateMode("2025-06-02T10:00", LAT, LON, 0, 0, 0)
                    .fixWithPrivateMode("2025-06-02T10:10", LAT, LON, 0, 1, 1)           // a private trip
                    .fixWithPrivateMode("2025-06-02T10:20", 52.53, 13.41, 0, 1, 1)
                    .fixWithPrivateMode("2025-06-02T10:30", 52.54, 13.42, 0, 0, 0)      // stops, released
                    .fixWithPrivateMode("2025-06-02T10:40", 52.54, 13.42, 0, 0, 0)      // parked there: sticky
                    .fixWithPrivateMode("2025-06-02T10:50", 52.54, 13.42, 0, 1, 0)      // next trip business
                    .fixWithPrivateMode("2025-06-02T11:00", 52.55, 13.43, 0, 1, 0);     // and leaves
            assertTreatments(run(OFFICE_HOURS, drive), out, EXACT, PRIVATE, PRIVATE, PRIVATE, PRIVATE, EXACT, EXACT);
        }

        @Test
        void movementThatNeverLeavesThePlaceAPrivateTripEndedStartsNoTrip() {
            // Without ignition, a door shut hard or a car wash reports movement: read as a trip start, the button
            // released, it and the parked reports after it would publish where the private trip ended.
            Drive drive = Drive.in("Europe/Berlin")
                    .fixWithPrivateMode("2025-06-02T10:00", LAT, LON, 0, 0, 0)
                    .fixWithPrivateMode("2025-06-02T10:10", LAT, LON, 0, 1, 1)           // a private trip
                    .fixWithPrivateMode("2025-06-02T10:20", 52.54, 13.42, 0, 0, 0)      // stops, released
                    .fixWithPrivateMode("2025-06-02T10:30", 52.54, 13.4201, 0, 1, 0)    // a door, 7 m away
                    .fixWithPrivateMode("2025-06-02T10:40", 52.5401, 13.42, 0, 0, 0);   // parked drift
            assertTreatments(run(OFFICE_HOURS, drive), out, EXACT, PRIVATE, PRIVATE, PRIVATE, PRIVATE);
        }
    }

    @Nested
    class PrivateModeAndToggle {
        @Test
        void privateModePressedMidTripIsPrivateFromThatRecordToTheTripsEnd() {
            Drive drive = Drive.in("Europe/Berlin")
                    .fixWithPrivateMode("2025-06-02T10:00", LAT, LON, 1, 1, 0)
                    .fix("2025-06-02T10:10", 52.53, 13.41, 1, 1)
                    .fixWithPrivateMode("2025-06-02T10:20", 52.54, 13.42, 1, 1, 1)   // button pressed
                    .fixWithPrivateMode("2025-06-02T10:30", 52.55, 13.43, 1, 1, 0)   // released: trip stays private
                    .fix("2025-06-02T10:40", 52.56, 13.44, 0, 0)                     // end point private
                    .fix("2025-06-02T10:50", 52.56, 13.44, 0, 0)                     // parked there: sticky
                    .fix("2025-06-02T11:00", 52.56, 13.44, 1, 1);                    // next trip business
            assertTreatments(run(OFFICE_HOURS, drive), out, EXACT, EXACT, PRIVATE, PRIVATE, PRIVATE, PRIVATE, EXACT);
        }

        @Test
        void privateModeElementIdAndValueAreConfigurable() {
            Policy policy = Policy.noOp().withPrivateMode(1, 0); // digital input 1 low means private
            Drive drive = Drive.in("Europe/Berlin").fix("2025-06-02T10:00", LAT, LON, 1, 1);
            drive.batch.addIo(1, 1, 0);
            assertTreatments(run(policy, drive), out, PRIVATE);
        }

        @Test
        void aTripStartedDuringTheManualToggleOutlivesIt() {
            // The switch acts on the gateway's clock: on while the first frame arrives, off for the second.
            assertTreatments(run(Policy.noOp(), Consent.ALL, true, Drive.in("Europe/Berlin")
                    .fix("2025-06-02T10:00", LAT, LON, 0, 0)        // parked, toggle on
                    .fix("2025-06-02T10:10", LAT, LON, 1, 1)), out, PRIVATE, PRIVATE);
            assertTreatments(run(Policy.noOp(), Consent.ALL, false, Drive.in("Europe/Berlin")
                    .fix("2025-06-02T10:20", 52.53, 13.41, 1, 1)    // toggle over, trip still private
                    .fix("2025-06-02T10:30", 52.54, 13.42, 0, 0)
                    .fix("2025-06-02T10:40", 52.54, 13.42, 0, 0)    // parked where it ended: sticky
                    .fix("2025-06-02T10:50", 52.54, 13.42, 1, 1)),  // the next trip is public
                    out, PRIVATE, PRIVATE, PRIVATE, EXACT);
        }

        @Test
        void theSwitchIsReadAtArrivalNotFromTheDeviceClock() {
            // A device clock three hours ahead changes nothing: the switch was on when the record arrived. The record
            // waits for the gateway's clock to reach its time (what the device logs until then is still to come) and
            // is then decided under the switch as it was at arrival, though it is off by then.
            long ahead = Ledgers.NOW + 3 * 3_600_000L;
            assertTreatments(run(Policy.noOp(), Consent.ALL, true, Drive.in("Europe/Berlin")
                    .record(ahead, LAT, LON, 9, 0, 0, -1)), out, SEALED);
            ledger.apply(CompiledPolicy.compile(Policy.noOp().withTiming(Ledgers.CONTINUOUS), KEY), Consent.ALL, false,
                    null, ahead, Long.MIN_VALUE, Long.MAX_VALUE, Ledgers.EXPIRY);
            assertEquals(1, ledger.output().size());
            assertEquals(PRIVATE, Treatment.ofCode(ledger.treatments()[0]));
        }
    }

    @Nested
    class Consent_ {
        @Test
        void locationConsentWithdrawnMidTripMakesTheRestOfTheTripPrivate() {
            Policy policy = Policy.noOp();
            AvlBatch first = run(policy, Consent.ALL, Drive.in("Europe/Berlin")
                    .fix("2025-06-02T10:00", LAT, LON, 1, 1)
                    .fix("2025-06-02T10:10", 52.53, 13.41, 1, 1));
            assertTreatments(first, out, EXACT, EXACT);

            AvlBatch withdrawn = run(policy, new Consent(false, true, true), Drive.in("Europe/Berlin")
                    .fix("2025-06-02T10:20", 52.54, 13.42, 1, 1));
            assertTreatments(withdrawn, out, PRIVATE);

            // Given back mid-trip: the trip has been private since 10:20 and stays so until it ends.
            AvlBatch givenBack = run(policy, Consent.ALL, Drive.in("Europe/Berlin")
                    .fix("2025-06-02T10:30", 52.55, 13.43, 1, 1)
                    .fix("2025-06-02T10:40", 52.56, 13.44, 0, 0)
                    .fix("2025-06-02T10:50", 52.56, 13.44, 0, 0));
            assertTreatments(givenBack, out, PRIVATE, PRIVATE, PRIVATE); // parked where it ended: sticky
        }

        @Test
        void withoutTelemetryConsentOnlyMileageAndTripLogicRemain() {
            AvlBatch batch = run(Policy.noOp(), new Consent(true, true, false),
                    Drive.in("Europe/Berlin").fix("2025-06-02T10:00", LAT, LON, 1, 1));
            assertTreatments(batch, out, EXACT);
            assertEquals(3, batch.keptIoCount(0));
            assertTrue(batch.findIo(0, TeltonikaIo.TOTAL_ODOMETER) >= 0);
            assertTrue(batch.findIo(0, TeltonikaIo.IGNITION) >= 0);
            assertTrue(batch.findIo(0, TeltonikaIo.MOVEMENT) >= 0);
        }

        @Test
        void driverIdentityNeedsItsOwnConsent() {
            AvlBatch without = run(Policy.noOp(), new Consent(true, false, true),
                    Drive.in("Europe/Berlin").fix("2025-06-02T10:00", LAT, LON, 1, 1));
            assertEquals(-1, without.findIo(0, 78), "iButton stripped");
            assertTrue(without.findIo(0, Drive.EXTERNAL_VOLTAGE) >= 0, "telemetry kept");

            AvlBatch with = run(Policy.noOp(), Consent.ALL,
                    Drive.in("Europe/Berlin").fix("2025-06-02T10:10", LAT, LON, 1, 1));
            assertTrue(with.findIo(0, 78) >= 0, "iButton kept");
        }

        @Test
        void deviceOverridesWinOverPolicyDefaults() {
            Consent defaults = new Consent(true, false, true);
            assertEquals(new Consent(false, false, true), new ConsentOverride(false, null, null).resolve(defaults));
            assertEquals(defaults, ConsentOverride.NONE.resolve(defaults));
        }
    }

    @Nested
    class WhatAPrivateRecordKeeps {
        @Test
        void timePriorityMileageAndTelemetryButNothingThatLocatesIt() {
            Drive drive = Drive.in("Europe/Berlin").fix("2025-06-02T20:00", LAT, LON, 1, 1);
            long time = drive.batch.timestamp(0);
            AvlBatch batch = run(OFFICE_HOURS, drive);
            assertTreatments(batch, out, PRIVATE);
            assertEquals(time, batch.timestamp(0));
            assertEquals(1, batch.priority(0));
            assertTrue(batch.findIo(0, Drive.EXTERNAL_VOLTAGE) >= 0);
            assertEquals(-1, batch.findIo(0, Drive.CELL_ID));
            assertEquals(-1, batch.findIo(0, Drive.OPERATOR));
            assertEquals(-1, batch.findIo(0, Drive.WIFI_SCAN_NX));
        }

        @Test
        void noSpeedReportedByTheVehicleEitherPrivateOrCoarsened() {
            // OBD (37) and CAN (81) vehicle speed are the GNSS speed by another way: dead reckoning inside a cell;
            // Over Speeding (255) carries the speed at an overspeed's start and end; the engine's RPM (36, 85) is
            // the speed in a known gear.
            Policy policy = OFFICE_HOURS.withCoarseningMetres(500);
            Drive withSpeed = Drive.in("Europe/Berlin");
            for (int privateMode = 0; privateMode <= 1; privateMode++) { // coarsened, then private mode pressed
                withSpeed.fixWithPrivateMode("2025-06-02T10:0" + privateMode, LAT, LON, 1, 1, privateMode);
                withSpeed.batch.addIo(Drive.OBD_SPEED, 1, 87);
                withSpeed.batch.addIo(Drive.CAN_SPEED, 1, 87);
                withSpeed.batch.addIo(Drive.OVER_SPEEDING, 1, 87);
                withSpeed.batch.addIo(Drive.AIN_SPEED, 2, 87);
                withSpeed.batch.addIo(Drive.OBD_RPM, 2, 2_450);
                withSpeed.batch.addIo(Drive.CAN_RPM, 2, 2_450);
            }
            AvlBatch batch = run(policy, withSpeed);
            assertEquals(List.of(COARSENED, PRIVATE), Verdicts.list(out));
            for (int r = 0; r < 2; r++) {
                assertEquals(-1, batch.findIo(r, Drive.OBD_SPEED), "OBD speed in record " + r);
                assertEquals(-1, batch.findIo(r, Drive.CAN_SPEED), "CAN speed in record " + r);
                assertEquals(-1, batch.findIo(r, Drive.OVER_SPEEDING), "overspeed's speed in record " + r);
                assertEquals(-1, batch.findIo(r, Drive.AIN_SPEED), "analogue input speed in record " + r);
                assertEquals(-1, batch.findIo(r, Drive.OBD_RPM), "OBD engine RPM in record " + r);
                assertEquals(-1, batch.findIo(r, Drive.CAN_RPM), "CAN engine RPM in record " + r);
            }
        }

        @Test
        void noAccelerometerAxesEitherPrivateOrCoarsened() {
            // The signed lateral acceleration, with the speed the odometer gives between records, is the turn rate:
            // left and right turns at known distances dead-reckon a private trip from where it started.
            Drive withAxes = Drive.in("Europe/Berlin");
            for (int privateMode = 0; privateMode <= 1; privateMode++) { // coarsened, then private mode pressed
                withAxes.fixWithPrivateMode("2025-06-02T10:0" + privateMode, LAT, LON, 1, 1, privateMode);
                for (int axis : new int[] {Drive.AXIS_X, Drive.AXIS_Y, Drive.AXIS_Z}) {
                    withAxes.batch.addIo(axis, 2, -350);
                }
            }
            AvlBatch batch = run(OFFICE_HOURS.withCoarseningMetres(500), withAxes);
            assertEquals(List.of(COARSENED, PRIVATE), Verdicts.list(out));
            for (int r = 0; r < 2; r++) {
                for (int axis : new int[] {Drive.AXIS_X, Drive.AXIS_Y, Drive.AXIS_Z}) {
                    assertEquals(-1, batch.findIo(r, axis), "axis " + axis + " in record " + r);
                }
            }
        }

        @Test
        void noGreenDrivingEventEitherPrivateOrCoarsened() {
            // A harsh cornering (type 3) of 0.4 g lasting 900 ms, logged as an event of its own: at the odometer
            // reading the record keeps, a turn that a map of the streets from a known start can be searched for.
            Drive cornering = Drive.in("Europe/Berlin");
            for (int privateMode = 0; privateMode <= 1; privateMode++) { // coarsened, then private mode pressed
                cornering.fixWithPrivateMode("2025-06-02T10:0" + privateMode, LAT, LON, 1, 1, privateMode);
                cornering.batch.setEventIo(privateMode, 253);
                cornering.batch.addIo(253, 1, 3);
                cornering.batch.addIo(254, 1, 40);
                cornering.batch.addIo(243, 2, 900);
            }
            AvlBatch batch = run(OFFICE_HOURS.withCoarseningMetres(500), cornering);
            assertEquals(List.of(COARSENED, PRIVATE), Verdicts.list(out));
            for (int r = 0; r < 2; r++) {
                assertEquals(0, batch.eventIo(r), "the event ID of record " + r + " says what happened");
                for (int id : new int[] {253, 254, 243}) {
                    assertEquals(-1, batch.findIo(r, id), "element " + id + " in record " + r);
                }
            }
        }

        @Test
        void noFixQualityElementsEitherPrivateOrCoarsened() {
            // GNSS status (69), PDOP (181) and HDOP (182) are the removed satellites by another way (a fix or not,
            // under open sky or in a garage).
            int[] elements = {69, 181, 182};
            Drive drive = Drive.in("Europe/Berlin");
            for (int privateMode = 0; privateMode <= 1; privateMode++) { // coarsened, then private mode pressed
                drive.fixWithPrivateMode("2025-06-02T10:0" + privateMode, LAT, LON, 1, 1, privateMode);
                for (int id : elements) {
                    drive.batch.addIo(id, 1, 3);
                }
            }
            AvlBatch batch = run(OFFICE_HOURS.withCoarseningMetres(500), drive);
            assertEquals(List.of(COARSENED, PRIVATE), Verdicts.list(out));
            for (int r = 0; r < 2; r++) {
                for (int id : elements) {
                    assertEquals(-1, batch.findIo(r, id), "element " + id + " in record " + r);
                }
            }
        }

        @Test
        void dropHandlingMarksPrivateRecordsDroppedAndStillMasksThem() {
            Policy policy = OFFICE_HOURS.withPrivateRecords(PrivateRecordHandling.DROP);
            AvlBatch batch = run(policy, Drive.in("Europe/Berlin")
                    .fix("2025-06-02T20:00", LAT, LON, 1, 1)
                    .fix("2025-06-02T20:30", LAT, LON, 1, 1));
            assertTreatments(batch, out, DROPPED, DROPPED);
            assertEquals(2, out.count(DROPPED));
        }
    }

    @Nested
    class NoFix {
        @Test
        void recordsWithoutAFixFollowThePrivateTrip() {
            Drive drive = Drive.in("Europe/Berlin")
                    .noFix("2025-06-02T20:00", 0, 0, 1, 1)                // before the first fix
                    .fix("2025-06-02T20:05", LAT, LON, 1, 1)
                    .noFix("2025-06-02T20:10", LAT, LON, 1, 1)            // tunnel: last position repeated
                    .fix("2025-06-02T20:15", 52.53, 13.41, 0, 0);
            assertTreatments(run(OFFICE_HOURS, drive), out, PRIVATE, PRIVATE, PRIVATE, PRIVATE);
        }

        @Test
        void recordsWithoutAFixAfterAPrivateTripDoNotRepeatItsLastFix() {
            // The device lost its fix during a private trip and repeats the last one until it has a fix again.
            Drive drive = Drive.in("Europe/Berlin")
                    .fix("2025-06-02T06:30", LAT, LON, 1, 1)              // private: before business hours
                    .fix("2025-06-02T06:40", 52.53, 13.41, 1, 1)          // the trip's last fix
                    .noFix("2025-06-02T06:50", 52.53, 13.41, 0, 0)        // ends in a garage
                    .noFix("2025-06-02T07:05", 52.53, 13.41, 0, 0)        // parked there: sticky
                    .noFix("2025-06-02T07:10", 52.53, 13.41, 1, 1)        // a business trip, still without a fix
                    .fix("2025-06-02T07:20", 52.60, 13.50, 1, 1);         // a fix of the business trip
            assertTreatments(run(OFFICE_HOURS, drive), out, PRIVATE, PRIVATE, PRIVATE, PRIVATE, PRIVATE, EXACT);
        }

        @Test
        void recordsWithoutAFixAfterAZoneStayHiddenUntilAFixLeavesIt() {
            PrivacyZone home = new PrivacyZone("home", LAT, LON, 200);
            Policy policy = Policy.noOp().withZones(List.of(home));
            Drive drive = Drive.in("Europe/Berlin")
                    .fix("2025-06-02T10:00", LAT, LON, 0, 0)              // parked at home
                    .noFix("2025-06-02T10:05", 0, 0, 1, 1)                // leaves before the first fix
                    .noFix("2025-06-02T10:06", LAT, LON, 1, 1)            // repeats home as its last position
                    .fix("2025-06-02T10:30", 52.80, 13.40, 1, 1)          // 31 km north: visible
                    .noFix("2025-06-02T10:35", 52.80, 13.40, 1, 1);       // repeats a visible position
            assertTreatments(run(policy, drive), out, ZONE, ZONE, ZONE, EXACT, EXACT);
        }
    }

    @Nested
    class PrivacyZones {
        final PrivacyZone home = new PrivacyZone("home", LAT, LON, 300);
        final Policy policy = Policy.noOp().withZones(List.of(home));

        @Test
        void aTripStartingInAZoneIsHiddenNearItButNotPrivate() {
            Drive drive = Drive.in("Europe/Berlin").fix("2025-06-02T10:00", LAT, LON, 1, 1);
            for (int i = 1; i <= 40; i++) {   // 250 m per record, due east, 10 km in all
                drive.fix("2025-06-02T10:%02d".formatted(i), LAT, LON + i * 250 / 67_700.0, 1, 1);
            }
            AvlBatch batch = run(policy, drive);
            List<Treatment> treatments = Verdicts.list(out);
            assertEquals(ZONE, treatments.get(0));
            assertEquals(ZONE, treatments.get(1), "250 m from the centre of a 300 m zone");
            assertEquals(EXACT, treatments.get(40), "10 km away: beyond any hidden disc of a 300 m zone");
            int firstVisible = treatments.indexOf(EXACT);
            assertTrue(treatments.subList(0, firstVisible).stream().allMatch(t -> t == ZONE));
            assertTrue(treatments.subList(firstVisible, 41).stream().allMatch(t -> t == EXACT),
                    "once out of the disc, a straight drive stays visible: the zone made nothing sticky");
            assertFalse(ledger.state().tripPrivate());
            for (int r = 0; r < firstVisible; r++) {
                Verdicts.assertNothingLocates(batch, r);
            }
        }
    }

    @Nested
    class EventIo {
        @Test
        void aMaskedRecordLosesALocationRevealingEventIdAndKeepsOthers() {
            Drive drive = Drive.in("Europe/Berlin")
                    .fix("2025-06-07T10:00", LAT, LON, 1, 1)      // Saturday: private
                    .fix("2025-06-07T10:01", LAT, LON, 1, 1);
            drive.batch.setEventIo(0, 155);                      // geofence zone 1 event
            drive.batch.setEventIo(1, TeltonikaIo.IGNITION);
            AvlBatch batch = run(OFFICE_HOURS, drive);
            assertTreatments(batch, out, PRIVATE, PRIVATE);
            assertEquals(0, batch.eventIo(0), "a geofence event places the vehicle");
            assertEquals(TeltonikaIo.IGNITION, batch.eventIo(1), "an ignition event does not");
        }

        @Test
        void anExactRecordKeepsItsEventId() {
            Drive drive = Drive.in("Europe/Berlin").fix("2025-06-02T10:00", LAT, LON, 1, 1);
            drive.batch.setEventIo(0, 155);
            assertEquals(155, run(OFFICE_HOURS, drive).eventIo(0));
        }

        @Test
        void anEventIdWhoseElementConsentRemovesGoesWithIt() {
            // "Logged because the iButton was attached", "because of harsh braking": the element's news without it.
            Drive drive = Drive.in("Europe/Berlin")
                    .fix("2025-06-02T10:00", LAT, LON, 1, 1)
                    .fix("2025-06-02T10:01", LAT, LON, 1, 1)
                    .fix("2025-06-02T10:02", LAT, LON, 1, 1);
            drive.batch.setEventIo(0, 78);                       // iButton
            drive.batch.setEventIo(1, 253);                      // green driving: harsh acceleration, braking, cornering
            drive.batch.setEventIo(2, TeltonikaIo.IGNITION);
            AvlBatch batch = run(Policy.noOp(), new Consent(true, false, false), drive);
            assertTreatments(batch, out, EXACT, EXACT, EXACT);
            assertEquals(0, batch.eventIo(0), "no driver identity consent");
            assertEquals(0, batch.eventIo(1), "no telemetry consent");
            assertEquals(TeltonikaIo.IGNITION, batch.eventIo(2), "trip logic is kept without telemetry consent");
            // Withheld, not forgotten: storage still tells the record from another of its millisecond by it.
            assertEquals(78, batch.keyEventIo(0));
            assertEquals(253, batch.keyEventIo(1));
        }

        @Test
        void anEventIdKeptWithConsent() {
            Drive drive = Drive.in("Europe/Berlin").fix("2025-06-02T10:00", LAT, LON, 1, 1);
            drive.batch.setEventIo(0, 78);
            assertEquals(78, run(Policy.noOp(), Consent.ALL, drive).eventIo(0));
        }
    }

    @Nested
    class Coarsening {
        @Test
        void businessRecordsAreSnappedToTheirCellCentreAndLoseCellIds() {
            Policy policy = OFFICE_HOURS.withCoarseningMetres(1000);
            AvlBatch batch = run(policy, Drive.in("Europe/Berlin")
                    .fix("2025-06-02T18:10", LAT, LON, 1, 1)
                    .fix("2025-06-02T18:11", LAT + 0.0001, LON + 0.0001, 1, 1)
                    .fix("2025-06-02T18:50", LAT, LON, 1, 1));
            assertEquals(List.of(COARSENED, COARSENED, COARSENED), Verdicts.list(out)); // one trip from 18:10
            long cell = new GeoGrid(1000).snap(Drive.e7(LAT), Drive.e7(LON));
            assertEquals(GeoGrid.latitudeOf(cell), batch.latitude(0));
            assertEquals(GeoGrid.longitudeOf(cell), batch.longitude(0));
            assertEquals(batch.latitude(0), batch.latitude(1), "10 m apart, same cell");
            assertEquals(-1, batch.findIo(0, Drive.CELL_ID), "a cell ID is more precise than the grid");
        }

        @Test
        void everyMileageElementIsRoundedToTheCellSize() {
            // Metres driven, from the odometer or the tachograph, would place the vehicle inside its cell.
            Drive drive = Drive.in("Europe/Berlin").fix("2025-06-02T10:00", LAT, LON, 1, 1);
            drive.batch.addIo(Drive.TACHO_TOTAL_DISTANCE, 4, 123_456_789);
            AvlBatch batch = run(OFFICE_HOURS.withCoarseningMetres(500), drive);
            assertEquals(List.of(COARSENED), Verdicts.list(out));
            assertEquals(123_456_500, batch.ioValue(batch.findIo(0, Drive.TACHO_TOTAL_DISTANCE)));
        }
    }

    @Nested
    class OrderAndState {
        @Test
        void recordsAreJudgedInDeviceTimeOrderWhateverTheirOrderInTheFrame() {
            Drive drive = Drive.in("Europe/Berlin")
                    .fix("2025-06-02T19:10", 52.54, 13.42, 0, 0)
                    .fix("2025-06-02T18:55", LAT, LON, 1, 1)
                    .fix("2025-06-02T19:15", 52.54, 13.42, 0, 0)
                    .fix("2025-06-02T19:05", 52.53, 13.41, 1, 1);
            // Stored in device-time order: 18:55 (the trip in hours), 19:05, 19:10 (the trip after hours, private
            // to its end) and 19:15 (parked where it ended). Judged in arrival order, 19:10 would be a parked record
            // before any trip, and 18:55 the start of a business trip.
            assertTreatments(run(OFFICE_HOURS, drive), out, EXACT, PRIVATE, PRIVATE, PRIVATE);
        }

        @Test
        void aTripSavedAndRestoredMidWayContinuesAsIfNeverInterrupted() {
            Policy policy = OFFICE_HOURS;
            run(policy, Drive.in("Europe/Berlin")
                    .fix("2025-06-02T06:50", LAT, LON, 1, 1)
                    .fix("2025-06-02T06:55", 52.53, 13.41, 1, 1));
            byte[] saved = ledger.savedState();
            DeviceState restored = DeviceState.restore(saved);
            assertTrue(restored.inTrip());
            assertTrue(restored.tripPrivate());
            assertEquals(Drive.millis("2025-06-02T06:50", BERLIN), restored.tripStartMillis());

            Drive rest = Drive.in("Europe/Berlin")
                    .fix("2025-06-02T07:05", 52.54, 13.42, 1, 1)
                    .fix("2025-06-02T07:10", 52.55, 13.43, 0, 0)
                    .fix("2025-06-02T07:20", 52.55, 13.43, 0, 0);
            ledger = new DeviceLedger();
            ledger.restore(saved, null);
            assertTreatments(run(policy, rest), out, PRIVATE, PRIVATE, PRIVATE); // parked where it ended: sticky
        }

        @Test
        void savedStateRoundTripsEveryField() {
            DeviceState state = new DeviceState();
            state.sticky = true;
            state.tripAware = true;
            state.ignitionSeenOn = true;
            state.ignitionWired = true;
            state.deferredStartPrivate = true;
            state.ignitionStale = true;
            state.ignitionOnMayBeMissing = true;
            state.privateModeReported = true;
            state.inputsStale = true;
            state.frontierMillis = 1_700_000_100_000L;
            state.frontierFix = true;
            state.frontierLatitude = 525_200_000;
            state.frontierLongitude = 134_000_000;
            state.ignition = 1;
            state.movement = 0;
            state.inTrip = true;
            state.tripPrivate = true;
            state.privateMode = true;
            state.lastFixInZone = true;
            state.lastFixPrivate = true;
            state.zoneTrailMetres = 412.5;
            state.zoneTrailLatitude = 525_210_000;
            state.zoneTrailLongitude = 134_010_000;
            state.tripStartMillis = 1_700_000_000_000L;
            state.waitingCount = 3;
            state.waitingUntilMillis = 1_700_000_200_000L;
            state.lostUntilMillis = 1_700_000_150_000L;
            byte[] saved = state.save();
            assertEquals(DeviceState.SAVED_LENGTH, saved.length);
            assertEquals(java.util.Arrays.toString(saved), java.util.Arrays.toString(DeviceState.restore(saved).save()));
            DeviceState copy = new DeviceState();
            copy.copyFrom(state);
            assertEquals(java.util.Arrays.toString(saved), java.util.Arrays.toString(copy.save()));
        }

        @Test
        void aStateOfTheFormatBeforeZoneTrailsIsReadWithNoTrail() {
            DeviceState state = new DeviceState();
            state.frontierMillis = 1_700_000_000_123L;
            state.inTrip = true;
            state.lastFixInZone = true;
            state.zoneTrailMetres = 99;
            byte[] current = state.save();
            byte[] version2 = java.util.Arrays.copyOf(current, DeviceState.SAVED_LENGTH_V2);
            version2[0] = 2;
            DeviceState restored = DeviceState.restore(version2);
            assertEquals(state.frontierMillis(), restored.frontierMillis());
            assertTrue(restored.inTrip());
            assertTrue(restored.lastFixInZone);
            assertEquals(0, restored.zoneTrailMetres);
        }

        @Test
        void aStateOfTheFormatBeforeIgnitionSeenOnReadsIgnitionOffAsBeforeForADeviceWithTrips() {
            DeviceState state = new DeviceState();
            state.tripAware = true;
            byte[] version8 = java.util.Arrays.copyOf(state.save(), DeviceState.SAVED_LENGTH_V8);
            version8[0] = 8;
            assertTrue(DeviceState.restore(version8).ignitionSeenOn);
            state.tripAware = false;
            version8 = java.util.Arrays.copyOf(state.save(), DeviceState.SAVED_LENGTH_V8);
            version8[0] = 8;
            assertFalse(DeviceState.restore(version8).ignitionSeenOn);
        }

        @Test
        void aStateOfAnUnknownFormatIsRefused() {
            byte[] saved = new DeviceState().save();
            saved[0] = 99;
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> DeviceState.restore(saved));
            assertFalse(DeviceState.restore(null).inTrip());
        }
    }
}
