package dev.telemask.storage;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals small values the database must not hold in clear (a privacy zone's centre, the zone key) with AES-256-GCM
 * under the seal key ring, as text: {@code <key-id>:<base64 of nonce, ciphertext and tag>}. The caller's context
 * (e.g. the zone's id) and the key id are the cipher's associated data, so a sealed value copied to another zone
 * does not open there. Thread-safe.
 */
public final class FieldSealer {
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SealingKeys keys;
    private final SecureRandom random = new SecureRandom();

    public FieldSealer(SealingKeys keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** Seals {@code plain} for {@code context} under the ring's sealing key. */
    public String seal(String context, byte[] plain) {
        String keyId = keys.sealingKeyId();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.sealingKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(context, keyId));
            byte[] sealed = cipher.doFinal(plain);
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return keyId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing failed", e);
        }
    }

    /**
     * Opens what {@link #seal} made for {@code context}.
     *
     * @throws SealedRecordException when the key is not in the ring, or the value does not open for this context
     */
    public byte[] open(String context, String sealed) {
        int colon = sealed == null ? -1 : sealed.indexOf(':');
        if (colon <= 0) {
            throw new SealedRecordException("the sealed value of " + context + " is not in a form this gateway knows");
        }
        String keyId = sealed.substring(0, colon);
        SecretKey key = keys.key(keyId);
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(sealed.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new SealedRecordException("the sealed value of " + context + " is not base64");
        }
        if (blob.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new SealedRecordException("the sealed value of " + context + " is too short");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, blob, 0, NONCE_BYTES));
            cipher.updateAAD(aad(context, keyId));
            return cipher.doFinal(blob, NONCE_BYTES, blob.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new SealedRecordException("the sealed value of " + context + " does not open: sealed with another"
                    + " key of id '" + keyId + "', altered, or copied from elsewhere", e);
        } catch (GeneralSecurityException e) {
            throw new SealedRecordException("the sealed value of " + context + " does not open: " + e.getMessage(), e);
        }
    }

    /** Whether {@code sealed} was sealed with the key that seals now (else it is re-sealed at start-up). */
    public boolean sealedWithCurrentKey(String sealed) {
        return sealed != null && sealed.startsWith(keys.sealingKeyId() + ":");
    }

    private static byte[] aad(String context, String keyId) {
        return ("telemask-field-v1\u0000" + context + "\u0000" + keyId).getBytes(StandardCharsets.UTF_8);
    }
}
