package dev.telemask.gateway.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

/** Argon2id PHC strings: round trip, wrong passwords, the parameters they carry, and strings that are not hashes. */
class PasswordHashesTest {
    /** Small on purpose: the tests check the format and the logic, not the cost. */
    private static final PasswordHashes.Parameters SMALL = new PasswordHashes.Parameters(64, 1, 1);
    private final PasswordHashes hashes = new PasswordHashes(SMALL);

    @Test
    void aHashIsAPhcStringWithItsParametersAndASaltOfItsOwn() {
        String phc = hashes.hash("correct horse battery");
        String[] parts = phc.split("\\$");
        assertEquals("", parts[0]);
        assertEquals("argon2id", parts[1]);
        assertEquals("v=19", parts[2]);
        assertEquals("m=64,t=1,p=1", parts[3]);
        assertEquals(16, Base64.getDecoder().decode(parts[4]).length, "a 128-bit salt");
        assertEquals(32, Base64.getDecoder().decode(parts[5]).length, "a 256-bit hash");
        assertNotEquals(phc, hashes.hash("correct horse battery"), "every hash has its own salt");
    }

    @Test
    void theRightPasswordMatchesAndAnyOtherDoesNot() {
        String phc = hashes.hash("correct horse battery");
        assertTrue(hashes.verify("correct horse battery", phc));
        assertFalse(hashes.verify("correct horse batterY", phc));
        assertFalse(hashes.verify("correct horse battery ", phc));
        assertFalse(hashes.verify("", phc));
    }

    @Test
    void aHashIsCheckedWithTheParametersItCarriesNotTheCurrentOnes() {
        String old = new PasswordHashes(new PasswordHashes.Parameters(128, 2, 2)).hash("an older password");
        assertTrue(old.contains("$m=128,t=2,p=2$"), old);
        assertTrue(hashes.verify("an older password", old), "checked with m=128,t=2,p=2 although new ones use less");
    }

    @Test
    void theHashIsStandardArgon2idAsAnotherImplementationComputesIt() {
        String phc = hashes.hash("interoperable");
        String[] parts = phc.split("\\$");
        byte[] salt = Base64.getDecoder().decode(parts[4]);
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13).withSalt(salt).withMemoryAsKB(64).withIterations(1)
                .withParallelism(1).build());
        byte[] expected = new byte[32];
        generator.generateBytes("interoperable".getBytes(java.nio.charset.StandardCharsets.UTF_8), expected);
        assertEquals(Base64.getEncoder().withoutPadding().encodeToString(expected), parts[5]);
    }

    @Test
    void stringsThatAreNotArgon2idHashesNeverMatch() {
        String phc = hashes.hash("pw");
        assertFalse(hashes.verify("pw", null));
        assertFalse(hashes.verify("pw", ""));
        assertFalse(hashes.verify("pw", phc.replace("argon2id", "argon2i")));
        assertFalse(hashes.verify("pw", phc.replace("v=19", "v=16")));
        assertFalse(hashes.verify("pw", phc.replace("m=64", "m=9999999")), "an absurd cost is refused, not run");
        assertFalse(hashes.verify("pw", phc.substring(0, phc.lastIndexOf('$'))));
        assertFalse(hashes.verifyNothing("pw"), "the decoy check of an unknown user never matches");
    }

    @Test
    void theDefaultIsOwaspsArgon2idAndNonsenseParametersAreRefused() {
        assertEquals(new PasswordHashes.Parameters(19_456, 2, 1), PasswordHashes.Parameters.OWASP);
        assertThrows(IllegalArgumentException.class, () -> new PasswordHashes.Parameters(4, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new PasswordHashes.Parameters(64, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new PasswordHashes.Parameters(64, 1, 0));
    }
}
