package dev.telemask.storage;

import dev.telemask.codec.AvlBatch;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordSealerTest {
    private static final long IMEI = 356_307_042_441_013L;
    private static final long T0 = 1_767_225_600_000L;

    private static byte[] key(int seed) {
        byte[] key = new byte[32];
        new Random(seed).nextBytes(key);
        return key;
    }

    private static String line(String id, int seed) {
        return id + " " + Base64.getEncoder().encodeToString(key(seed));
    }

    private static RecordSealer sealer(String... lines) {
        return new RecordSealer(SealingKeys.parse(List.of(lines), "test keys"));
    }

    @Test
    void opensEveryFieldOfEveryRecordAsSealedWithItsFlags() {
        RecordSealer sealer = sealer(line("k1", 1));
        for (long seed = 0; seed < 20; seed++) {
            Random random = new Random(seed);
            AvlBatch batch = new AvlBatch();
            AvlBatch opened = new AvlBatch();
            for (int i = 0; i < 50; i++) {
                int r = SealedRecordsFixture.randomRecord(random, batch, T0 + random.nextInt(1_000_000_000));
                int flags = random.nextInt(256);
                long imei = random.nextLong() & Long.MAX_VALUE;
                byte[] sealed = sealer.seal(imei, batch, r, flags);
                int back = sealer.open(imei, batch.timestamp(r), batch.eventIo(r), sealer.sealingKeyId(), sealed,
                        opened);
                assertEquals(flags, back, "flags, seed " + seed);
                assertEquals(SealedRecordsFixture.describe(batch, r),
                        SealedRecordsFixture.describe(opened, opened.size() - 1), "seed " + seed + " record " + i);
            }
        }
    }

    @Test
    void theSealedFormHidesTheCoordinatesAndDiffersEveryTime() {
        RecordSealer sealer = sealer(line("k1", 1));
        AvlBatch batch = new AvlBatch();
        batch.addRecord(T0, 0, 0x11223344, 0x55667788, 1, 2, 3, 4, 0, AvlBatch.NO_GENERATION);
        byte[] a = sealer.seal(IMEI, batch, 0, 0);
        byte[] b = sealer.seal(IMEI, batch, 0, 0);
        assertFalse(java.util.Arrays.equals(a, b), "a fresh nonce per seal");
        String hex = java.util.HexFormat.of().formatHex(a);
        assertFalse(hex.contains("11223344") || hex.contains("55667788"), hex);
    }

    @Test
    void theNonceCountsUpAsOneNumberWithCarry() {
        byte[] nonce = {7, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, (byte) 0xFF, (byte) 0xFF};
        RecordSealer.nextNonce(nonce);
        assertArrayEquals(new byte[] {7, 0, 0, 0, 0, 0, 0, 0, 0, 0x13, 0, 0}, nonce);
        RecordSealer.nextNonce(nonce);
        assertArrayEquals(new byte[] {7, 0, 0, 0, 0, 0, 0, 0, 0, 0x13, 0, 1}, nonce);
    }

    @Test
    void anAlteredBlobDoesNotOpen() {
        RecordSealer sealer = sealer(line("k1", 1));
        AvlBatch batch = new AvlBatch();
        SealedRecordsFixture.randomRecord(new Random(7), batch, T0);
        byte[] sealed = sealer.seal(IMEI, batch, 0, 3);
        for (int i = 0; i < sealed.length; i++) {
            byte[] altered = sealed.clone();
            altered[i] ^= 0x01;
            int at = i;
            assertThrows(SealedRecordException.class,
                    () -> sealer.open(IMEI, T0, batch.eventIo(0), "k1", altered, new AvlBatch()), "byte " + at);
        }
        assertThrows(SealedRecordException.class, () -> sealer.open(IMEI, T0, batch.eventIo(0), "k1",
                java.util.Arrays.copyOf(sealed, 20), new AvlBatch()));
    }

    @Test
    void aBlobMovedToAnotherRowDoesNotOpen() {
        RecordSealer sealer = sealer(line("k1", 1));
        AvlBatch batch = new AvlBatch();
        batch.addRecord(T0, 0, 1, 2, 3, 4, 5, 6, 239, AvlBatch.NO_GENERATION);
        byte[] sealed = sealer.seal(IMEI, batch, 0, 0);
        assertThrows(SealedRecordException.class, () -> sealer.open(IMEI + 1, T0, 239, "k1", sealed, new AvlBatch()));
        assertThrows(SealedRecordException.class, () -> sealer.open(IMEI, T0 + 1, 239, "k1", sealed, new AvlBatch()));
        assertThrows(SealedRecordException.class, () -> sealer.open(IMEI, T0, 240, "k1", sealed, new AvlBatch()));
        AvlBatch opened = new AvlBatch();
        sealer.open(IMEI, T0, 239, "k1", sealed, opened);
        assertEquals(1, opened.size());
    }

    @Test
    void aWrongKeyOrAnUnknownKeyIdFailsClearly() {
        AvlBatch batch = new AvlBatch();
        batch.addRecord(T0, 0, 1, 2, 3, 4, 5, 6, 0, AvlBatch.NO_GENERATION);
        byte[] sealed = sealer(line("k1", 1)).seal(IMEI, batch, 0, 0);

        SealedRecordException wrongKey = assertThrows(SealedRecordException.class,
                () -> sealer(line("k1", 2)).open(IMEI, T0, 0, "k1", sealed, new AvlBatch()));
        assertTrue(wrongKey.getMessage().contains("does not open"), wrongKey.getMessage());

        SealedRecordException unknown = assertThrows(SealedRecordException.class,
                () -> sealer(line("k2", 1)).open(IMEI, T0, 0, "k1", sealed, new AvlBatch()));
        assertTrue(unknown.getMessage().contains("'k1'") && unknown.getMessage().contains("[k2]"),
                unknown.getMessage());
        // The key id is bound too: the same key under another id does not open it.
        assertThrows(SealedRecordException.class,
                () -> sealer(line("k2", 1), line("k1", 1)).open(IMEI, T0, 0, "k2", sealed, new AvlBatch()));
    }

    @Test
    void rotationSealsWithTheNewFirstKeyAndStillOpensTheOld() {
        AvlBatch batch = new AvlBatch();
        batch.addRecord(T0, 0, 250_000_000, 540_000_000, 3, 4, 5, 6, 0, AvlBatch.NO_GENERATION);
        RecordSealer before = sealer(line("2026a", 1));
        byte[] old = before.seal(IMEI, batch, 0, 9);

        RecordSealer rotated = sealer(line("2026b", 2), line("2026a", 1));
        assertEquals("2026b", rotated.sealingKeyId());
        AvlBatch opened = new AvlBatch();
        assertEquals(9, rotated.open(IMEI, T0, 0, "2026a", old, opened));
        assertEquals(540_000_000, opened.latitude(0));
        byte[] fresh = rotated.seal(IMEI, batch, 0, 1);
        assertNotEquals(0, fresh.length);
        assertEquals(1, rotated.open(IMEI, T0, 0, "2026b", fresh, new AvlBatch()));

        RecordSealer oldLineRemoved = sealer(line("2026b", 2));
        SealedRecordException gone = assertThrows(SealedRecordException.class,
                () -> oldLineRemoved.open(IMEI, T0, 0, "2026a", old, new AvlBatch()));
        assertTrue(gone.getMessage().contains("removed"), gone.getMessage());
    }

    @Test
    void eachEpochSealsAtMostItsShareAndEveryEpochOpensOnAnotherInstance() {
        SealingKeys keys = SealingKeys.parse(List.of(line("k1", 1)), "test keys");
        RecordSealer sealer = new RecordSealer(keys, new SealingEpochs(keys, 3));
        AvlBatch batch = new AvlBatch();
        Random random = new Random(7);
        List<byte[]> blobs = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            SealedRecordsFixture.randomRecord(random, batch, T0 + i * 1000L);
            blobs.add(sealer.seal(IMEI, batch, i, i));
        }
        java.util.Set<Long> epochs = new java.util.HashSet<>();
        for (int i = 0; i < 10; i++) {
            epochs.add(java.nio.ByteBuffer.wrap(blobs.get(i), 1, 8).getLong());
            if (i % 3 != 0) {
                assertEquals(java.nio.ByteBuffer.wrap(blobs.get(i - 1), 1, 8).getLong(),
                        java.nio.ByteBuffer.wrap(blobs.get(i), 1, 8).getLong(), "seal " + i + " shares its epoch");
            }
        }
        assertEquals(4, epochs.size(), "ten seals at three an epoch");
        RecordSealer other = new RecordSealer(keys); // another gateway instance: derives every epoch's key again
        for (int i = 0; i < 10; i++) {
            AvlBatch opened = new AvlBatch();
            assertEquals(i, other.open(IMEI, batch.timestamp(i), batch.eventIo(i), "k1", blobs.get(i), opened));
            assertEquals(SealedRecordsFixture.describe(batch, i), SealedRecordsFixture.describe(opened, 0));
        }
        byte[] moved = blobs.get(4).clone();
        moved[3] ^= 1; // another epoch id: another key
        assertThrows(SealedRecordException.class,
                () -> other.open(IMEI, batch.timestamp(4), batch.eventIo(4), "k1", moved, new AvlBatch()));
    }

    @Test
    void recordsAndStatesSealedUnderTheRingKeyItselfStillOpen() throws Exception {
        SealingKeys keys = SealingKeys.parse(List.of(line("k1", 1)), "test keys");
        RecordSealer sealer = new RecordSealer(keys);
        AvlBatch batch = new AvlBatch();
        batch.addRecord(T0, 0, 250_000_000, 540_000_000, 3, 4, 5, 6, 0, AvlBatch.NO_GENERATION);
        byte[] blob = sealer.seal(IMEI, batch, 0, 5);
        // The first form: version 1, nonce, and the same plaintext sealed under the ring key, row key as AAD.
        byte[] aad = java.nio.ByteBuffer.allocate(22).putLong(IMEI).putLong(T0).putInt(0).put("k1".getBytes()).array();
        javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        long epoch = java.nio.ByteBuffer.wrap(blob, 1, 8).getLong();
        cipher.init(javax.crypto.Cipher.DECRYPT_MODE, new SealingEpochs(keys).key("k1", epoch),
                new javax.crypto.spec.GCMParameterSpec(128, blob, 9, 12));
        cipher.updateAAD(aad);
        byte[] plain = cipher.doFinal(blob, 21, blob.length - 21);
        byte[] nonce = new byte[12];
        new Random(3).nextBytes(nonce);
        cipher.init(javax.crypto.Cipher.ENCRYPT_MODE, keys.key("k1"), new javax.crypto.spec.GCMParameterSpec(128, nonce));
        cipher.updateAAD(aad);
        byte[] sealedV1 = cipher.doFinal(plain);
        byte[] v1 = new byte[13 + sealedV1.length];
        v1[0] = 1;
        System.arraycopy(nonce, 0, v1, 1, 12);
        System.arraycopy(sealedV1, 0, v1, 13, sealedV1.length);
        AvlBatch opened = new AvlBatch();
        assertEquals(5, sealer.open(IMEI, T0, 0, "k1", v1, opened));
        assertEquals(540_000_000, opened.latitude(0));

        byte[] state = {3, 1, 2, 3, 4};
        new Random(4).nextBytes(nonce);
        cipher.init(javax.crypto.Cipher.ENCRYPT_MODE, keys.key("k1"), new javax.crypto.spec.GCMParameterSpec(128, nonce));
        cipher.updateAAD(("telemask-device-state-v1\u0000" + IMEI + "\u0000k1").getBytes());
        byte[] sealedState = cipher.doFinal(state);
        byte[] ringKeyState = new byte[2 + 2 + 12 + sealedState.length];
        ringKeyState[0] = 'S';
        ringKeyState[1] = 2;
        ringKeyState[2] = 'k';
        ringKeyState[3] = '1';
        System.arraycopy(nonce, 0, ringKeyState, 4, 12);
        System.arraycopy(sealedState, 0, ringKeyState, 16, sealedState.length);
        assertArrayEquals(state, sealer.openDeviceState(IMEI, ringKeyState));
        byte[] resealed = sealer.sealDeviceState(IMEI, state);
        assertEquals('E', resealed[0]);
        assertArrayEquals(state, new RecordSealer(keys).openDeviceState(IMEI, resealed));
        assertThrows(SealedRecordException.class, () -> sealer.openDeviceState(IMEI + 1, resealed));
    }

    @Test
    void aBlobSealedIntoAReusedBufferOpensAndDiffersEveryTime() {
        RecordSealer sealer = sealer(line("k1", 1));
        RecordSealer.SealedBlob blob = new RecordSealer.SealedBlob();
        Random random = new Random(7);
        AvlBatch batch = new AvlBatch();
        AvlBatch opened = new AvlBatch();
        java.util.Set<String> nonces = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            // Records of every size, so the buffer is reused for shorter blobs and grown for longer ones.
            int r = SealedRecordsFixture.randomRecord(random, batch, T0 + i);
            sealer.seal(IMEI, batch, r, i & 0xFF, blob);
            byte[] sealed = java.util.Arrays.copyOf(blob.bytes(), blob.length());
            assertTrue(nonces.add(java.util.HexFormat.of().formatHex(sealed, 9, 21)), "a fresh nonce per seal");
            assertEquals(i & 0xFF, sealer.open(IMEI, batch.timestamp(r), batch.eventIo(r), "k1", sealed, opened));
            assertEquals(SealedRecordsFixture.describe(batch, r),
                    SealedRecordsFixture.describe(opened, opened.size() - 1), "record " + i);
        }
    }

    @Test
    void aDeviceStateIsBoundToTheSameBytesAsEver() {
        byte[] into = new byte[128];
        for (long imei : new long[] {0, 7, 10, 99, IMEI, 999_999_999_999_999L, -1, -10, Long.MAX_VALUE,
                Long.MIN_VALUE}) {
            for (String keyId : new String[] {"k1", "env", "a".repeat(64)}) {
                byte[] expected = ("telemask-device-state-v1\u0000" + imei + "\u0000" + keyId)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                int n = RecordSealer.stateAad(into, imei, keyId);
                assertArrayEquals(expected, java.util.Arrays.copyOf(into, n), imei + " " + keyId);
            }
        }
    }
}
