package org.haven.server.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PushEncryptionTest {

    /** RFC 8291 Appendix A. */
    private static final String PLAINTEXT = "When I grow up, I want to be a watermelon";

    private static final String AS_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    private static final String AS_PUBLIC =
            "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    private static final String UA_PRIVATE = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
    private static final String UA_PUBLIC =
            "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    private static final String AUTH_SECRET = "BTBZMqHH6r4Tts7J_aSIgg";
    private static final String SALT = "DGv6ra1nlYgDCS1FRnbzlw";
    private static final String BODY =
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLo"
                    + "cInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxs"
                    + "j_Qulcy4a-fN";

    @Test
    void reproducesTheRfc8291VectorByteForByte() {
        KeyPair sender = new KeyPair(P256.publicKey(b64(AS_PUBLIC), "as"), P256.privateKey(b64(AS_PRIVATE), "as"));

        byte[] body = PushEncryption.encrypt(utf8(PLAINTEXT), b64(UA_PUBLIC), b64(AUTH_SECRET), b64(SALT), sender);

        assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(body)).isEqualTo(BODY);
    }

    @Test
    void theRfc8291VectorDecrypts() {
        byte[] plaintext = WebPushDecryption.decrypt(
                b64(BODY), P256.privateKey(b64(UA_PRIVATE), "ua"), b64(UA_PUBLIC), b64(AUTH_SECRET));

        assertThat(new String(plaintext, StandardCharsets.UTF_8)).isEqualTo(PLAINTEXT);
    }

    @Test
    void aMessageDecryptsForItsSubscriberOnly() {
        KeyPair ua = P256.generate();
        byte[] uaPublic = P256.encode((ECPublicKey) ua.getPublic());
        byte[] auth = randomAuth();
        byte[] payload = utf8("{\"alertId\":\"alrt-7f3a\",\"severity\":\"high\"}");

        byte[] body = PushEncryption.encrypt(payload, uaPublic, auth);

        assertThat(WebPushDecryption.decrypt(body, ua.getPrivate(), uaPublic, auth))
                .isEqualTo(payload);
        ByteBuffer header = ByteBuffer.wrap(body);
        header.position(16);
        assertThat(header.getInt()).as("record size").isEqualTo(4096);
        assertThat(header.get()).as("key id length").isEqualTo((byte) 65);
        assertThat(body).hasSize(PushEncryption.HEADER_BYTES + payload.length + 1 + 16);
        // Fresh salt and sender key each time: the same message never gives the same body.
        assertThat(PushEncryption.encrypt(payload, uaPublic, auth)).isNotEqualTo(body);

        byte[] otherAuth = randomAuth();
        assertThatThrownBy(() -> WebPushDecryption.decrypt(body, ua.getPrivate(), uaPublic, otherAuth))
                .isInstanceOf(IllegalArgumentException.class);
        KeyPair other = P256.generate();
        assertThatThrownBy(() -> WebPushDecryption.decrypt(body, other.getPrivate(), uaPublic, auth))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] changed = body.clone();
        changed[changed.length - 20] ^= 1;
        assertThatThrownBy(() -> WebPushDecryption.decrypt(changed, ua.getPrivate(), uaPublic, auth))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLongestPlaintextFillsOneRecordExactly() {
        KeyPair ua = P256.generate();
        byte[] uaPublic = P256.encode((ECPublicKey) ua.getPublic());
        byte[] auth = randomAuth();
        byte[] longest = new byte[3993];
        longest[0] = 'x';

        byte[] body = PushEncryption.encrypt(longest, uaPublic, auth);

        assertThat(body).hasSize(4096);
        assertThat(WebPushDecryption.decrypt(body, ua.getPrivate(), uaPublic, auth))
                .isEqualTo(longest);
        assertThatThrownBy(() -> PushEncryption.encrypt(new byte[3994], uaPublic, auth))
                .hasMessage("plaintext: 3994 bytes (expected: <= 3993, so that the body fits one 4096-byte record)");
        assertThat(PushEncryption.encrypt(new byte[0], uaPublic, auth)).hasSize(86 + 1 + 16);
    }

    @Test
    void badSubscriptionKeysAreRefusedNamingTheKey() {
        byte[] uaPublic = b64(UA_PUBLIC);
        byte[] offCurve = uaPublic.clone();
        offCurve[40] ^= 1;
        byte[] compressed = java.util.Arrays.copyOf(uaPublic, 33);
        compressed[0] = 0x03;
        byte[] auth = b64(AUTH_SECRET);
        byte[] payload = utf8(PLAINTEXT);

        assertThatThrownBy(() -> PushEncryption.encrypt(payload, offCurve, auth))
                .hasMessage("p256dh: not a point on P-256 (expected: a P-256 public key)");
        assertThatThrownBy(() -> PushEncryption.encrypt(payload, compressed, auth))
                .hasMessage(
                        "p256dh: 33 bytes starting 0x03 (expected: 65 bytes starting 0x04, an uncompressed P-256 point)");
        assertThatThrownBy(() -> PushEncryption.encrypt(payload, new byte[0], auth))
                .hasMessage("p256dh: 0 bytes (expected: 65 bytes starting 0x04, an uncompressed P-256 point)");
        assertThatThrownBy(() -> PushEncryption.encrypt(payload, uaPublic, new byte[12]))
                .hasMessage("auth: 12 bytes (expected: 16)");
        assertThatThrownBy(() -> PushEncryption.checkKeys(offCurve, auth)).hasMessageStartingWith("p256dh: ");
        PushEncryption.checkKeys(uaPublic, auth);
    }

    @Test
    void theVectorsKeysAreConsistent() {
        // A guard on the test data itself: each private key is the half of its public key.
        assertThat(P256.pair(P256.privateKey(b64(AS_PRIVATE), "as"), P256.publicKey(b64(AS_PUBLIC), "as")))
                .isTrue();
        assertThat(P256.pair(P256.privateKey(b64(UA_PRIVATE), "ua"), P256.publicKey(b64(UA_PUBLIC), "ua")))
                .isTrue();
        ECPrivateKey ua = P256.privateKey(b64(UA_PRIVATE), "ua");
        assertThat(P256.encode(ua)).isEqualTo(b64(UA_PRIVATE));
    }

    private static byte[] randomAuth() {
        byte[] auth = new byte[16];
        new java.security.SecureRandom().nextBytes(auth);
        return auth;
    }

    private static byte[] b64(String s) {
        return Base64.getUrlDecoder().decode(s);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
