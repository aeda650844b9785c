package org.haven.client.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.haven.protocol.E2e;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pins the scheme byte for byte, as another implementation (the browser console) must follow it:
 * an envelope built here step by step from the written spec with plain JCA calls must open, and a
 * sealed envelope must open here. Catches a change of DH order, salt, info layout or AAD that a
 * round trip through the same code would not.
 */
class SchemeConformanceTest {

    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final Base64.Encoder B64E = Base64.getEncoder();

    @ParameterizedTest
    @EnumSource(Suite.class)
    void envelopeBuiltFromTheSpecOpens(Suite suite) throws Exception {
        DeviceKeys alice = DeviceKeys.generate("a1", suite, 0);
        DeviceKeys bob = DeviceKeys.generate("b1", suite, 1);
        E2e.DeviceBundle to = bob.publicBundle();
        E2e.Prekey otpk = bob.oneTimePrekeys().get(0);
        KeyPair eph = generate(suite);
        PrivateKey e = eph.getPrivate();
        byte[] ikm = cat(
                dh(
                        suite,
                        alice.identity().getPrivate(),
                        key(suite, to.signedPrekey().key())),
                dh(suite, e, key(suite, to.identityKey().key())),
                dh(suite, e, key(suite, to.signedPrekey().key())),
                dh(suite, e, key(suite, otpk.key())));
        byte[] info = info("alice", "a1", "bob", "b1");
        byte[] nonce = B64D.decode("AAECAwQFBgcICQoL");
        byte[] ct = gcm(Cipher.ENCRYPT_MODE, ikm, info, nonce, "hello".getBytes(StandardCharsets.UTF_8));
        E2e.Envelope env = new E2e.Envelope(
                "b1",
                "a1",
                suite.envelopeAlg(),
                B64E.encodeToString(eph.getPublic().getEncoded()),
                otpk.keyId(),
                B64E.encodeToString(nonce),
                B64E.encodeToString(ct));

        assertThat(DirectCipher.open(bob, "bob", alice.publicBundle(), "alice", env))
                .isEqualTo("hello");
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void sealedEnvelopeOpensByTheSpec(Suite suite) throws Exception {
        DeviceKeys alice = DeviceKeys.generate("a1", suite, 0);
        DeviceKeys bob = DeviceKeys.generate("b1", suite, 0);
        E2e.Envelope env = DirectCipher.seal(alice, "alice", bob.publicBundle(), "bob", "hello");
        PublicKey eph = key(suite, env.ephemeralKey());
        PrivateKey spk = bob.signedPrekey().getPrivate();
        byte[] ikm = cat(
                dh(suite, spk, key(suite, alice.publicBundle().identityKey().key())),
                dh(suite, bob.identity().getPrivate(), eph),
                dh(suite, spk, eph));

        byte[] plain = gcm(
                Cipher.DECRYPT_MODE,
                ikm,
                info("alice", "a1", "bob", "b1"),
                B64D.decode(env.nonce()),
                B64D.decode(env.ciphertext()));

        assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo("hello");
    }

    private static KeyPair generate(Suite suite) throws Exception {
        if (suite == Suite.X25519) {
            return KeyPairGenerator.getInstance("X25519").generateKeyPair();
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static PublicKey key(Suite suite, String base64) throws Exception {
        return KeyFactory.getInstance(suite == Suite.X25519 ? "XDH" : "EC")
                .generatePublic(new X509EncodedKeySpec(B64D.decode(base64)));
    }

    private static byte[] dh(Suite suite, PrivateKey mine, PublicKey theirs) throws Exception {
        KeyAgreement ka = KeyAgreement.getInstance(suite == Suite.X25519 ? "XDH" : "ECDH");
        ka.init(mine);
        ka.doPhase(theirs, true);
        return ka.generateSecret();
    }

    private static byte[] info(String... ids) {
        return ("haven-e2e-v1" + String.join("\0", ids)).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] gcm(int mode, byte[] ikm, byte[] info, byte[] nonce, byte[] in) throws Exception {
        byte[] key = Hkdf.expand(Hkdf.extract(new byte[32], ikm), info, 32);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        c.updateAAD(info);
        return c.doFinal(in);
    }
}
