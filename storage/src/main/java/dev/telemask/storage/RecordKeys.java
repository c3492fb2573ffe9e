package dev.telemask.storage;

import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The {@code record_key} of a {@code positions} row: what tells apart two records of one device in one millisecond,
 * so that each is stored once and neither is lost, without saying what the privacy policy withheld.
 *
 * <p>The event IO ID tells such records apart, but a policy may withhold it (an iButton or a geofence event becomes
 * event 0). The key is therefore a SipHash-2-4 of the device, the device time and the event ID the device sent,
 * under a secret every instance of the deployment shares ({@link DeploymentSecrets}, kept in the database only
 * sealed): a resent record gets the key its first copy got on any instance, and a database dump without the seal
 * key cannot tell which event ID a key came from, nor whether one was withheld, since every row has a key of the same
 * kind. The device and the time are hashed with it, so equal keys do not show equal events across devices or times.
 *
 * <p>The key is 32 bits, which keeps the unique index's entries at the size they had: two records of one device and
 * millisecond with different event IDs meet on one key with odds of 1 in 2^32 (the second is then taken for a
 * resend). At ten trips a day whose ignition and movement records share a millisecond, that is one record in about
 * twelve years across 100,000 devices.
 */
public final class RecordKeys {
    /** The name of the deployment secret the keys are derived under. */
    static final String SECRET = "record-key";

    private final long k0;
    private final long k1;

    RecordKeys(byte[] secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length < 16) {
            throw new IllegalArgumentException("a record-key secret needs 16 bytes, got " + secret.length);
        }
        this.k0 = littleEndian(secret, 0);
        this.k1 = littleEndian(secret, 8);
    }

    /** The deployment's record keys, creating their secret if no instance has yet. */
    static RecordKeys load(DataSource dataSource, RecordSealer sealer) throws SQLException {
        return new RecordKeys(DeploymentSecrets.getOrCreate(dataSource, SECRET, sealer.fieldSealer()));
    }

    /** The key of the record {@code imei} logged at {@code deviceTimeMillis} with the event ID it sent. */
    int of(long imei, long deviceTimeMillis, int sentEventIo) {
        return fold(sipHash24(imei, deviceTimeMillis, sentEventIo & 0xFFFF_FFFFL));
    }

    /** SipHash-2-4 of the 24 bytes {@code a, b, c} as little-endian words, on locals: no allocation. */
    long sipHash24(long a, long b, long c) {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        // Twelve SipRounds: two after each of the four message words (the last the length block), four to finalise.
        long m = a;
        for (int round = 0; round < 12; round++) {
            if (round < 8 && (round & 1) == 0) {
                m = round == 0 ? a : round == 2 ? b : round == 4 ? c : 24L << 56;
                v3 ^= m;
            }
            v0 += v1;
            v1 = Long.rotateLeft(v1, 13);
            v1 ^= v0;
            v0 = Long.rotateLeft(v0, 32);
            v2 += v3;
            v3 = Long.rotateLeft(v3, 16);
            v3 ^= v2;
            v0 += v3;
            v3 = Long.rotateLeft(v3, 21);
            v3 ^= v0;
            v2 += v1;
            v1 = Long.rotateLeft(v1, 17);
            v1 ^= v2;
            v2 = Long.rotateLeft(v2, 32);
            if (round < 8 && (round & 1) == 1) {
                v0 ^= m;
                if (round == 7) {
                    v2 ^= 0xff;
                }
            }
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private static int fold(long h) {
        return (int) (h ^ h >>> 32);
    }

    private static long littleEndian(byte[] b, int at) {
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = value << 8 | b[at + i] & 0xFF;
        }
        return value;
    }
}
