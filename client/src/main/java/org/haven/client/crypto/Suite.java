package org.haven.client.crypto;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import javax.crypto.KeyAgreement;
import org.haven.protocol.E2e;

/**
 * The two algorithm suites of Haven's end-to-end encryption: each names the key agreement, the
 * signature and the envelope algorithm a device uses, all from the JDK's own providers.
 *
 * <p>{@link #X25519} is preferred; {@link #P256} exists for browsers whose WebCrypto lacks X25519.
 * Suites do not mix: both ends of a message must use the same one.
 */
public enum Suite {
    /** X25519 agreement, Ed25519 signatures, envelope {@value E2e#X25519_AES_GCM}. */
    X25519(E2e.X25519, E2e.ED25519, E2e.X25519_AES_GCM, "X25519", "X25519", "Ed25519", "Ed25519"),
    /**
     * ECDH and ECDSA (SHA-256; signatures as IEEE P1363 r||s, 64 bytes, the format WebCrypto signs
     * and verifies in, not DER) on P-256, envelope {@value E2e#P256_AES_GCM}.
     */
    P256(E2e.P256, E2e.P256_ECDSA, E2e.P256_AES_GCM, "EC", "ECDH", "EC", "SHA256withECDSAinP1363Format");

    private final String agreementAlg;
    private final String signingAlg;
    private final String envelopeAlg;
    private final String jcaAgreementKey;
    private final String jcaAgreement;
    private final String jcaSigningKey;
    private final String jcaSignature;

    Suite(
            String agreementAlg,
            String signingAlg,
            String envelopeAlg,
            String jcaAgreementKey,
            String jcaAgreement,
            String jcaSigningKey,
            String jcaSignature) {
        this.agreementAlg = agreementAlg;
        this.signingAlg = signingAlg;
        this.envelopeAlg = envelopeAlg;
        this.jcaAgreementKey = jcaAgreementKey;
        this.jcaAgreement = jcaAgreement;
        this.jcaSigningKey = jcaSigningKey;
        this.jcaSignature = jcaSignature;
    }

    /** The wire name of identity keys and prekeys of this suite ({@code E2e.PublicKey.alg}). */
    public String agreementAlg() {
        return agreementAlg;
    }

    /** The wire name of signing keys of this suite. */
    public String signingAlg() {
        return signingAlg;
    }

    /** The wire name of envelopes sealed with this suite ({@code E2e.Envelope.algorithm}). */
    public String envelopeAlg() {
        return envelopeAlg;
    }

    KeyPair newAgreementKeyPair() throws GeneralSecurityException {
        return generate(jcaAgreementKey);
    }

    KeyPair newSigningKeyPair() throws GeneralSecurityException {
        return generate(jcaSigningKey);
    }

    private KeyPair generate(String jcaAlg) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance(jcaAlg);
        if (this == P256) {
            g.initialize(new ECGenParameterSpec("secp256r1"));
        }
        return g.generateKeyPair();
    }

    byte[] sign(PrivateKey key, byte[] data) throws GeneralSecurityException {
        Signature s = Signature.getInstance(jcaSignature);
        s.initSign(key);
        s.update(data);
        return s.sign();
    }

    /** True only if {@code signature} is valid; a malformed signature is simply invalid. */
    boolean verify(PublicKey key, byte[] data, byte[] signature) throws GeneralSecurityException {
        Signature s = Signature.getInstance(jcaSignature);
        s.initVerify(key);
        s.update(data);
        try {
            return s.verify(signature);
        } catch (SignatureException e) {
            return false;
        }
    }

    /** The raw shared secret (32 bytes for both suites: the X25519 u, or the P-256 x coordinate). */
    byte[] agree(PrivateKey mine, PublicKey theirs) throws GeneralSecurityException {
        KeyAgreement ka = KeyAgreement.getInstance(jcaAgreement);
        ka.init(mine);
        // The JDK refuses small-order X25519 points and off-curve P-256 points here.
        ka.doPhase(theirs, true);
        return ka.generateSecret();
    }

    PublicKey agreementKey(String base64, String name) throws E2eException {
        return parse(jcaAgreementKey, base64, name);
    }

    PublicKey signingKey(String base64, String name) throws E2eException {
        return parse(jcaSigningKey, base64, name);
    }

    static String encode(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    private PublicKey parse(String jcaAlg, String base64, String name) throws E2eException {
        try {
            // KeyFactory "X25519"/"Ed25519" refuse X448/Ed448; "EC" takes any curve, checked below.
            PublicKey key = KeyFactory.getInstance(jcaAlg)
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
            if (this == P256 && !isP256(key)) {
                throw new E2eException(name + ": not a P-256 key");
            }
            return key;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw e instanceof E2eException ee ? ee : new E2eException(name + ": malformed " + this + " key", e);
        }
    }

    private static boolean isP256(PublicKey key) throws GeneralSecurityException {
        if (!(key instanceof ECPublicKey ec)) {
            return false;
        }
        AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
        p.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec want = p.getParameterSpec(ECParameterSpec.class);
        ECParameterSpec got = ec.getParams();
        return got.getCurve().equals(want.getCurve())
                && got.getOrder().equals(want.getOrder())
                && got.getGenerator().equals(want.getGenerator())
                && got.getCofactor() == want.getCofactor();
    }
}
