package org.haven.client.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.UnaryOperator;
import javax.crypto.AEADBadTagException;
import org.haven.protocol.E2e;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DirectCipherTest {

    private static final String TEXT = "I had a hard week, can we talk? \u2764";

    private DeviceKeys alice;
    private DeviceKeys bob;

    private void keys(Suite suite) throws E2eException {
        alice = DeviceKeys.generate("alice-phone", suite, 0);
        bob = DeviceKeys.generate("bob-laptop", suite, 3);
    }

    /** Bob's bundle as the server hands it out with one of his one-time prekeys. */
    private E2e.DeviceBundle bobWithOneTimePrekey() {
        E2e.DeviceBundle b = bob.publicBundle();
        return new E2e.DeviceBundle(
                b.device(),
                b.identityKey(),
                b.signingKey(),
                b.signedPrekey(),
                bob.oneTimePrekeys().get(0),
                b.fingerprint());
    }

    private E2e.Envelope seal(E2e.DeviceBundle to) throws E2eException {
        return DirectCipher.seal(alice, "alice", to, "bob", TEXT);
    }

    private String open(E2e.Envelope env) throws E2eException {
        return DirectCipher.open(bob, "bob", alice.publicBundle(), "alice", env);
    }

    private static E2e.Envelope with(
            E2e.Envelope e, UnaryOperator<String> nonce, UnaryOperator<String> ct, UnaryOperator<String> eph) {
        return new E2e.Envelope(
                e.device(),
                e.senderDevice(),
                e.algorithm(),
                eph.apply(e.ephemeralKey()),
                e.oneTimePrekeyId(),
                nonce.apply(e.nonce()),
                ct.apply(e.ciphertext()));
    }

    /** Flips one bit of the decoded bytes at {@code index} and re-encodes. */
    private static String flip(String base64, int index) {
        byte[] b = Base64.getDecoder().decode(base64);
        b[index] ^= 1;
        return Base64.getEncoder().encodeToString(b);
    }

    private static void assertAuthFails(ThrowingOpen call) {
        assertThatThrownBy(call::run).isInstanceOf(E2eException.class).hasCauseInstanceOf(AEADBadTagException.class);
    }

    private interface ThrowingOpen {
        void run() throws Exception;
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void roundTripWithoutOneTimePrekey(Suite suite) throws Exception {
        keys(suite);
        E2e.Envelope env = seal(bob.publicBundle());

        assertThat(env.device()).isEqualTo("bob-laptop");
        assertThat(env.senderDevice()).isEqualTo("alice-phone");
        assertThat(env.algorithm()).isEqualTo(suite.envelopeAlg());
        assertThat(env.oneTimePrekeyId()).isNull();
        assertThat(open(env)).isEqualTo(TEXT);
        // Without a one-time prekey nothing is consumed (and nothing prevents a replay: see caveats).
        assertThat(open(env)).isEqualTo(TEXT);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void oneTimePrekeyOpensOnceOnly(Suite suite) throws Exception {
        keys(suite);
        E2e.Envelope env = seal(bobWithOneTimePrekey());

        assertThat(env.oneTimePrekeyId()).isEqualTo(DeviceKeys.FIRST_ONE_TIME_PREKEY_ID);
        assertThat(open(env)).isEqualTo(TEXT);
        assertThat(bob.oneTimePrekeys()).extracting(E2e.Prekey::keyId).containsExactly(101, 102);
        assertThatThrownBy(() -> open(env)).isInstanceOf(E2eException.class).hasMessageContaining("already used");
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void oneTimePrekeyReallyEntersTheKey(Suite suite) throws Exception {
        keys(suite);
        E2e.Envelope env = seal(bobWithOneTimePrekey());
        // Same envelope claiming no one-time prekey: without DH4 the key differs.
        E2e.Envelope stripped = new E2e.Envelope(
                env.device(),
                env.senderDevice(),
                env.algorithm(),
                env.ephemeralKey(),
                null,
                env.nonce(),
                env.ciphertext());

        assertAuthFails(() -> open(stripped));
        assertThat(bob.oneTimePrekeys()).hasSize(3);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void alteredCiphertextNonceOrEphemeralKeyFail(Suite suite) throws Exception {
        keys(suite);
        E2e.Envelope env = seal(bob.publicBundle());
        String otherEphemeral = Suite.encode(suite.newAgreementKeyPair().getPublic());

        assertAuthFails(() -> open(with(env, n -> n, c -> flip(c, 0), k -> k)));
        assertAuthFails(() ->
                open(with(env, n -> n, c -> flip(c, Base64.getDecoder().decode(c).length - 1), k -> k)));
        assertAuthFails(() -> open(with(env, n -> flip(n, 11), c -> c, k -> k)));
        assertAuthFails(() -> open(with(env, n -> n, c -> c, k -> otherEphemeral)));
        assertThat(open(env)).isEqualTo(TEXT);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void wrongRecipientKeysFail(Suite suite) throws Exception {
        keys(suite);
        E2e.Envelope env = seal(bob.publicBundle());
        DeviceKeys impostor = DeviceKeys.generate("bob-laptop", suite, 0);

        assertAuthFails(() -> DirectCipher.open(impostor, "bob", alice.publicBundle(), "alice", env));
        assertThatThrownBy(() -> DirectCipher.open(alice, "bob", alice.publicBundle(), "alice", env))
                .isInstanceOf(E2eException.class);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void wrongSenderKeyUserOrDeviceFail(Suite suite) throws Exception {
        keys(suite);
        E2e.Envelope env = seal(bob.publicBundle());
        E2e.DeviceBundle a = alice.publicBundle();
        E2e.DeviceBundle otherKeys =
                DeviceKeys.generate("alice-phone", suite, 0).publicBundle();
        E2e.DeviceBundle renamed = new E2e.DeviceBundle(
                "alice-tablet", a.identityKey(), a.signingKey(), a.signedPrekey(), null, a.fingerprint());
        E2e.Envelope renamedEnv = new E2e.Envelope(
                env.device(), "alice-tablet", env.algorithm(), env.ephemeralKey(), null, env.nonce(), env.ciphertext());

        assertAuthFails(() -> DirectCipher.open(bob, "bob", otherKeys, "alice", env));
        assertAuthFails(() -> DirectCipher.open(bob, "bob", a, "mallory", env));
        assertAuthFails(() -> DirectCipher.open(bob, "robert", a, "alice", env));
        assertAuthFails(() -> DirectCipher.open(bob, "bob", renamed, "alice", renamedEnv));
        assertThatThrownBy(() -> DirectCipher.open(bob, "bob", renamed, "alice", env))
                .isInstanceOf(E2eException.class)
                .hasMessageContaining("sender device");
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void tamperedBundleIsRefusedBySeal(Suite suite) throws Exception {
        keys(suite);
        E2e.DeviceBundle b = bob.publicBundle();
        E2e.Prekey spk = b.signedPrekey();
        E2e.Prekey badSignature = new E2e.Prekey(spk.keyId(), spk.key(), flip(spk.signature(), 10));
        E2e.Prekey swappedKey = new E2e.Prekey(
                spk.keyId(), Suite.encode(suite.newAgreementKeyPair().getPublic()), spk.signature());

        assertThatThrownBy(() -> seal(new E2e.DeviceBundle(
                        b.device(), b.identityKey(), b.signingKey(), badSignature, null, b.fingerprint())))
                .isInstanceOf(E2eException.class)
                .hasMessageContaining("signature");
        assertThatThrownBy(() -> seal(new E2e.DeviceBundle(
                        b.device(), b.identityKey(), b.signingKey(), swappedKey, null, b.fingerprint())))
                .isInstanceOf(E2eException.class)
                .hasMessageContaining("signature");
        assertThatThrownBy(() -> seal(new E2e.DeviceBundle(
                        b.device(),
                        b.identityKey(),
                        b.signingKey(),
                        new E2e.Prekey(spk.keyId(), spk.key(), null),
                        null,
                        b.fingerprint())))
                .isInstanceOf(E2eException.class)
                .hasMessageContaining("unsigned");
        assertThatThrownBy(() -> seal(
                        new E2e.DeviceBundle(b.device(), b.identityKey(), b.signingKey(), spk, null, "0".repeat(40))))
                .isInstanceOf(E2eException.class)
                .hasMessageContaining("fingerprint");
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void suitesDoNotMix(Suite suite) throws Exception {
        keys(suite);
        Suite other = suite == Suite.X25519 ? Suite.P256 : Suite.X25519;
        E2e.DeviceBundle foreign = DeviceKeys.generate("carol", other, 0).publicBundle();

        assertThatThrownBy(() -> seal(foreign)).isInstanceOf(E2eException.class).hasMessageContaining("identity key");
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void envelopePassesRecordChecksAndHidesThePlaintext(Suite suite) throws Exception {
        keys(suite);
        E2e.Envelope env = seal(bobWithOneTimePrekey());

        E2e.Envelope copy = new E2e.Envelope(
                env.device(),
                env.senderDevice(),
                env.algorithm(),
                env.ephemeralKey(),
                env.oneTimePrekeyId(),
                env.nonce(),
                env.ciphertext());
        assertThat(copy).isEqualTo(env);
        assertThat(Base64.getDecoder().decode(env.nonce())).hasSize(12);
        // AES-GCM: ciphertext is as long as the plaintext, plus the 16-byte tag.
        byte[] plain = TEXT.getBytes(StandardCharsets.UTF_8);
        byte[] ct = Base64.getDecoder().decode(env.ciphertext());
        assertThat(ct).hasSize(plain.length + 16);
        assertThat(env.ciphertext())
                .doesNotContain(TEXT)
                .doesNotContain(Base64.getEncoder().encodeToString(plain))
                .doesNotContain(Base64.getEncoder().encodeToString(plain).substring(0, 12));
        assertThat(new String(ct, StandardCharsets.ISO_8859_1)).doesNotContain("hard week");
        // Fresh ephemeral key and nonce per message.
        E2e.Envelope again = seal(bob.publicBundle());
        assertThat(again.ephemeralKey()).isNotEqualTo(env.ephemeralKey());
        assertThat(again.nonce()).isNotEqualTo(env.nonce());
        assertThat(again.ciphertext()).isNotEqualTo(env.ciphertext());
    }
}
