package org.haven.client.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import org.haven.protocol.E2e;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FingerprintsTest {

    @ParameterizedTest
    @EnumSource(Suite.class)
    void fingerprintIsFortyHexStableAndPerKey(Suite suite) throws Exception {
        DeviceKeys a = DeviceKeys.generate("phone", suite, 0);
        DeviceKeys b = DeviceKeys.generate("phone", suite, 0);
        E2e.PublicKey idA = a.publicBundle().identityKey();

        assertThat(Fingerprints.of(idA))
                .matches("[0-9a-f]{40}")
                .isEqualTo(Fingerprints.of(new E2e.PublicKey(idA.alg(), idA.key())))
                .isEqualTo(a.fingerprint())
                .isEqualTo(a.publicBundle().fingerprint())
                .isNotEqualTo(b.fingerprint());
    }

    @Test
    void fingerprintIsTruncatedSha256OfTheDecodedKey() throws Exception {
        E2e.PublicKey id =
                DeviceKeys.generate("phone", Suite.X25519, 0).publicBundle().identityKey();
        byte[] hash =
                MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(id.key()));

        assertThat(Fingerprints.of(id)).isEqualTo(HexFormat.of().formatHex(hash).substring(0, 40));
    }

    @Test
    void safetyNumberIsSymmetricAndGrouped() {
        String a = "0123456789abcdef0123456789abcdef01234567";
        String b = "fedcba9876543210fedcba9876543210fedcba98";

        String n = Fingerprints.safetyNumber(b, a);

        assertThat(n).isEqualTo(Fingerprints.safetyNumber(a, b)).hasSize(95).startsWith("01234 56789 ");
        assertThat(n.replace(" ", "")).isEqualTo(a + b);
        assertThat(n.split(" ")).hasSize(16).allSatisfy(g -> assertThat(g).hasSize(5));
        assertThatThrownBy(() -> Fingerprints.safetyNumber(a, "ABC")).isInstanceOf(IllegalArgumentException.class);
    }
}
