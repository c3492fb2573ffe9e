package dev.telemask.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.telemask.codec.AvlBatch;
import dev.telemask.privacy.CompiledPolicy;
import dev.telemask.privacy.Consent;
import dev.telemask.privacy.DeviceLedger;
import dev.telemask.privacy.HiddenDisc;
import dev.telemask.privacy.Policy;
import dev.telemask.privacy.PrivacyZone;
import dev.telemask.privacy.TeltonikaIo;
import dev.telemask.privacy.TripTiming;
import dev.telemask.storage.IngestProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Period;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * An answer that states where the device is now is masked as a record of now, in whichever form it states it: a
 * vehicle whose last record was visible just outside a zone's hidden disc may be at home by the time it answers.
 */
class CommandAnswerTest {
    private static final byte[] KEY = "command-answer-key".getBytes(StandardCharsets.UTF_8);
    private static final double HOME_LAT = 52.52;
    private static final double HOME_LON = 13.40;
    private static final long START = 1_800_000_000_000L;

    @Test
    void aGoogleMapsLinkToHomeIsWithheldLikeALatLongOne() {
        PrivacyZone home = new PrivacyZone("home", HOME_LAT, HOME_LON, 300);
        CompiledPolicy policy = CompiledPolicy.compile(Policy.noOp().withZones(List.of(home)).withTiming(
                new TripTiming(Duration.ZERO, Duration.ofMinutes(1), Duration.ofHours(2), Duration.ZERO)), KEY);
        HiddenDisc disc = policy.hiddenDisc(0);
        // Driving home from 6 km east, a record every 10 s at 15 m/s; stopped at the last one outside the disc.
        AvlBatch drive = new AvlBatch();
        long time = START;
        double metresEast = 6_371_008.8 * Math.PI / 180 * Math.cos(Math.toRadians(HOME_LAT));
        for (double along = 6000; ; along -= 150, time += 10_000) {
            int lat = (int) Math.round(HOME_LAT * 1e7);
            int lon = (int) Math.round((HOME_LON + along / metresEast) * 1e7);
            if (disc.contains(lat, lon)) {
                time -= 10_000;
                break;
            }
            drive.addRecord(time, 0, lon, lat, 40, 270, 9, 54, 0, AvlBatch.NO_GENERATION);
            drive.addIo(TeltonikaIo.IGNITION, 1, 1);
            drive.addIo(TeltonikaIo.MOVEMENT, 1, 1);
        }
        DeviceLedger ledger = new DeviceLedger();
        ledger.apply(policy, Consent.ALL, false, drive, time, Long.MIN_VALUE, Long.MAX_VALUE,
                Duration.ofDays(1).toMillis());
        ledger.committed();
        IngestProfile profile = new IngestProfile(352_094_080_000_001L, 1, false, null, 0, null, true, true, true,
                ledger.savedState(), 0, 3);
        DeviceContext device = new DeviceContext(profile, policy, Consent.ALL);
        DevicePrivacy privacy = new DevicePrivacy(new IngestLimits(Period.ofMonths(12), Duration.ofMinutes(5),
                Duration.ofDays(1)));
        privacy.restore(device);

        long now = time + 40_000;
        String latLong = String.format(Locale.ROOT, "GPS:1 Sat:9 Lat:%.6f Long:%.6f Alt:40 Speed:0 Dir:0",
                HOME_LAT, HOME_LON);
        assertEquals("withheld", CommandAnswer.of(latLong, "getgps", true, privacy, device, now).treatment());
        String link = String.format(Locale.ROOT, "D:2027/1/15 T:8:0:40 S:1 C:0 Url: http://maps.google.com/"
                + "?q=%.6f,%.6f", HOME_LAT, HOME_LON);
        assertEquals("withheld", CommandAnswer.of(link, "getgps", true, privacy, device, now).treatment(),
                "a ggps answer's link to home is stored as sent");
        assertEquals("withheld", CommandAnswer.of(link, "getinfo", false, privacy, device, now).treatment(),
                "whatever was asked");
        String outside = String.format(Locale.ROOT, "Lat:%.6f Long:%.6f", HOME_LAT, HOME_LON + 0.5);
        assertEquals("withheld",
                CommandAnswer.of(outside + " " + link, "getgps", true, privacy, device, now).treatment(),
                "two positions, one judged");
        assertEquals("exact", CommandAnswer.of(outside, "getgps", true, privacy, device, now).treatment(),
                "a position of now far from the zone is kept as sent");
    }
}
