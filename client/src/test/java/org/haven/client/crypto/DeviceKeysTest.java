package org.haven.client.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.haven.protocol.E2e;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeviceKeysTest {

    @ParameterizedTest
    @CsvSource({
        "X25519, x25519, ed25519, X25519, Ed25519, Ed25519",
        "P256, p256, p256-ecdsa, EC, EC, SHA256withECDSAinP1363Format"
    })
    void publicBundleCarriesX509KeysAndAValidSignature(
            Suite suite, String alg, String signingAlg, String jcaKey, String jcaSigningKey, String jcaSignature)
            throws Exception {
        DeviceKeys keys = DeviceKeys.generate("phone", suite, 2);
        E2e.DeviceBundle b = keys.publicBundle();
        Base64.Decoder b64 = Base64.getDecoder();

        assertThat(b.device()).isEqualTo("phone");
        assertThat(b.identityKey().alg()).isEqualTo(alg);
        assertThat(b.signingKey().alg()).isEqualTo(signingAlg);
        assertThat(b.oneTimePrekey()).isNull();
        assertThat(b.fingerprint()).isEqualTo(Fingerprints.of(b.identityKey()));
        assertThat(b.signedPrekey().keyId()).isEqualTo(1);
        KeyFactory kf = KeyFactory.getInstance(jcaKey);
        kf.generatePublic(new X509EncodedKeySpec(b64.decode(b.identityKey().key())));
        Signature sig = Signature.getInstance(jcaSignature);
        sig.initVerify(KeyFactory.getInstance(jcaSigningKey)
                .generatePublic(new X509EncodedKeySpec(b64.decode(b.signingKey().key()))));
        sig.update(b64.decode(b.signedPrekey().key()));
        assertThat(sig.verify(b64.decode(b.signedPrekey().signature()))).isTrue();
        // Raw r||s for P-256 (what WebCrypto produces and expects), 64 bytes like Ed25519's.
        assertThat(b64.decode(b.signedPrekey().signature())).hasSize(64);
        assertThat(keys.oneTimePrekeys()).extracting(E2e.Prekey::keyId).containsExactly(100, 101);
        assertThat(keys.oneTimePrekeys())
                .allSatisfy(p -> assertThat(p.signature()).isNull());
    }

    @Test
    void argumentsAreChecked() {
        assertThatThrownBy(() -> DeviceKeys.generate(null, Suite.X25519, 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> DeviceKeys.generate("a\0b", Suite.X25519, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeviceKeys.generate("phone", Suite.X25519, E2e.MAX_ONE_TIME_PREKEYS + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
