package org.haven.client.crypto;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import org.haven.protocol.E2e;
import org.junit.jupiter.api.Test;

/** Keys of the right wire algorithm name but the wrong curve, or of small order, are refused. */
class WrongCurveTest {

    @Test
    void p384KeyLabelledP256IsRefused() throws Exception {
        DeviceKeys alice = DeviceKeys.generate("a1", Suite.P256, 0);
        E2e.DeviceBundle b = DeviceKeys.generate("b1", Suite.P256, 0).publicBundle();
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
        E2e.PublicKey p384 =
                new E2e.PublicKey(E2e.P256, Suite.encode(g.generateKeyPair().getPublic()));
        E2e.DeviceBundle bad = new E2e.DeviceBundle(b.device(), p384, b.signingKey(), b.signedPrekey(), null, null);

        assertThatThrownBy(() -> DirectCipher.seal(alice, "alice", bad, "bob", "hi"))
                .isInstanceOf(E2eException.class)
                .hasMessageContaining("not a P-256 key");
    }

    @Test
    void x448KeyLabelledX25519IsRefused() throws Exception {
        DeviceKeys alice = DeviceKeys.generate("a1", Suite.X25519, 0);
        E2e.DeviceBundle b = DeviceKeys.generate("b1", Suite.X25519, 0).publicBundle();
        E2e.PublicKey x448 = new E2e.PublicKey(
                E2e.X25519,
                Suite.encode(
                        KeyPairGenerator.getInstance("X448").generateKeyPair().getPublic()));
        E2e.DeviceBundle bad = new E2e.DeviceBundle(b.device(), x448, b.signingKey(), b.signedPrekey(), null, null);

        assertThatThrownBy(() -> DirectCipher.seal(alice, "alice", bad, "bob", "hi"))
                .isInstanceOf(E2eException.class)
                .hasMessageContaining("identityKey: malformed");
    }

    @Test
    void smallOrderEphemeralKeyIsRefused() throws Exception {
        DeviceKeys alice = DeviceKeys.generate("a1", Suite.X25519, 0);
        DeviceKeys bob = DeviceKeys.generate("b1", Suite.X25519, 0);
        E2e.Envelope env = DirectCipher.seal(alice, "alice", bob.publicBundle(), "bob", "hi");
        // u = 0: every DH with it is all zeros, which would make the key independent of Bob's secrets.
        byte[] spki = Base64.getDecoder().decode(env.ephemeralKey());
        Arrays.fill(spki, spki.length - 32, spki.length, (byte) 0);
        E2e.Envelope bad = new E2e.Envelope(
                env.device(),
                env.senderDevice(),
                env.algorithm(),
                Base64.getEncoder().encodeToString(spki),
                null,
                env.nonce(),
                env.ciphertext());

        assertThatThrownBy(() -> DirectCipher.open(bob, "bob", alice.publicBundle(), "alice", bad))
                .isInstanceOf(E2eException.class)
                .hasRootCauseMessage("Point has small order");
    }
}
