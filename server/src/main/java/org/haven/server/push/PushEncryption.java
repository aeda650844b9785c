package org.haven.server.push;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts a push message for one subscription (RFC 8291) in the {@code aes128gcm} content coding
 * (RFC 8188): an ephemeral P-256 key agreed with the subscription's {@code p256dh} key, mixed with
 * its {@code auth} secret and a random salt, keys one AES-128-GCM record. Only the browser that
 * made the subscription can read the message; the push service sees its length only.
 *
 * <p>The body is one record of at most {@link #RECORD_SIZE} bytes, header included, which is what
 * every push service must accept (RFC 8291 §4): hence at most {@link #MAX_PLAINTEXT} bytes of
 * plaintext.
 *
 * <p>Threading: stateless; any thread.
 */
public final class PushEncryption {

    /** The record size written into the header, and the most a body may take. */
    public static final int RECORD_SIZE = 4096;

    /** Bytes of {@code auth} secret a subscription carries. */
    public static final int AUTH_SECRET_BYTES = 16;

    /** Salt, record size, key id length and the 65-byte key id. */
    static final int HEADER_BYTES = 16 + 4 + 1 + P256.PUBLIC_KEY_BYTES;

    private static final int SALT_BYTES = 16;
    private static final int TAG_BYTES = 16;
    private static final int KEY_BYTES = 16;
    private static final int NONCE_BYTES = 12;
    /** RFC 8188 §2: the delimiter that ends the last (here, only) record's plaintext. */
    private static final byte LAST_RECORD = 0x02;

    /** The longest plaintext whose body fits one {@link #RECORD_SIZE} record: 3993 bytes. */
    public static final int MAX_PLAINTEXT = RECORD_SIZE - HEADER_BYTES - TAG_BYTES - 1;

    private static final byte[] KEY_INFO = ascii("WebPush: info\0");
    private static final byte[] CEK_INFO = ascii("Content-Encoding: aes128gcm\0");
    private static final byte[] NONCE_INFO = ascii("Content-Encoding: nonce\0");
    private static final SecureRandom RANDOM = new SecureRandom();

    private PushEncryption() {}

    /**
     * The {@code aes128gcm} body carrying {@code plaintext} to the subscription whose keys are {@code
     * uaPublic} ({@code p256dh}, 65 bytes) and {@code authSecret} ({@code auth}, 16 bytes).
     *
     * @throws IllegalArgumentException when a key is malformed or the plaintext is longer than {@link
     *     #MAX_PLAINTEXT}
     */
    public static byte[] encrypt(byte[] plaintext, byte[] uaPublic, byte[] authSecret) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return encrypt(plaintext, uaPublic, authSecret, salt, P256.generate());
    }

    /**
     * Checks a subscription's keys as {@link #encrypt} will: {@code p256dh} a point on P-256 in its
     * uncompressed form, {@code auth} 16 bytes. For a store to refuse a bad subscription when it is
     * made rather than when the first page fails.
     *
     * @throws IllegalArgumentException naming the key at fault
     */
    public static void checkKeys(byte[] uaPublic, byte[] authSecret) {
        Objects.requireNonNull(uaPublic, "p256dh");
        Objects.requireNonNull(authSecret, "auth");
        P256.publicKey(uaPublic, "p256dh");
        if (authSecret.length != AUTH_SECRET_BYTES) {
            throw new IllegalArgumentException(
                    "auth: " + authSecret.length + " bytes (expected: " + AUTH_SECRET_BYTES + ")");
        }
    }

    /** {@link #encrypt(byte[], byte[], byte[])} with a given salt and sender key: the RFC 8291 Appendix A vector. */
    static byte[] encrypt(byte[] plaintext, byte[] uaPublic, byte[] authSecret, byte[] salt, KeyPair sender) {
        Objects.requireNonNull(plaintext, "plaintext");
        checkKeys(uaPublic, authSecret);
        if (plaintext.length > MAX_PLAINTEXT) {
            throw new IllegalArgumentException("plaintext: " + plaintext.length + " bytes (expected: <= "
                    + MAX_PLAINTEXT + ", so that the body fits one " + RECORD_SIZE + "-byte record)");
        }
        if (salt.length != SALT_BYTES) {
            throw new IllegalArgumentException("salt: " + salt.length + " bytes (expected: " + SALT_BYTES + ")");
        }
        ECPublicKey ua = P256.publicKey(uaPublic, "p256dh");
        byte[] asPublic = P256.encode((ECPublicKey) sender.getPublic());

        // RFC 8291 §3.3-3.4: the shared secret, bound to both public keys and the auth secret, then
        // RFC 8188 §2.2-2.3: the content key and nonce from it and the salt.
        byte[] ecdhSecret = P256.sharedSecret((ECPrivateKey) sender.getPrivate(), ua);
        byte[] ikm = hkdf(authSecret, ecdhSecret, concat(KEY_INFO, uaPublic, asPublic), 32);
        byte[] prk = hmac(salt, ikm);
        byte[] cek = expand(prk, CEK_INFO, KEY_BYTES);
        byte[] nonce = expand(prk, NONCE_INFO, NONCE_BYTES);

        byte[] record = Arrays.copyOf(plaintext, plaintext.length + 1);
        record[plaintext.length] = LAST_RECORD;
        byte[] ciphertext;
        try {
            Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            ciphertext = aes.doFinal(record);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "the JDK's AES-GCM failed: " + e.getClass().getSimpleName(), e);
        }
        return ByteBuffer.allocate(HEADER_BYTES + ciphertext.length)
                .put(salt)
                .putInt(RECORD_SIZE)
                .put((byte) asPublic.length)
                .put(asPublic)
                .put(ciphertext)
                .array();
    }

    /** HKDF-SHA-256 (RFC 5869) for at most one block of output. */
    private static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) {
        return expand(hmac(salt, ikm), info, length);
    }

    private static byte[] expand(byte[] prk, byte[] info, int length) {
        return Arrays.copyOf(hmac(prk, concat(info, new byte[] {1})), length);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "the JDK's HMAC-SHA-256 failed: " + e.getClass().getSimpleName(), e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
