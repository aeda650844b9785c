package org.haven.client.crypto;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA256 exactly as RFC 5869 defines it: {@link #extract} then {@link #expand}.
 *
 * <p>JDK 17 has no HKDF (it arrives as a public API only in later releases), so it is written here
 * on top of {@code HmacSHA256}, which every Java platform must provide.
 */
public final class Hkdf {

    /** Output length of SHA-256, in bytes. */
    public static final int HASH_LEN = 32;

    private static final String HMAC = "HmacSHA256";

    private Hkdf() {}

    /**
     * Returns the pseudorandom key HMAC-SHA256(salt, ikm); a null or empty salt means
     * {@value #HASH_LEN} zero bytes, as RFC 5869 section 2.2 says.
     */
    public static byte[] extract(byte[] salt, byte[] ikm) {
        Objects.requireNonNull(ikm, "ikm");
        byte[] s = salt == null || salt.length == 0 ? new byte[HASH_LEN] : salt;
        Mac mac = mac(s);
        return mac.doFinal(ikm);
    }

    /**
     * Returns {@code length} bytes of output keying material from {@code prk} and {@code info}
     * (RFC 5869 section 2.3); a null {@code info} is empty, and {@code length} must be 1 to
     * 255 * {@value #HASH_LEN}.
     */
    public static byte[] expand(byte[] prk, byte[] info, int length) {
        Objects.requireNonNull(prk, "prk");
        if (length < 1 || length > 255 * HASH_LEN) {
            throw new IllegalArgumentException("length: " + length + " (expected: 1.." + 255 * HASH_LEN + ")");
        }
        byte[] inf = info == null ? new byte[0] : info;
        Mac mac = mac(prk);
        byte[] okm = new byte[length];
        byte[] t = new byte[0];
        int done = 0;
        for (int i = 1; done < length; i++) {
            // T(i) = HMAC(PRK, T(i-1) || info || i); doFinal resets the Mac for the next block.
            mac.update(t);
            mac.update(inf);
            mac.update((byte) i);
            t = mac.doFinal();
            int n = Math.min(t.length, length - done);
            System.arraycopy(t, 0, okm, done, n);
            done += n;
        }
        Arrays.fill(t, (byte) 0);
        return okm;
    }

    /** Returns {@code expand(extract(salt, ikm), info, length)}, wiping the intermediate key. */
    public static byte[] derive(byte[] salt, byte[] ikm, byte[] info, int length) {
        byte[] prk = extract(salt, ikm);
        try {
            return expand(prk, info, length);
        } finally {
            Arrays.fill(prk, (byte) 0);
        }
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        } catch (InvalidKeyException e) {
            // Only an empty key is refused by SecretKeySpec/HMAC, and extract never passes one.
            throw new IllegalArgumentException("HMAC key refused", e);
        }
    }
}
