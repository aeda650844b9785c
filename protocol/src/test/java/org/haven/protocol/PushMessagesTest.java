package org.haven.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@code push.subscribe} whose endpoint or keys are not what a browser gives is {@code
 * invalid_message}, naming the field and never quoting the endpoint (a capability) back.
 */
class PushMessagesTest {

    private static final String P256DH = ProtocolExamples.PUSH_KEYS.p256dh();
    private static final String AUTH = ProtocolExamples.PUSH_KEYS.auth();
    private static final String ENDPOINT = ProtocolExamples.PUSH_ENDPOINT;

    private final ProtocolCodec codec = ProtocolCodec.instance();

    private static String subscribe(String endpoint, String p256dh, String auth) {
        return "{\"type\":\"push.subscribe\",\"id\":\"7\",\"device\":\"d-1\",\"endpoint\":\"" + endpoint
                + "\",\"keys\":{\"p256dh\":\"" + p256dh + "\",\"auth\":\"" + auth + "\"}}";
    }

    private Decoded.Invalid invalid(String frame) {
        Decoded decoded = codec.decodeClient(frame);
        assertThat(decoded).as(frame).isInstanceOf(Decoded.Invalid.class);
        Decoded.Invalid invalid = (Decoded.Invalid) decoded;
        assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_MESSAGE);
        assertThat(invalid.id()).isEqualTo("7");
        return invalid;
    }

    @Test
    void aBrowsersSubscriptionIsAccepted() {
        Decoded decoded = codec.decodeClient(subscribe(ENDPOINT, P256DH, AUTH));
        assertThat(decoded)
                .isEqualTo(new Decoded.Message(
                        new ClientMessage.PushSubscribe("7", "d-1", ENDPOINT, new Push.Keys(P256DH, AUTH))));
        // Padded base64url is taken too; a local push service on http (tests, a lab) passes the shape.
        assertThat(codec.decodeClient(subscribe("http://127.0.0.1:8443/push/x", P256DH + "=", AUTH + "==")))
                .isInstanceOf(Decoded.Message.class);
    }

    @Test
    void keysThatAreNotAP256PointAndA16ByteSecretAreRefused() {
        byte[] point = Base64.getUrlDecoder().decode(P256DH);
        byte[] compressed = new byte[33];
        compressed[0] = 0x02;
        System.arraycopy(point, 1, compressed, 1, 32);
        byte[] offCurve = point.clone();
        offCurve[64] ^= 1;
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();

        assertThat(invalid(subscribe(ENDPOINT, b64.encodeToString(compressed), AUTH))
                        .reason())
                .startsWith("keys.p256dh: not an uncompressed P-256 point");
        assertThat(invalid(subscribe(ENDPOINT, b64.encodeToString(offCurve), AUTH))
                        .reason())
                .isEqualTo("keys.p256dh: not a point of the P-256 curve");
        assertThat(invalid(subscribe(ENDPOINT, "not*base64url", AUTH)).reason())
                .isEqualTo("keys.p256dh: not base64url");
        assertThat(invalid(subscribe(ENDPOINT, P256DH, b64.encodeToString(new byte[15])))
                        .reason())
                .isEqualTo("keys.auth: 15 bytes (expected: 16)");
        assertThat(invalid(subscribe(ENDPOINT, P256DH, "")).reason()).isEqualTo("keys.auth: empty");
        assertThat(invalid("{\"type\":\"push.subscribe\",\"id\":\"7\",\"device\":\"d-1\",\"endpoint\":\"" + ENDPOINT
                                + "\"}")
                        .reason())
                .isEqualTo("keys: missing");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/relative/push/path",
                "ftp://push.example/secret-capability",
                "https:opaque-secret-capability",
                "https://user:secret-capability@push.example/x",
                "https://push.example/has space secret-capability",
            })
    void anEndpointThatIsNotAnAbsoluteHttpUrlIsRefusedWithoutQuotingIt(String endpoint) {
        Decoded.Invalid invalid = invalid(subscribe(endpoint, P256DH, AUTH));
        assertThat(invalid.reason()).startsWith("endpoint: ").doesNotContain("secret-capability");
    }

    @Test
    void anEndpointLongerThan2048CharactersIsRefused() {
        String endpoint = "https://push.example/" + "a".repeat(Push.MAX_ENDPOINT_CHARS);
        assertThat(invalid(subscribe(endpoint, P256DH, AUTH)).reason())
                .isEqualTo("endpoint: " + endpoint.length() + " characters (expected: <= 2048)");
    }

    @Test
    void aDeviceIsOneTo64Characters() {
        assertThat(invalid("{\"type\":\"push.unsubscribe\",\"id\":\"7\",\"device\":\"" + "d".repeat(65) + "\"}")
                        .reason())
                .isEqualTo("device: 65 characters (expected: <= 64)");
        assertThat(invalid("{\"type\":\"push.unsubscribe\",\"id\":\"7\",\"device\":\"\"}")
                        .reason())
                .isEqualTo("device: empty");
    }
}
