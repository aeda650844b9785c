package org.haven.client.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.haven.protocol.E2e;

/**
 * Seals a text for one recipient device and opens it there, as {@link E2e} states the scheme: an
 * X3DH-style agreement with a fresh ephemeral key per message, HKDF-SHA256, and AES-256-GCM whose
 * AAD binds the sender and recipient user and device ids.
 *
 * <p>Every refusal is an {@link E2eException}; nothing is returned unless it authenticated.
 */
public final class DirectCipher {

    private static final byte[] LABEL = "haven-e2e-v1".getBytes(StandardCharsets.UTF_8);
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private DirectCipher() {}

    /**
     * Returns {@code plaintext} sealed from {@code sender} (of {@code senderUser}) to the device of
     * {@code recipient} (of {@code recipientUser}), using the bundle's one-time prekey if it has one.
     *
     * @throws E2eException if the bundle is refused: bad signed-prekey signature, another suite,
     *     malformed key, or a fingerprint that does not match its identity key
     * @throws IllegalArgumentException if the sealed text exceeds {@link E2e#MAX_CIPHERTEXT_CHARS}
     */
    public static E2e.Envelope seal(
            DeviceKeys sender, String senderUser, E2e.DeviceBundle recipient, String recipientUser, String plaintext)
            throws E2eException {
        Objects.requireNonNull(sender, "sender");
        Names.check(senderUser, "senderUser");
        Objects.requireNonNull(recipient, "recipient");
        Names.check(recipientUser, "recipientUser");
        Objects.requireNonNull(plaintext, "plaintext");
        Suite suite = sender.suite();
        Bundles.Parsed to = Bundles.forSealing(suite, recipient);
        try {
            KeyPair ephemeral = suite.newAgreementKeyPair();
            PrivateKey e = ephemeral.getPrivate();
            byte[] ikm = concat(
                    suite.agree(sender.identity().getPrivate(), to.signedPrekey()),
                    suite.agree(e, to.identity()),
                    suite.agree(e, to.signedPrekey()),
                    to.oneTimePrekey() == null ? new byte[0] : suite.agree(e, to.oneTimePrekey()));
            byte[] info = info(senderUser, sender.device(), recipientUser, recipient.device());
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            byte[] ciphertext = gcm(Cipher.ENCRYPT_MODE, ikm, info, nonce, plaintext.getBytes(StandardCharsets.UTF_8));
            Base64.Encoder b64 = Base64.getEncoder();
            return new E2e.Envelope(
                    recipient.device(),
                    sender.device(),
                    suite.envelopeAlg(),
                    Suite.encode(ephemeral.getPublic()),
                    recipient.oneTimePrekey() == null
                            ? null
                            : recipient.oneTimePrekey().keyId(),
                    b64.encodeToString(nonce),
                    b64.encodeToString(ciphertext));
        } catch (GeneralSecurityException ex) {
            throw ex instanceof E2eException ee ? ee : new E2eException("cannot seal", ex);
        }
    }

    /**
     * Returns the text of {@code envelope}, sealed by the device of {@code sender} (of
     * {@code senderUser}) to {@code recipient} (of {@code recipientUser}); the one-time prekey it
     * names, if any, is consumed, so the same envelope opens only once.
     *
     * @throws E2eException if the envelope is for another device or suite, names an unknown or used
     *     one-time prekey, or fails authentication (wrong keys, ids, or altered fields)
     */
    public static String open(
            DeviceKeys recipient,
            String recipientUser,
            E2e.DeviceBundle sender,
            String senderUser,
            E2e.Envelope envelope)
            throws E2eException {
        Objects.requireNonNull(recipient, "recipient");
        Names.check(recipientUser, "recipientUser");
        Objects.requireNonNull(sender, "sender");
        Names.check(senderUser, "senderUser");
        Objects.requireNonNull(envelope, "envelope");
        Suite suite = recipient.suite();
        if (!envelope.algorithm().equals(suite.envelopeAlg())) {
            throw new E2eException("envelope algorithm " + envelope.algorithm() + " is not " + suite.envelopeAlg());
        }
        if (!envelope.device().equals(recipient.device())
                || !envelope.senderDevice().equals(sender.device())) {
            throw new E2eException("envelope is not from this sender device to this device");
        }
        PublicKey senderIdentity = Bundles.forOpening(suite, sender);
        PublicKey ephemeral = suite.agreementKey(envelope.ephemeralKey(), "ephemeralKey");
        Integer otpkId = envelope.oneTimePrekeyId();
        KeyPair otpk = otpkId == null ? null : recipient.oneTimePrekey(otpkId);
        if (otpkId != null && otpk == null) {
            throw new E2eException("one-time prekey " + otpkId + " is unknown or already used");
        }
        try {
            PrivateKey spk = recipient.signedPrekey().getPrivate();
            byte[] ikm = concat(
                    suite.agree(spk, senderIdentity),
                    suite.agree(recipient.identity().getPrivate(), ephemeral),
                    suite.agree(spk, ephemeral),
                    otpk == null ? new byte[0] : suite.agree(otpk.getPrivate(), ephemeral));
            byte[] info = info(senderUser, sender.device(), recipientUser, recipient.device());
            Base64.Decoder b64 = Base64.getDecoder();
            byte[] plaintext = gcm(
                    Cipher.DECRYPT_MODE, ikm, info, b64.decode(envelope.nonce()), b64.decode(envelope.ciphertext()));
            // Consumed only once authenticated, so a forged envelope cannot burn the key; the atomic
            // remove makes a concurrent second open of the same envelope fail.
            if (otpk != null && !recipient.consumeOneTimePrekey(otpkId, otpk)) {
                throw new E2eException("one-time prekey " + otpkId + " is unknown or already used");
            }
            return new String(plaintext, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException ex) {
            throw ex instanceof E2eException ee ? ee : new E2eException("cannot open: authentication failed", ex);
        }
    }

    /** AES-256-GCM under HKDF(ikm); the info bytes are both the HKDF info and the AAD. */
    private static byte[] gcm(int mode, byte[] ikm, byte[] info, byte[] nonce, byte[] input)
            throws GeneralSecurityException {
        byte[] key = Hkdf.derive(new byte[Hkdf.HASH_LEN], ikm, info, KEY_BYTES);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(info);
            return c.doFinal(input);
        } finally {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(ikm, (byte) 0);
        }
    }

    /** "haven-e2e-v1" || senderUser || 0 || senderDevice || 0 || recipientUser || 0 || recipientDevice. */
    static byte[] info(String senderUser, String senderDevice, String recipientUser, String recipientDevice) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(LABEL);
        out.writeBytes(senderUser.getBytes(StandardCharsets.UTF_8));
        out.write(0);
        out.writeBytes(Names.check(senderDevice, "senderDevice").getBytes(StandardCharsets.UTF_8));
        out.write(0);
        out.writeBytes(recipientUser.getBytes(StandardCharsets.UTF_8));
        out.write(0);
        out.writeBytes(Names.check(recipientDevice, "recipientDevice").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
            Arrays.fill(p, (byte) 0);
        }
        return out.toByteArray();
    }
}
