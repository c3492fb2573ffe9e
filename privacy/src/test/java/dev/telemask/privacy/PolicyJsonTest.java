package dev.telemask.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The policy document: every feature round-trips, and every invalid field is named with its reason. */
class PolicyJsonTest {
    static final String MINIMAL = """
            { "version": 1, "consent": { "location": true, "driverIdentity": false, "telemetry": true } }""";

    static Policy everythingOn() {
        return new Policy(7, new Consent(true, false, true), 391, 1,
                new BusinessSchedule(ZoneId.of("Europe/Berlin"), Map.of(
                        DayOfWeek.MONDAY, List.of(new TimeRange(7 * 60, 12 * 60), new TimeRange(13 * 60, 19 * 60)),
                        DayOfWeek.SATURDAY, List.of(new TimeRange(8 * 60, 24 * 60)))),
                PrivateRecordHandling.DROP, 500,
                List.of(new PrivacyZone("home", 52.52, 13.405, 300), new PrivacyZone(null, -33.9, 151.2, 5000)),
                IoSelection.only(Set.of(16, 199, 239, 240, 66)));
    }

    static List<PolicyError> errorsOf(String json) {
        return assertThrows(PolicyValidationException.class, () -> PolicyJson.parse(json)).errors();
    }

    @Test
    void theOverspeedThresholdIsReadValidatedAndWrittenBack() {
        String base = "{\"version\": 1, \"consent\": {\"location\": true, \"driverIdentity\": true,"
                + " \"telemetry\": true}";
        Policy policy = PolicyJson.parse(base + ", \"events\": {\"overspeedKmh\": 110}}");
        assertEquals(110, policy.overspeedKmh());
        assertEquals(policy, PolicyJson.parse(PolicyJson.toJson(policy)));
        assertEquals(0, PolicyJson.parse(base + "}").overspeedKmh());
        PolicyValidationException e = assertThrows(PolicyValidationException.class,
                () -> PolicyJson.parse(base + ", \"events\": {\"overspeedKmh\": 1000, \"x\": 1}}"));
        assertTrue(e.errors().contains(new PolicyError("events.overspeedKmh", "must be between 5 and 400")),
                e.getMessage());
        assertTrue(e.errors().contains(new PolicyError("events.x", "unknown field")), e.getMessage());
    }

    @Test
    void aPolicyWithEveryFeatureRoundTrips() {
        Policy policy = everythingOn();
        assertEquals(policy, PolicyJson.parse(PolicyJson.toJson(policy)));
    }

    @Test
    void tripTimingRoundTripsAndDefaultsWhenLeftOut() {
        Policy policy = everythingOn().withTiming(new TripTiming(java.time.Duration.ofSeconds(90),
                java.time.Duration.ofSeconds(45), java.time.Duration.ofHours(3), java.time.Duration.ofSeconds(10)));
        assertEquals(policy, PolicyJson.parse(PolicyJson.toJson(policy)));
        assertEquals(TripTiming.DEFAULT, PolicyJson.parse("{\"version\": 1, \"consent\": {\"location\": true,"
                + " \"driverIdentity\": true, \"telemetry\": true}}").timing());
    }

    @Test
    void badTripTimingNamesItsField() {
        List<PolicyError> errors = errorsOf("{\"version\": 1, \"consent\": {\"location\": true,"
                + " \"driverIdentity\": true, \"telemetry\": true},"
                + " \"privateTrips\": {\"graceWindow\": \"two minutes\", \"maxRecordGap\": \"PT0S\"}}");
        assertEquals(List.of("privateTrips.graceWindow", "privateTrips.maxRecordGap"),
                errors.stream().map(PolicyError::field).toList());
    }

    @Test
    void theNoOpPolicyRoundTrips() {
        assertEquals(Policy.noOp(), PolicyJson.parse(PolicyJson.toJson(Policy.noOp())));
    }

    @Test
    void omittedSectionsTakeTheirDefaults() {
        Policy policy = PolicyJson.parse(MINIMAL);
        assertEquals(Policy.DEFAULT_PRIVATE_MODE_IO, policy.privateModeIoId());
        assertEquals(1, policy.privateModeValue());
        assertEquals(null, policy.schedule());
        assertEquals(0, policy.coarseningMetres());
        assertEquals(List.of(), policy.zones());
        assertEquals(IoSelection.ALL, policy.keptIo());
        assertEquals(PrivateRecordHandling.MASK, policy.privateRecords());
    }

    @Test
    void aZoneRadiusOutOfRangeIsNamedWithItsIndex() {
        String json = """
                { "version": 1, "consent": { "location": true, "driverIdentity": true, "telemetry": true },
                  "zones": [ { "latitude": 52.5, "longitude": 13.4, "radiusMetres": 300 },
                             { "latitude": 48.1, "longitude": 11.6, "radiusMetres": 20 } ] }""";
        assertEquals(List.of(new PolicyError("zones[1].radiusMetres", "must be between 50 and 5000")), errorsOf(json));
    }

    @Test
    void everyErrorIsReportedAtOnce() {
        String json = """
                { "version": 0,
                  "consent": { "location": "yes", "driverIdentity": true },
                  "privateTrips": { "privateModeIo": { "id": 70000 },
                                    "businessSchedule": { "timeZone": "Europe/Nowhere",
                                                          "days": { "monday": ["19:00-07:00"], "funday": [] } },
                                    "privateRecords": "shred" },
                  "coarsening": { "gridMetres": 5 },
                  "zones": [ { "latitude": 95, "longitude": 13.4, "radiusMeters": 300 } ],
                  "io": { "keep": [16, -1, "x"] },
                  "colour": "blue" }""";
        List<String> fields = errorsOf(json).stream().map(PolicyError::field).toList();
        assertEquals(List.of(
                "colour",
                "version",
                "consent.location",
                "consent.telemetry",
                "privateTrips.privateModeIo.id",
                "privateTrips.businessSchedule.timeZone",
                "privateTrips.businessSchedule.days.monday[0]",
                "privateTrips.businessSchedule.days.funday",
                "privateTrips.privateRecords",
                "coarsening.gridMetres",
                "zones[0].radiusMeters",
                "zones[0].latitude",
                "zones[0].radiusMetres",
                "io.keep[1]",
                "io.keep[2]"), fields);
    }

    @Test
    void theExceptionMessageReadsLikeTheErrors() {
        PolicyValidationException e = assertThrows(PolicyValidationException.class,
                () -> PolicyJson.parse("{ \"version\": 1 }"));
        assertEquals(List.of(new PolicyError("consent", "is required")), e.errors());
        assertTrue(e.getMessage().contains("consent: is required"), e.getMessage());
    }

    @Test
    void malformedJsonIsAnErrorOfTheDocument() {
        assertEquals("$", errorsOf("{ \"version\": ").get(0).field());
        assertEquals("$", errorsOf("[1, 2]").get(0).field());
    }

    @Test
    void coarseningOffAndKeepAllAreSpelledOut() {
        Policy policy = PolicyJson.parse("""
                { "version": 2, "consent": { "location": false, "driverIdentity": false, "telemetry": false },
                  "coarsening": "off", "io": { "keep": "all" } }""");
        assertEquals(0, policy.coarseningMetres());
        assertEquals(IoSelection.ALL, policy.keptIo());
        assertEquals(new Consent(false, false, false), policy.consent());
    }
}
