package org.haven.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * The discreet end-to-end-encrypted chat on the wire: device key bundles and sealed envelopes. The
 * server stores public keys and relays opaque ciphertext; it checks shapes only (base64, sizes,
 * known algorithms) and can read nothing.
 *
 * <p>The scheme (implemented by the Java client library, and by the browser console with
 * WebCrypto): each device has an identity key for key agreement (X25519, or P-256 where X25519 is
 * missing), a signing key (Ed25519, or P-256 ECDSA) that signs its signed prekey, and optional
 * one-time prekeys. A sender makes a fresh ephemeral key per message and derives the message key
 * with HKDF-SHA256 over DH(sender identity, recipient signed prekey), DH(ephemeral, recipient
 * identity), DH(ephemeral, recipient signed prekey) and, when one was handed out, DH(ephemeral,
 * one-time prekey); the text is sealed with AES-256-GCM. {@code docs/e2e.md} specifies it byte by
 * byte, with conformance vectors.
 */
public interface E2e {

    /** Key agreement algorithms of identity keys and prekeys. */
    String X25519 = "x25519";

    String P256 = "p256";
    /** Signature algorithms of signing keys. */
    String ED25519 = "ed25519";

    String P256_ECDSA = "p256-ecdsa";
    /** Envelope algorithms. */
    String X25519_AES_GCM = "x25519-hkdf-sha256-aes256gcm";

    String P256_AES_GCM = "p256-hkdf-sha256-aes256gcm";

    /** Largest ciphertext accepted, in base64 characters. */
    int MAX_CIPHERTEXT_CHARS = 16 * 1024;
    /** Most one-time prekeys a device may publish at once. */
    int MAX_ONE_TIME_PREKEYS = 100;

    /** A public key with its algorithm; {@code key} is standard base64 of the X.509 (SubjectPublicKeyInfo) encoding. */
    record PublicKey(String alg, String key) {
        public PublicKey {
            Fields.required(alg, "alg");
            Fields.required(key, "key");
            E2eShapes.base64(key, "key", 512);
        }
    }

    /** A prekey: an agreement key with a device-chosen id; a signed prekey also carries its signature. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Prekey(int keyId, String key, String signature) {
        public Prekey {
            Fields.required(key, "key");
            E2eShapes.base64(key, "key", 512);
            if (signature != null) {
                E2eShapes.base64(signature, "signature", 512);
            }
        }
    }

    /**
     * What one device publishes, and what its chat partners fetch: the keys, and a fingerprint
     * (safety number) of the identity key, which clients show and compare.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DeviceBundle(
            String device,
            PublicKey identityKey,
            PublicKey signingKey,
            Prekey signedPrekey,
            Prekey oneTimePrekey,
            String fingerprint) {}

    /**
     * One sealed message for one device of the recipient. {@code ephemeralKey} is the sender's
     * fresh key for this message; {@code oneTimePrekeyId} names the recipient's one-time prekey used,
     * if any; {@code nonce} is the 12-byte AES-GCM nonce.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Envelope(
            String device,
            String senderDevice,
            String algorithm,
            String ephemeralKey,
            Integer oneTimePrekeyId,
            String nonce,
            String ciphertext) {
        public Envelope {
            Fields.required(device, "device");
            Fields.required(senderDevice, "senderDevice");
            Fields.required(algorithm, "algorithm");
            if (!algorithm.equals(X25519_AES_GCM) && !algorithm.equals(P256_AES_GCM)) {
                throw new IllegalArgumentException(
                        "algorithm: unknown (expected: " + X25519_AES_GCM + " or " + P256_AES_GCM + ")");
            }
            E2eShapes.base64(ephemeralKey, "ephemeralKey", 512);
            byte[] n = E2eShapes.base64(nonce, "nonce", 64);
            if (n.length != 12) {
                throw new IllegalArgumentException("nonce: " + n.length + " bytes (expected: 12)");
            }
            E2eShapes.base64(ciphertext, "ciphertext", MAX_CIPHERTEXT_CHARS);
        }
    }

    /** A direct message as delivered: who sent it, when, and the envelope for this device. */
    record DirectMessage(String message, String from, Envelope envelope, Instant sentAt) {}

    /** Base64 and size checks shared by the records above. */
    final class E2eShapes {
        private E2eShapes() {}

        static byte[] base64(String value, String name, int maxChars) {
            Fields.required(value, name);
            if (value.length() > maxChars) {
                throw new IllegalArgumentException(
                        name + ": " + value.length() + " characters (expected: <= " + maxChars + ")");
            }
            try {
                return Base64.getDecoder().decode(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": not base64");
            }
        }
    }

    /** Convenience for building lists in records. */
    static <T> List<T> copy(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }
}
