package org.haven.server.push;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;
import java.util.Arrays;
import javax.crypto.KeyAgreement;

/**
 * The NIST P-256 curve as Web Push uses it: keys to and from their raw encodings (a public key as
 * the 65-byte uncompressed point browsers hand out, a private key as its 32-byte scalar), checked
 * on the way in so that a bad key is refused with a message that names it and never quotes a
 * private one.
 *
 * <p>Threading: stateless; any thread.
 */
final class P256 {

    static final int PUBLIC_KEY_BYTES = 65;
    static final int PRIVATE_KEY_BYTES = 32;

    private static final int COORDINATE_BYTES = 32;
    private static final byte UNCOMPRESSED = 0x04;
    private static final ECParameterSpec PARAMS = params();
    private static final SecureRandom RANDOM = new SecureRandom();

    private P256() {}

    /** A fresh key pair. */
    static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(PARAMS, RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw missing(e);
        }
    }

    /**
     * The public key whose uncompressed point is {@code bytes}, refused unless it lies on the curve
     * (a point off it is how an invalid-curve attack would extract an ECDH private key).
     */
    static ECPublicKey publicKey(byte[] bytes, String name) {
        if (bytes.length != PUBLIC_KEY_BYTES || bytes[0] != UNCOMPRESSED) {
            throw new IllegalArgumentException(name + ": " + bytes.length + " bytes"
                    + (bytes.length > 0 ? " starting 0x" + String.format("%02x", bytes[0]) : "")
                    + " (expected: " + PUBLIC_KEY_BYTES + " bytes starting 0x04, an uncompressed P-256 point)");
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(bytes, 1, 1 + COORDINATE_BYTES));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(bytes, 1 + COORDINATE_BYTES, PUBLIC_KEY_BYTES));
        if (!onCurve(x, y)) {
            throw new IllegalArgumentException(name + ": not a point on P-256 (expected: a P-256 public key)");
        }
        try {
            return (ECPublicKey)
                    KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), PARAMS));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(name + ": refused by the EC key factory (" + e.getMessage() + ")", e);
        }
    }

    /** The private key whose raw scalar is {@code bytes}; messages give its length, never its bytes. */
    static ECPrivateKey privateKey(byte[] bytes, String name) {
        if (bytes.length != PRIVATE_KEY_BYTES) {
            throw new IllegalArgumentException(
                    name + ": " + bytes.length + " bytes (expected: " + PRIVATE_KEY_BYTES + ", a raw P-256 scalar)");
        }
        BigInteger d = new BigInteger(1, bytes);
        if (d.signum() == 0 || d.compareTo(PARAMS.getOrder()) >= 0) {
            throw new IllegalArgumentException(name + ": out of range (expected: a raw P-256 scalar, 0 < d < n)");
        }
        try {
            return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(d, PARAMS));
        } catch (GeneralSecurityException e) {
            // The class only: a provider's message could quote the key.
            throw new IllegalArgumentException(
                    name + ": refused by the EC key factory (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The 65-byte uncompressed point of {@code key}. */
    static byte[] encode(ECPublicKey key) {
        byte[] out = new byte[PUBLIC_KEY_BYTES];
        out[0] = UNCOMPRESSED;
        unsigned(key.getW().getAffineX(), out, 1);
        unsigned(key.getW().getAffineY(), out, 1 + COORDINATE_BYTES);
        return out;
    }

    /** The 32-byte scalar of {@code key}. */
    static byte[] encode(ECPrivateKey key) {
        byte[] out = new byte[PRIVATE_KEY_BYTES];
        unsigned(key.getS(), out, 0);
        return out;
    }

    /** Whether the two keys are halves of one pair: a signature by one verifies with the other. */
    static boolean pair(ECPrivateKey privateKey, ECPublicKey publicKey) {
        try {
            byte[] probe = new byte[32];
            RANDOM.nextBytes(probe);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(privateKey, RANDOM);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            throw missing(e);
        }
    }

    /** The ECDH shared secret (the x coordinate, 32 bytes) of our private key and their public key. */
    static byte[] sharedSecret(ECPrivateKey ours, ECPublicKey theirs) {
        try {
            KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
            agreement.init(ours);
            agreement.doPhase(theirs, true);
            return agreement.generateSecret();
        } catch (GeneralSecurityException e) {
            throw missing(e);
        }
    }

    private static boolean onCurve(BigInteger x, BigInteger y) {
        EllipticCurve curve = PARAMS.getCurve();
        BigInteger p = ((ECFieldFp) curve.getField()).getP();
        if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            return false;
        }
        BigInteger left = y.multiply(y).mod(p);
        BigInteger right =
                x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p);
        return left.equals(right);
    }

    /** {@code value} as exactly 32 big-endian bytes at {@code offset} (BigInteger adds or drops a sign byte). */
    private static void unsigned(BigInteger value, byte[] out, int offset) {
        byte[] bytes = value.toByteArray();
        int start = Math.max(0, bytes.length - COORDINATE_BYTES);
        int length = bytes.length - start;
        System.arraycopy(bytes, start, out, offset + COORDINATE_BYTES - length, length);
    }

    private static ECParameterSpec params() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw missing(e);
        }
    }

    /** P-256, ECDSA and ECDH are in every Java 17 runtime: their absence is a broken JDK, not bad input. */
    private static IllegalStateException missing(GeneralSecurityException e) {
        return new IllegalStateException(
                "the JDK's EC provider failed: " + e.getClass().getSimpleName(), e);
    }
}
