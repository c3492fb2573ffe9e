package dev.telemask.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.telemask.privacy.CompiledPolicy;
import dev.telemask.privacy.Policy;
import dev.telemask.privacy.PrivacyZone;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A driver's zone is hidden by another zone's disc only when the same credential placed both: a zone of another
 * driver token (one an admin minted), of the same user after an admin reset its password, or of no owner, never
 * takes a driver's zone's disc away.
 */
class DeviceZoneCoverTest {
    private static final byte[] KEY = "device-zone-cover-test-key".getBytes(StandardCharsets.UTF_8);
    private static final SealedZones.Centre HOME = new SealedZones.Centre(52.52, 13.40);

    private static PrivacyZone zone(String id, int radius, ZoneOwner owner) {
        return new DeviceZone(id, "home", radius, radius, "sealed", Instant.EPOCH, Instant.EPOCH, owner)
                .applied(HOME, 50);
    }

    private static int discs(PrivacyZone... zones) {
        return CompiledPolicy.compile(Policy.noOp().withZones(List.of(zones)), KEY).hiddenDiscCount();
    }

    @Test
    void onlyTheSameCredentialsLargerZoneHidesADriversZone() {
        PrivacyZone home = zone("zhome0000000000001", 300, ZoneOwner.user(5, 1));
        assertEquals(1, discs(home, zone("zlarge000000000001", 1000, ZoneOwner.user(5, 1))));
        assertEquals(2, discs(home, zone("zlarge000000000002", 1000, ZoneOwner.user(5, 2))), "after a reset");
        assertEquals(2, discs(home, zone("zlarge000000000003", 1000, ZoneOwner.token(9))), "a minted token");
        assertEquals(2, discs(home, zone("zlarge000000000004", 1000, null)), "a zone of no owner");
        assertEquals(2, discs(zone("zhome0000000000002", 300, null), zone("zlarge000000000005", 1000, null)),
                "two zones of no owner");
    }
}
