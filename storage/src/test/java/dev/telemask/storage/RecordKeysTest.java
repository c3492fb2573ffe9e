package dev.telemask.storage;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class RecordKeysTest {
    private static byte[] secret(int first) {
        byte[] secret = new byte[32];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = (byte) (first + i);
        }
        return secret;
    }

    @Test
    void isSipHash24OfTheThreeWordsLittleEndian() {
        // The reference vector of SipHash-2-4 for key 00..0f and the 24-byte message 00..17.
        RecordKeys keys = new RecordKeys(secret(0));
        assertEquals(0xb8ad50c6f649af94L, keys.sipHash24(0x0706050403020100L, 0x0f0e0d0c0b0a0908L,
                0x1716151413121110L));
    }

    @Test
    void tellsApartTheRecordsOfOneDeviceAndMillisecondByTheEventTheDeviceSent() {
        RecordKeys keys = new RecordKeys(secret(7));
        long imei = 356_307_042_441_013L;
        long t = 1_780_000_000_123L;
        Set<Integer> seen = new HashSet<>();
        for (int event = 0; event <= 0xFF; event++) { // every event ID Codec 8 can send
            seen.add(keys.of(imei, t, event));
        }
        assertEquals(0x100, seen.size());
        assertEquals(keys.of(imei, t, 78), new RecordKeys(secret(7)).of(imei, t, 78), "one secret, one key");
    }

    @Test
    void dependsOnTheSecretTheDeviceAndTheTime() {
        RecordKeys keys = new RecordKeys(secret(7));
        int key = keys.of(1, 1000, 78);
        assertNotEquals(key, new RecordKeys(secret(8)).of(1, 1000, 78));
        assertNotEquals(key, keys.of(2, 1000, 78));
        assertNotEquals(key, keys.of(1, 1001, 78));
    }
}
