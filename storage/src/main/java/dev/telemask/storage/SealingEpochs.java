package dev.telemask.storage;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys {@link RecordSealer} seals with: subkeys of a ring key, one per <em>epoch</em> of at most
 * {@link #MAX_USES} seals, derived as HMAC-SHA256(ring key, label, epoch id) from a random 64-bit epoch id that each
 * blob carries. AES-GCM with random 96-bit nonces is safe for about 2^32 messages under one key (NIST SP 800-38D);
 * one ring key sealing every waiting record and every device state of a large fleet would pass that within days,
 * one epoch never comes near it, and a new gateway start opens a new epoch. Thread-safe.
 */
final class SealingEpochs {
    /** Seals per epoch: with random nonces, a repeated nonce within an epoch has a chance of about 2^-41. */
    static final long MAX_USES = 1L << 28;
    private static final byte[] LABEL = "telemask-seal-epoch-v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** Subkeys kept for opening; a gateway opens blobs of few epochs, but a hostile row must not grow this. */
    private static final int MAX_OPEN_KEYS = 1024;

    /** The epoch sealing now: its ring key id, its id, its subkey and how many seals it has made. */
    record Epoch(String keyId, long id, SecretKey key, AtomicLong uses) {}

    private record Name(String keyId, long id) {}

    private final SealingKeys keys;
    private final long maxUses;
    private final SecureRandom random = new SecureRandom();
    private final Map<Name, SecretKey> derived = new ConcurrentHashMap<>();
    private volatile Epoch current;

    SealingEpochs(SealingKeys keys) {
        this(keys, MAX_USES);
    }

    /** With a smaller {@code maxUses}, for tests of the change of epoch. */
    SealingEpochs(SealingKeys keys, long maxUses) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.maxUses = maxUses;
    }

    /** The epoch to make one seal with; counts the seal. */
    Epoch forOneSeal() {
        Epoch e = current;
        if (e == null || e.uses().incrementAndGet() > maxUses) {
            return newEpoch(e);
        }
        return e;
    }

    private synchronized Epoch newEpoch(Epoch seen) {
        Epoch e = current;
        if (e != seen && e != null && e.uses().incrementAndGet() <= maxUses) {
            return e; // another thread opened one meanwhile
        }
        long id = random.nextLong();
        String keyId = keys.sealingKeyId();
        Epoch next = new Epoch(keyId, id, derive(keys.key(keyId), id), new AtomicLong(1));
        current = next;
        return next;
    }

    /**
     * The subkey of epoch {@code id} under ring key {@code keyId}.
     *
     * @throws SealedRecordException when the ring has no key of that id
     */
    SecretKey key(String keyId, long id) {
        Epoch e = current;
        if (e != null && e.id() == id && e.keyId().equals(keyId)) {
            return e.key();
        }
        Name name = new Name(keyId, id);
        SecretKey key = derived.get(name);
        if (key == null) {
            key = derive(keys.key(keyId), id);
            if (derived.size() >= MAX_OPEN_KEYS) {
                derived.clear();
            }
            derived.put(name, key);
        }
        return key;
    }

    private static SecretKey derive(SecretKey ringKey, long id) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(ringKey.getEncoded(), "HmacSHA256"));
            mac.update(LABEL);
            for (int shift = 56; shift >= 0; shift -= 8) {
                mac.update((byte) (id >>> shift));
            }
            return new SecretKeySpec(mac.doFinal(), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no HmacSHA256", e);
        }
    }
}
