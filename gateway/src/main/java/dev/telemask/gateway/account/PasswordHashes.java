package dev.telemask.gateway.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes as PHC strings ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}), so that each hash
 * carries its own salt and cost and the cost can be raised later. Checks compare in constant time, and
 * {@link #verifyNothing} spends the same work as a real check, so that an unknown user takes as long as a known one.
 * At most a few hashes run at once: each takes its memory cost in heap.
 */
public final class PasswordHashes {
    /** Argon2id's cost: memory in KiB, passes, lanes. */
    public record Parameters(int memoryKiB, int iterations, int parallelism) {
        /** OWASP's recommendation for Argon2id: 19 MiB, 2 passes, 1 lane. */
        public static final Parameters OWASP = new Parameters(19 * 1024, 2, 1);

        public Parameters {
            if (memoryKiB < 8 * parallelism || memoryKiB > 1024 * 1024 || iterations < 1 || iterations > 100
                    || parallelism < 1 || parallelism > 16) {
                throw new IllegalArgumentException("Argon2id parameters out of range: m=" + memoryKiB + ", t="
                        + iterations + ", p=" + parallelism);
            }
        }
    }

    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=([0-9]{1,8}),t=([0-9]{1,3}),p=([0-9]{1,2})\\$([A-Za-z0-9+/]{11,})\\$([A-Za-z0-9+/]{22,})");
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

    private final Parameters parameters;
    private final Semaphore running;
    private final String decoy;

    /** Hashes with {@code parameters}, at most as many at once as the machine has cores (two at least). */
    public PasswordHashes(Parameters parameters) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.running = new Semaphore(Math.max(2, Runtime.getRuntime().availableProcessors()));
        byte[] random = new byte[24];
        RANDOM.nextBytes(random);
        this.decoy = hash(B64.encodeToString(random));
    }

    /** The parameters new hashes are made with. */
    public Parameters parameters() {
        return parameters;
    }

    /** A new PHC string for {@code password}, with a fresh random salt. */
    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] hash = argon2(password, salt, parameters, HASH_BYTES);
        return "$argon2id$v=19$m=" + parameters.memoryKiB() + ",t=" + parameters.iterations() + ",p="
                + parameters.parallelism() + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** True when {@code password} matches the PHC string {@code phc}; false for any other string. */
    public boolean verify(String password, String phc) {
        Matcher m = phc == null ? null : PHC.matcher(phc);
        if (m == null || !m.matches()) {
            return false;
        }
        Parameters stored;
        byte[] salt;
        byte[] expected;
        try {
            stored = new Parameters(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)));
            salt = Base64.getDecoder().decode(m.group(4));
            expected = Base64.getDecoder().decode(m.group(5));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, argon2(password, salt, stored, expected.length));
    }

    /** Spends the work of one check and returns false: for a user who does not exist. */
    public boolean verifyNothing(String password) {
        verify(password, decoy);
        return false;
    }

    private byte[] argon2(String password, byte[] salt, Parameters p, int length) {
        Argon2Parameters argon = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13).withSalt(salt).withMemoryAsKB(p.memoryKiB())
                .withIterations(p.iterations()).withParallelism(p.parallelism()).build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(argon);
        byte[] out = new byte[length];
        running.acquireUninterruptibly();
        try {
            generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        } finally {
            running.release();
        }
        return out;
    }
}
