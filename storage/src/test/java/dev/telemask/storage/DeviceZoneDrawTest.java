package dev.telemask.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.privacy.CompiledPolicy;
import dev.telemask.privacy.HiddenDisc;
import dev.telemask.privacy.PolicyJson;
import dev.telemask.privacy.PrivacyZone;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * A driver's zone draws a disc of its own: a zone placed next to it by another credential (an admin's driver token on
 * a test device it feeds fixes to) shows its own centre-to-disc vector, never the home's, and so does a policy zone
 * given the driver zone's id, which the listing shows every role.
 */
class DeviceZoneDrawTest {
    private static final byte[] KEY = "device-zone-draw-test-key".getBytes(StandardCharsets.UTF_8);
    private static final double LAT = 52.52;
    private static final double LON = 13.40;

    @Test
    void aZoneBesideADriversHomeDoesNotShowTheVectorToItsDisc() {
        PrivacyZone home = zone("z0a1b2c3d4e5f6a7b8c", LAT, LON);
        // 10 m north: the same class and, but for a keyed boundary between them, the same keyed cell.
        PrivacyZone probe = zone("z9f8e7d6c5b4a3f2e1d", LAT + 10 / 111_195.0, LON);
        double[] homeVector = vector(home, HiddenDisc.of(home, KEY));
        double[] probeVector = vector(probe, HiddenDisc.of(probe, KEY));
        double apart = Math.hypot(homeVector[0] - probeVector[0], homeVector[1] - probeVector[1]);
        assertTrue(apart > home.radiusMetres(), "the probe's disc vector is " + Math.round(apart)
                + " m from the home's: subtracted from the home's disc centre it lands inside the zone");
    }

    @Test
    void aPolicyZoneWithADriversZoneIdDrawsAnotherDisc() {
        PrivacyZone home = zone("z0a1b2c3d4e5f6a7b8c", LAT, LON);
        String document = String.format(Locale.ROOT, "{\"version\": 1, \"consent\": {\"location\": true,"
                + " \"driverIdentity\": true, \"telemetry\": true}, \"zones\": [{\"id\": \"z0a1b2c3d4e5f6a7b8c\","
                + " \"latitude\": %.7f, \"longitude\": %.7f, \"radiusMetres\": 300}]}", LAT, LON);
        HiddenDisc policyDisc = CompiledPolicy.compile(PolicyJson.parse(document), KEY).hiddenDisc(0);
        HiddenDisc homeDisc = HiddenDisc.of(home, KEY);
        double[] a = vector(home, homeDisc);
        double[] b = vector(home, policyDisc);
        assertTrue(Math.hypot(a[0] - b[0], a[1] - b[1]) > home.radiusMetres(), "a policy zone shares the draw");
    }

    @Test
    void aResizeOrANudgeKeepsTheDraw() {
        PrivacyZone placed = zone("z0a1b2c3d4e5f6a7b8c", LAT, LON);
        DeviceZone resized = new DeviceZone("z0a1b2c3d4e5f6a7b8c", "home", 280, 300, "sealed", Instant.EPOCH,
                Instant.EPOCH, ZoneOwner.token(7));
        PrivacyZone again = resized.applied(new SealedZones.Centre(LAT, LON), 50);
        double[] a = vector(placed, HiddenDisc.of(placed, KEY));
        double[] b = vector(again, HiddenDisc.of(again, KEY));
        assertEquals(a[0], b[0], 0.05);
        assertEquals(a[1], b[1], 0.05);
    }

    private static PrivacyZone zone(String id, double lat, double lon) {
        return new DeviceZone(id, "home", 300, 300, "sealed", Instant.EPOCH, Instant.EPOCH, ZoneOwner.token(7))
                .applied(new SealedZones.Centre(lat, lon), 50);
    }

    /** The hidden disc's centre from the zone's, metres north and east. */
    private static double[] vector(PrivacyZone zone, HiddenDisc disc) {
        double north = (disc.centreLatitude() - zone.latitude()) * 111_195.0;
        double east = (disc.centreLongitude() - zone.longitude()) * 111_195.0 * Math.cos(Math.toRadians(LAT));
        return new double[] {north, east};
    }
}
