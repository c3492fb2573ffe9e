package dev.telemask.storage;

import dev.telemask.codec.AvlBatch;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals one record (every field, every kept IO element, and one byte of the caller's flags) with AES-256-GCM under
 * the ring's sealing key, and opens it again. The row's key (device, device time, event IO) and the key id are the
 * cipher's associated data, so a blob moved to another row, or relabelled with another key id, does not open.
 *
 * <p>Stored form: version 2 (1 byte), the epoch id (8 bytes, see {@link SealingEpochs}: the cipher key is the
 * epoch's subkey of the ring key), nonce (12 bytes, see {@link #nextNonce}), ciphertext and 16-byte tag. The ring key's id goes in
 * the row beside it. Version 1 blobs (no epoch: sealed under the ring key itself) still open. Thread-safe: each
 * thread keeps its own cipher and buffer.
 */
public final class RecordSealer {
    private static final byte VERSION_RING_KEY = 1;
    private static final byte VERSION = 2;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int EPOCH_BYTES = 8;
    private static final int HEADER_RING_KEY = 1 + NONCE_BYTES;
    private static final int HEADER = 1 + EPOCH_BYTES + NONCE_BYTES;
    /** Fixed part of the plaintext: version, flags, location-cleared, time, nine ints, element count. */
    private static final int FIXED_PLAIN = 3 + 8 + 9 * 4 + 4;

    private final SealingKeys keys;
    private final SealingEpochs epochs;
    private final SecureRandom random = new SecureRandom();
    private final ThreadLocal<Workspace> workspaces;

    /** Per-thread cipher and buffers, so sealing on the writer threads allocates only the blob it returns. */
    private static final class Workspace {
        final Cipher cipher;
        /** The last nonce this thread used: counted up from a random start (see {@link #nextNonce}). */
        final byte[] nonce = new byte[NONCE_BYTES];
        byte[] plain = new byte[512];
        int length;
        final byte[] aad = new byte[8 + 8 + 4 + 64];
        /** A device state's associated data: the label, the IMEI in decimal, the key id. */
        final byte[] stateAad = new byte[STATE_LABEL.length + 20 + 1 + 64];

        Workspace(SecureRandom random) {
            random.nextBytes(nonce);
            try {
                cipher = Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this JVM has no AES/GCM cipher", e);
            }
        }
    }

    public RecordSealer(SealingKeys keys) {
        this(keys, new SealingEpochs(keys));
    }

    /** With the epochs given, for tests of the change of epoch. */
    RecordSealer(SealingKeys keys, SealingEpochs epochs) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.epochs = Objects.requireNonNull(epochs, "epochs");
        this.workspaces = ThreadLocal.withInitial(() -> new Workspace(random));
    }

    /** A sealer of single fields under the same keys, for the deployment's secrets. */
    FieldSealer fieldSealer() {
        return new FieldSealer(keys);
    }

    /** The id of the key {@link #seal} uses; store it with the blob. */
    public String sealingKeyId() {
        return keys.sealingKeyId();
    }

    /** Encrypts record {@code r} of {@code batch} (device {@code imei}) with {@code flags}; see the class comment. */
    public byte[] seal(long imei, AvlBatch batch, int r, int flags) {
        Workspace w = workspaces.get();
        encode(w, batch, r, flags);
        byte[] out = new byte[HEADER + w.length + TAG_BITS / 8];
        sealEncoded(w, imei, batch, r, out);
        return out;
    }

    /**
     * As {@link #seal}, into {@code into} (grown when it is too small), for a caller that copies the blob on at once:
     * a writer sealing many records reuses one buffer instead of an array per record.
     */
    public void seal(long imei, AvlBatch batch, int r, int flags, SealedBlob into) {
        Workspace w = workspaces.get();
        encode(w, batch, r, flags);
        into.length = HEADER + w.length + TAG_BITS / 8;
        if (into.bytes.length < into.length) {
            into.bytes = new byte[Math.max(into.length, into.bytes.length * 2)];
        }
        sealEncoded(w, imei, batch, r, into.bytes);
    }

    /** A sealed record in a buffer {@link #seal(long, AvlBatch, int, int, SealedBlob)} reuses: bytes 0 .. length. */
    public static final class SealedBlob {
        private byte[] bytes = new byte[256];
        private int length;

        public byte[] bytes() {
            return bytes;
        }

        public int length() {
            return length;
        }
    }

    /** Seals the plaintext {@link #encode} left in {@code w} into {@code out}, which has exactly the room for it. */
    private void sealEncoded(Workspace w, long imei, AvlBatch batch, int r, byte[] out) {
        // The epoch is taken per seal, as before: it counts every seal against the epoch's limit.
        SealingEpochs.Epoch epoch = epochs.forOneSeal();
        int aadLength = aad(w, imei, batch.timestamp(r), batch.eventIo(r), epoch.keyId());
        nextNonce(w.nonce);
        out[0] = VERSION;
        putLong(out, 1, epoch.id());
        System.arraycopy(w.nonce, 0, out, 1 + EPOCH_BYTES, NONCE_BYTES);
        try {
            w.cipher.init(Cipher.ENCRYPT_MODE, epoch.key(), new GCMParameterSpec(TAG_BITS, w.nonce));
            w.cipher.updateAAD(w.aad, 0, aadLength);
            int n = w.cipher.doFinal(w.plain, 0, w.length, out, HEADER);
            if (n != w.length + TAG_BITS / 8) {
                throw new IllegalStateException("AES/GCM wrote " + n + " bytes, expected " + (w.length + TAG_BITS / 8));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing failed", e);
        } finally {
            Arrays.fill(w.plain, 0, w.length, (byte) 0); // no clear coordinates left lying in the heap
        }
    }

    /**
     * Decrypts a sealed row, appends its record to {@code into} and returns the flags it was sealed with.
     *
     * @throws SealedRecordException when the key id is not in the ring, or the blob does not open with it for this
     *                               row (another key of the same id, altered bytes, or a blob of another row)
     */
    public int open(long imei, long deviceTimeMillis, int eventIo, String keyId, byte[] sealed, AvlBatch into) {
        String row = "sealed record of device " + imei + " at " + java.time.Instant.ofEpochMilli(deviceTimeMillis)
                + " (event " + eventIo + ", key '" + keyId + "')";
        int header = sealed == null || sealed.length == 0 ? 0
                : sealed[0] == VERSION ? HEADER : sealed[0] == VERSION_RING_KEY ? HEADER_RING_KEY : 0;
        if (header == 0 || sealed.length < header + TAG_BITS / 8) {
            throw new SealedRecordException(row + " is not in a sealed form this gateway knows");
        }
        SecretKey key = header == HEADER ? epochs.key(keyId, getLong(sealed, 1)) : keys.key(keyId);
        Workspace w = workspaces.get();
        int plainLength = sealed.length - header - TAG_BITS / 8;
        ensure(w, plainLength);
        int aadLength = aad(w, imei, deviceTimeMillis, eventIo, keyId);
        try {
            w.cipher.init(Cipher.DECRYPT_MODE, key,
                    new GCMParameterSpec(TAG_BITS, sealed, header - NONCE_BYTES, NONCE_BYTES));
            w.cipher.updateAAD(w.aad, 0, aadLength);
            w.length = w.cipher.doFinal(sealed, header, sealed.length - header, w.plain, 0);
        } catch (AEADBadTagException e) {
            throw new SealedRecordException(row + " does not open: sealed with another key of that id, altered,"
                    + " or moved from another row", e);
        } catch (GeneralSecurityException e) {
            throw new SealedRecordException(row + " does not open: " + e.getMessage(), e);
        }
        try {
            return decode(w, deviceTimeMillis, eventIo, into, row);
        } finally {
            Arrays.fill(w.plain, 0, w.length, (byte) 0);
        }
    }

    /**
     * First byte of a device state sealed under the ring key itself (still opened); a state saved in clear starts
     * with its format version (1 to 3).
     */
    static final byte STATE_SEALED_RING_KEY = 'S';
    /** First byte of a device state sealed under an epoch's subkey. */
    static final byte STATE_SEALED = 'E';

    /**
     * Seals the privacy engine's saved state of device {@code imei}: it holds where the device's newest decided record
     * was (possibly where a private trip ended), so the database keeps it only sealed. The form: {@code 'E'}, the key
     * id's length and ASCII, the epoch id (8 bytes), the nonce, the ciphertext with its tag; bound to the device.
     */
    public byte[] sealDeviceState(long imei, byte[] state) {
        SealingEpochs.Epoch epoch = epochs.forOneSeal();
        String keyId = epoch.keyId();
        Workspace w = workspaces.get();
        byte[] nonce = w.nonce;
        nextNonce(nonce);
        int head = 2 + keyId.length() + EPOCH_BYTES + NONCE_BYTES;
        byte[] out = new byte[head + state.length + TAG_BITS / 8];
        out[0] = STATE_SEALED;
        out[1] = (byte) keyId.length();
        for (int i = 0; i < keyId.length(); i++) {
            out[2 + i] = (byte) keyId.charAt(i);
        }
        putLong(out, 2 + keyId.length(), epoch.id());
        System.arraycopy(nonce, 0, out, 2 + keyId.length() + EPOCH_BYTES, NONCE_BYTES);
        try {
            Cipher cipher = w.cipher;
            cipher.init(Cipher.ENCRYPT_MODE, epoch.key(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(w.stateAad, 0, stateAad(w.stateAad, imei, keyId));
            cipher.doFinal(state, 0, state.length, out, head);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing failed", e);
        }
        return out;
    }

    /**
     * The state {@link #sealDeviceState} sealed for device {@code imei}; a state stored in clear (before states were
     * sealed) is returned as it is, and sealed at the device's next commit.
     *
     * @throws SealedRecordException when it does not open: its key is not in the ring, or it was altered or moved
     */
    public byte[] openDeviceState(long imei, byte[] stored) {
        if (stored == null || stored.length == 0 || (stored[0] != STATE_SEALED && stored[0] != STATE_SEALED_RING_KEY)) {
            return stored;
        }
        String what = "saved privacy state of device " + imei;
        int epochBytes = stored[0] == STATE_SEALED ? EPOCH_BYTES : 0;
        if (stored.length < 2 || stored.length < 2 + (stored[1] & 0xFF) + epochBytes + NONCE_BYTES + TAG_BITS / 8) {
            throw new SealedRecordException(what + " is too short");
        }
        int idLength = stored[1] & 0xFF;
        String keyId = new String(stored, 2, idLength, java.nio.charset.StandardCharsets.US_ASCII);
        SecretKey key = epochBytes == 0 ? keys.key(keyId) : epochs.key(keyId, getLong(stored, 2 + idLength));
        int head = 2 + idLength + epochBytes + NONCE_BYTES;
        try {
            Workspace w = workspaces.get();
            Cipher cipher = w.cipher;
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, head - NONCE_BYTES,
                    NONCE_BYTES));
            cipher.updateAAD(w.stateAad, 0, stateAad(w.stateAad, imei, keyId));
            return cipher.doFinal(stored, head, stored.length - head);
        } catch (AEADBadTagException e) {
            throw new SealedRecordException(what + " does not open: another key of id '" + keyId + "', altered, or"
                    + " moved from another device", e);
        } catch (GeneralSecurityException e) {
            throw new SealedRecordException(what + " does not open: " + e.getMessage(), e);
        }
    }

    /**
     * Counts the thread's nonce up by one (a 96-bit big-endian counter). GCM needs a nonce that never repeats under
     * one key, not an unpredictable one: a counter from a random start per thread never repeats within the thread,
     * and across threads and gateway instances only with odds of about (seals per thread x threads) / 2^96; and it
     * costs no call to the system's random source per seal.
     */
    static void nextNonce(byte[] nonce) {
        for (int i = nonce.length - 1; i >= 0 && ++nonce[i] == 0; i--) {
            // carry into the next byte
        }
    }

    private static final byte[] STATE_LABEL = "telemask-device-state-v1\u0000"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * Writes a device state's associated data into {@code into} and returns its length: the UTF-8 bytes of
     * {@code "telemask-device-state-v1\0" + imei + "\0" + keyId}, built without a string (it is done per frame).
     */
    static int stateAad(byte[] into, long imei, String keyId) {
        System.arraycopy(STATE_LABEL, 0, into, 0, STATE_LABEL.length);
        int o = STATE_LABEL.length;
        int digits = 1;
        for (long rest = imei / 10; rest != 0; rest /= 10) {
            digits++;
        }
        if (imei < 0) {
            into[o++] = '-';
        }
        long rest = imei;
        for (int i = o + digits - 1; i >= o; i--) {
            into[i] = (byte) ('0' + Math.abs(rest % 10));
            rest /= 10;
        }
        o += digits;
        into[o++] = 0;
        // Key ids are ASCII (SealingKeys checks them), at most 64 characters.
        for (int i = 0; i < keyId.length(); i++) {
            into[o++] = (byte) keyId.charAt(i);
        }
        return o;
    }

    private static int aad(Workspace w, long imei, long deviceTimeMillis, int eventIo, String keyId) {
        byte[] a = w.aad;
        putLong(a, 0, imei);
        putLong(a, 8, deviceTimeMillis);
        putInt(a, 16, eventIo);
        // Key ids are ASCII (SealingKeys checks them), at most 64 characters.
        for (int i = 0; i < keyId.length(); i++) {
            a[20 + i] = (byte) keyId.charAt(i);
        }
        return 20 + keyId.length();
    }

    private static void encode(Workspace w, AvlBatch batch, int r, int flags) {
        int length = FIXED_PLAIN;
        int kept = 0;
        for (int e = batch.ioStart(r), end = e + batch.ioCount(r); e < end; e++) {
            if (!batch.isIoRemoved(e)) {
                kept++;
                length += 5 + (batch.ioWidth(e) == AvlBatch.WIDTH_VARIABLE ? 4 + batch.nxLength(e) : 8);
            }
        }
        ensure(w, length);
        byte[] p = w.plain;
        p[0] = VERSION;
        p[1] = (byte) flags;
        p[2] = (byte) (batch.isLocationCleared(r) ? 1 : 0);
        putLong(p, 3, batch.timestamp(r));
        int o = 11;
        o = putInt(p, o, batch.priority(r));
        o = putInt(p, o, batch.longitude(r));
        o = putInt(p, o, batch.latitude(r));
        o = putInt(p, o, batch.altitude(r));
        o = putInt(p, o, batch.angle(r));
        o = putInt(p, o, batch.satellites(r));
        o = putInt(p, o, batch.speed(r));
        o = putInt(p, o, batch.eventIo(r));
        o = putInt(p, o, batch.generation(r));
        o = putInt(p, o, kept);
        for (int e = batch.ioStart(r), end = e + batch.ioCount(r); e < end; e++) {
            if (batch.isIoRemoved(e)) {
                continue;
            }
            int width = batch.ioWidth(e);
            o = putInt(p, o, batch.ioId(e));
            p[o++] = (byte) width;
            if (width == AvlBatch.WIDTH_VARIABLE) {
                int n = batch.nxLength(e);
                o = putInt(p, o, n);
                System.arraycopy(batch.nxArray(), batch.nxOffset(e), p, o, n);
                o += n;
            } else {
                putLong(p, o, batch.ioValue(e));
                o += 8;
            }
        }
        w.length = o;
    }

    private static int decode(Workspace w, long deviceTimeMillis, int eventIo, AvlBatch into, String row) {
        byte[] p = w.plain;
        if (w.length < FIXED_PLAIN || p[0] != VERSION) {
            throw new SealedRecordException(row + " holds a record in a form this gateway does not know");
        }
        int flags = p[1] & 0xFF;
        boolean cleared = p[2] != 0;
        long time = getLong(p, 3);
        int o = 11;
        int priority = getInt(p, o);
        int longitude = getInt(p, o + 4);
        int latitude = getInt(p, o + 8);
        int altitude = getInt(p, o + 12);
        int angle = getInt(p, o + 16);
        int satellites = getInt(p, o + 20);
        int speed = getInt(p, o + 24);
        int event = getInt(p, o + 28);
        int generation = getInt(p, o + 32);
        int elements = getInt(p, o + 36);
        o += 40;
        if (time != deviceTimeMillis || event != eventIo) {
            // The associated data already binds these; this guards the encoding itself.
            throw new SealedRecordException(row + " holds the record of another row");
        }
        int r = into.addRecord(time, priority, longitude, latitude, altitude, angle, satellites, speed, event,
                generation);
        for (int i = 0; i < elements; i++) {
            int id = getInt(p, o);
            int width = p[o + 4] & 0xFF;
            o += 5;
            if (width == AvlBatch.WIDTH_VARIABLE) {
                int n = getInt(p, o);
                into.addNx(id, p, o + 4, n);
                o += 4 + n;
            } else {
                into.addIo(id, width, getLong(p, o));
                o += 8;
            }
        }
        if (cleared) {
            into.clearLocation(r);
        }
        return flags;
    }

    private static void ensure(Workspace w, int length) {
        if (w.plain.length < length) {
            w.plain = new byte[Math.max(length, w.plain.length * 2)];
        }
    }

    private static int putInt(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 24);
        b[o + 1] = (byte) (v >>> 16);
        b[o + 2] = (byte) (v >>> 8);
        b[o + 3] = (byte) v;
        return o + 4;
    }

    private static void putLong(byte[] b, int o, long v) {
        putInt(b, o, (int) (v >>> 32));
        putInt(b, o + 4, (int) v);
    }

    private static int getInt(byte[] b, int o) {
        return ((b[o] & 0xFF) << 24) | ((b[o + 1] & 0xFF) << 16) | ((b[o + 2] & 0xFF) << 8) | (b[o + 3] & 0xFF);
    }

    private static long getLong(byte[] b, int o) {
        return ((long) getInt(b, o) << 32) | (getInt(b, o + 4) & 0xFFFF_FFFFL);
    }
}
