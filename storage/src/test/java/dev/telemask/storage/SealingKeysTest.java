package dev.telemask.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SealingKeysTest {
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

    private static String error(String... lines) {
        return assertThrows(IllegalArgumentException.class, () -> SealingKeys.parse(List.of(lines), "keys.txt"))
                .getMessage();
    }

    @Test
    void theFirstKeySealsAndCommentsAndBlankLinesAreIgnored() {
        SealingKeys keys = SealingKeys.parse(List.of("# rotated 2026-11", "", "new " + KEY, "  old   " + KEY + "  "),
                "keys.txt");
        assertEquals("new", keys.sealingKeyId());
        keys.key("old");
    }

    @Test
    void aBadLineIsNamedWithItsNumber() {
        assertEquals("keys.txt line 2: expected '<key-id> <base64 of 32 bytes>', found 1 field(s)",
                error("a " + KEY, "b"));
        assertTrue(error("a " + KEY, "# c", "c not-base64!").startsWith("keys.txt line 3: the key is not valid base64"));
        assertTrue(error("a " + Base64.getEncoder().encodeToString(new byte[16]))
                .startsWith("keys.txt line 1: a key must be 32 bytes"), error("a AAAA"));
        assertEquals("keys.txt line 2: key id 'a' appears twice", error("a " + KEY, "a " + KEY));
        assertTrue(error("bad/id " + KEY).startsWith("keys.txt line 1: a key id is"));
        assertTrue(error("a " + KEY + " extra").startsWith("keys.txt line 1: expected"));
    }

    @Test
    void aFileWithoutKeysIsRefused() {
        assertTrue(error("# nothing").contains("holds no key"));
    }

    @Test
    void theEnvironmentKeyIsOneKeyCalledEnv() {
        assertEquals("env", SealingKeys.fromBase64(KEY, "TELEMASK_SEAL_KEY").sealingKeyId());
        assertThrows(IllegalArgumentException.class, () -> SealingKeys.fromBase64("AAAA", "TELEMASK_SEAL_KEY"));
    }

    @Test
    void readOrCreateMakesAnOwnerOnlyFileOnceAndReadsItAfterwards(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/postgres.seal.key");
        SealingKeys first = SealingKeys.readOrCreate(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String content = Files.readString(file);
        SealingKeys again = SealingKeys.readOrCreate(file);
        assertEquals(content, Files.readString(file), "an existing key file is never rewritten");
        assertEquals(first.sealingKeyId(), again.sealingKeyId());
        assertArrayEqualsKeys(first, again);
    }

    private static void assertArrayEqualsKeys(SealingKeys a, SealingKeys b) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.sealingKey().getEncoded(), b.sealingKey().getEncoded());
    }
}
