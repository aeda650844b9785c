package org.haven.server.push;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The user agent's side of RFC 8291 with RFC 8188 {@code aes128gcm}: what a browser does with a push
 * message body. Test code, written apart from {@link PushEncryption} (its own key derivation) so that
 * the two check each other; it reads only what Haven sends, one record.
 */
public final class WebPushDecryption {

    private WebPushDecryption() {}

    /**
     * The plaintext of {@code body}, for the subscriber whose key pair is {@code uaPrivate} and {@code
     * uaPublic} (65 bytes) and whose auth secret is {@code authSecret}.
     *
     * @throws IllegalArgumentException when the body is malformed or does not decrypt (wrong key, a
     *     changed byte)
     */
    public static byte[] decrypt(byte[] body, PrivateKey uaPrivate, byte[] uaPublic, byte[] authSecret) {
        ByteBuffer in = ByteBuffer.wrap(body);
        if (body.length < 21) {
            throw new IllegalArgumentException("body shorter than an aes128gcm header: " + body.length);
        }
        byte[] salt = new byte[16];
        in.get(salt);
        int rs = in.getInt();
        int idLength = in.get() & 0xff;
        if (idLength != 65 || in.remaining() < idLength + 17) {
            throw new IllegalArgumentException("key id of " + idLength + " bytes, " + in.remaining() + " left");
        }
        byte[] asPublic = new byte[idLength];
        in.get(asPublic);
        byte[] ciphertext = new byte[in.remaining()];
        in.get(ciphertext);
        if (ciphertext.length > rs) {
            throw new IllegalArgumentException("more than one record: " + ciphertext.length + " > rs " + rs);
        }
        try {
            KeyAgreement ecdh = KeyAgreement.getInstance("ECDH");
            ecdh.init(uaPrivate);
            ecdh.doPhase(P256.publicKey(asPublic, "keyid"), true);
            byte[] ecdhSecret = ecdh.generateSecret();

            byte[] keyInfo = concat(bytes("WebPush: info\0"), uaPublic, asPublic);
            byte[] ikm = expand(hmac(authSecret, ecdhSecret), keyInfo, 32);
            byte[] prk = hmac(salt, ikm);
            byte[] cek = expand(prk, bytes("Content-Encoding: aes128gcm\0"), 16);
            byte[] nonce = expand(prk, bytes("Content-Encoding: nonce\0"), 12);

            Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
            aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
            byte[] record = aes.doFinal(ciphertext);
            int end = record.length - 1;
            while (end >= 0 && record[end] == 0) {
                end--;
            }
            if (end < 0 || record[end] != 2) {
                throw new IllegalArgumentException("no last-record delimiter (0x02) after the plaintext");
            }
            return Arrays.copyOf(record, end);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("does not decrypt: " + e, e);
        }
    }

    private static byte[] expand(byte[] prk, byte[] info, int length) throws GeneralSecurityException {
        return Arrays.copyOf(hmac(prk, concat(info, new byte[] {1})), length);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        ByteBuffer out = ByteBuffer.allocate(length);
        for (byte[] p : parts) {
            out.put(p);
        }
        return out.array();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
