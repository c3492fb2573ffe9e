package dev.telemask.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key ring that seals undecided records: the first key seals, every key opens. Rotation is adding a new first
 * key and keeping the old ones until the records they sealed have expired. The keys live outside the database (a
 * key file or the environment), so that a dump of the database cannot open a sealed record.
 *
 * <p>Key file format: one key a line, {@code <key-id> <base64 of 32 bytes>}; blank lines and lines starting with
 * {@code #} are ignored.
 */
public final class SealingKeys {
    /** Bytes of an AES-256 key. */
    public static final int KEY_BYTES = 32;
    /** The id of the single key given in the environment ({@code TELEMASK_SEAL_KEY}). */
    public static final String ENVIRONMENT_KEY_ID = "env";

    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final String sealingKeyId;
    private final Map<String, SecretKey> keys;
    private final String source;

    private SealingKeys(Map<String, SecretKey> keys, String source) {
        this.keys = Map.copyOf(keys);
        this.sealingKeyId = keys.keySet().iterator().next();
        this.source = source;
    }

    /** One key, e.g. from the environment; {@code source} names where it came from in error messages. */
    public static SealingKeys of(String keyId, byte[] key, String source) {
        requireKeyId(keyId, source);
        requireLength(key, source);
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        keys.put(keyId, new SecretKeySpec(key.clone(), "AES"));
        return new SealingKeys(keys, source);
    }

    /** The single key of {@code TELEMASK_SEAL_KEY}, base64 of 32 bytes, with id {@value #ENVIRONMENT_KEY_ID}. */
    public static SealingKeys fromBase64(String base64, String source) {
        return of(ENVIRONMENT_KEY_ID, decode(base64.strip(), source), source);
    }

    /** Reads a key file; throws {@link IllegalArgumentException} naming the file and line of a bad line. */
    public static SealingKeys read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the seal key file " + file + ": " + e.getMessage(), e);
        }
        return parse(lines, file.toString());
    }

    static SealingKeys parse(List<String> lines, String source) {
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + " line " + (i + 1);
            String[] parts = line.split("\\s+");
            if (parts.length != 2) {
                throw new IllegalArgumentException(where + ": expected '<key-id> <base64 of 32 bytes>', found "
                        + parts.length + " field(s)");
            }
            requireKeyId(parts[0], where);
            byte[] key = decode(parts[1], where);
            requireLength(key, where);
            if (keys.putIfAbsent(parts[0], new SecretKeySpec(key, "AES")) != null) {
                throw new IllegalArgumentException(where + ": key id '" + parts[0] + "' appears twice");
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(source + " holds no key: expected lines '<key-id> <base64 of 32 bytes>'");
        }
        return new SealingKeys(keys, source);
    }

    /**
     * Reads {@code file}, or creates it with one random key (readable by its owner only) when it does not exist.
     * Safe against two processes creating it at once: the loser reads the winner's file.
     */
    public static SealingKeys readOrCreate(Path file) {
        if (!Files.exists(file)) {
            byte[] key = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(key);
            String id = "k" + java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString().replace("-", "");
            String text = "# Telemask seal keys: '<key-id> <base64 of 32 bytes>', the first line seals, all lines open.\n"
                    + id + " " + Base64.getEncoder().encodeToString(key) + "\n";
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                createOwnerOnly(file);
                Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            } catch (FileAlreadyExistsException e) {
                // Another process made it first: use theirs.
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the seal key file " + file + ": " + e.getMessage(), e);
            }
        }
        return read(file);
    }

    private static void createOwnerOnly(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file); // not a POSIX file system: the directory's permissions protect it
        }
    }

    /** The id of the key new seals use. */
    public String sealingKeyId() {
        return sealingKeyId;
    }

    SecretKey sealingKey() {
        return keys.get(sealingKeyId);
    }

    /** The key with {@code id}, or a clear error naming what the ring holds (e.g. an old line removed too early). */
    SecretKey key(String id) {
        SecretKey key = keys.get(id);
        if (key == null) {
            throw new SealedRecordException("the record was sealed with key '" + id + "', which " + source
                    + " does not hold (it has " + keys.keySet() + "); was an old key line removed before its"
                    + " sealed records expired?");
        }
        return key;
    }

    /** Where the keys came from, for log lines; never the keys. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "SealingKeys[" + keys.size() + " key(s) from " + source + ", sealing with '" + sealingKeyId + "']";
    }

    private static byte[] decode(String base64, String where) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": the key is not valid base64 (" + e.getMessage() + ")");
        }
    }

    private static void requireLength(byte[] key, String where) {
        Objects.requireNonNull(key, "key");
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException(where + ": a key must be " + KEY_BYTES + " bytes (base64 of 32 random"
                    + " bytes, e.g. `head -c 32 /dev/urandom | base64`), this one has " + key.length);
        }
    }

    private static void requireKeyId(String id, String where) {
        if (id == null || !KEY_ID.matcher(id).matches()) {
            throw new IllegalArgumentException(where + ": a key id is 1 to 64 letters, digits, '.', '_' or '-', was '"
                    + id + "'");
        }
    }
}
