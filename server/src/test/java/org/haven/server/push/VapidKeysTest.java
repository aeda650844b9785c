package org.haven.server.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VapidKeysTest {

    private static final String SUBJECT = "mailto:oncall@haven.example";
    private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");
    private static final URI FCM = URI.create("https://fcm.googleapis.com/fcm/send/dQw4w9WgXcQ:APA91bH");

    private final VapidKeys keys = VapidKeys.generate(SUBJECT);

    @Test
    void aPairParsesBackFromItsBase64UrlForm() {
        VapidKeys parsed = VapidKeys.parse(keys.publicKey(), keys.privateKey(), SUBJECT);

        assertThat(parsed.publicKey()).isEqualTo(keys.publicKey());
        assertThat(parsed.privateKey()).isEqualTo(keys.privateKey());
        byte[] pub = Base64.getUrlDecoder().decode(keys.publicKey());
        assertThat(pub).hasSize(65);
        assertThat(pub[0]).isEqualTo((byte) 0x04);
        assertThat(Base64.getUrlDecoder().decode(keys.privateKey())).hasSize(32);
        assertThat(keys.publicKey()).doesNotContain("=", "+", "/");
        // The parsed private key signs tokens that the original public key verifies.
        VapidToken token = VapidToken.verify(parsed.authorization(FCM, NOW));
        assertThat(token.publicKey()).isEqualTo(keys.publicKey());
    }

    @Test
    void paddingAndSurroundingBlanksAreTolerated() {
        VapidKeys parsed = VapidKeys.parse(" " + keys.publicKey() + "=\n", keys.privateKey() + "\n", SUBJECT);

        assertThat(parsed.publicKey()).isEqualTo(keys.publicKey());
    }

    @Test
    void aMismatchedPairIsRefusedWithoutQuotingThePrivateKey() {
        VapidKeys other = VapidKeys.generate(SUBJECT);

        assertThatThrownBy(() -> VapidKeys.parse(keys.publicKey(), other.privateKey(), SUBJECT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not the public half of privateKey")
                .hasMessageNotContaining(other.privateKey());
    }

    @Test
    void malformedKeysAreRefusedNamingTheKey() {
        String priv = keys.privateKey();
        byte[] pub = Base64.getUrlDecoder().decode(keys.publicKey());
        byte[] offCurve = pub.clone();
        offCurve[64] ^= 1;
        byte[] compressed = new byte[33];
        compressed[0] = 0x02;

        assertThatThrownBy(() -> VapidKeys.parse(b64(offCurve), priv, SUBJECT))
                .hasMessage("publicKey: not a point on P-256 (expected: a P-256 public key)");
        assertThatThrownBy(() -> VapidKeys.parse(b64(compressed), priv, SUBJECT))
                .hasMessage("publicKey: 33 bytes starting 0x02"
                        + " (expected: 65 bytes starting 0x04, an uncompressed P-256 point)");
        assertThatThrownBy(() -> VapidKeys.parse("not/base64+", priv, SUBJECT))
                .hasMessage("publicKey: not base64url (expected: base64url without padding)");

        List<String> badPrivate = List.of(
                priv.substring(0, priv.length() - 2),
                b64(new byte[32]),
                b64(allOnes(32)),
                priv.replace('A', '+') + "+");
        for (String bad : badPrivate) {
            assertThatThrownBy(() -> VapidKeys.parse(keys.publicKey(), bad, SUBJECT))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("privateKey: ")
                    .hasMessageNotContaining(bad)
                    .hasNoCause();
        }
    }

    @Test
    void theSubjectMustBeAMailtoOrHttpsUrl() {
        for (String bad :
                List.of("oncall@haven.example", "mailto:", "mailto:oncall", "http://haven.example", "https:/x", "")) {
            assertThatThrownBy(() -> VapidKeys.generate(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("subject: " + bad + " (expected: a mailto: address or an https: URL");
        }
        assertThat(VapidKeys.generate("https://haven.example/contact").subject())
                .isEqualTo("https://haven.example/contact");
    }

    @Test
    void theAuthorizationIsAnEs256JwtForTheEndpointsOrigin() {
        String authorization = keys.authorization(FCM, NOW);

        assertThat(authorization).matches("vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=" + keys.publicKey());
        VapidToken token = VapidToken.verify(authorization).checkFor(FCM, NOW);
        assertThat(token.header()).isEqualTo(Map.of("typ", "JWT", "alg", "ES256"));
        assertThat(token.claims()).containsOnlyKeys("aud", "exp", "sub");
        assertThat(token.claims().get("aud")).isEqualTo("https://fcm.googleapis.com");
        assertThat(token.expires()).isEqualTo(NOW.plus(Duration.ofHours(12)));
        assertThat(token.subject()).isEqualTo(SUBJECT);
    }

    @Test
    void theAudienceKeepsOnlyAPortThatIsNotTheDefault() {
        assertThat(VapidKeys.audience(URI.create("https://Push.Example:443/wpush/v2/abc")))
                .isEqualTo("https://push.example");
        assertThat(VapidKeys.audience(URI.create("http://127.0.0.1:8089/push/1?x=y")))
                .isEqualTo("http://127.0.0.1:8089");
        assertThat(VapidKeys.audience(URI.create("http://push.example:80/p"))).isEqualTo("http://push.example");
        assertThatThrownBy(() -> VapidKeys.audience(URI.create("ftp://push.example/secret-capability")))
                .hasMessage("endpoint: scheme ftp, host push.example (expected: an absolute http or https URL)");
    }

    @Test
    void aTokenIsReusedUntilLessThanAnHourIsLeft() {
        String first = keys.authorization(FCM, NOW);

        assertThat(keys.authorization(URI.create("https://fcm.googleapis.com/fcm/send/other"), NOW.plusSeconds(60)))
                .as("another endpoint at the same push service")
                .isEqualTo(first);
        assertThat(keys.authorization(FCM, NOW.plus(Duration.ofHours(11))))
                .as("exactly an hour left")
                .isEqualTo(first);
        Instant later = NOW.plus(Duration.ofHours(11)).plusSeconds(1);
        String renewed = keys.authorization(FCM, later);
        assertThat(renewed).isNotEqualTo(first);
        assertThat(VapidToken.verify(renewed).checkFor(FCM, later).expires())
                .isEqualTo(later.plus(Duration.ofHours(12)));
        assertThat(keys.authorization(FCM, later.plusSeconds(1))).isEqualTo(renewed);
    }

    @Test
    void eachPushServiceHasItsOwnToken() {
        URI mozilla = URI.create("https://updates.push.services.mozilla.com/wpush/v2/gAAAA");

        String fcm = keys.authorization(FCM, NOW);
        String moz = keys.authorization(mozilla, NOW);

        assertThat(moz).isNotEqualTo(fcm);
        assertThat(VapidToken.verify(moz).checkFor(mozilla, NOW).audience())
                .isEqualTo("https://updates.push.services.mozilla.com");
    }

    @Test
    void aClockThatWentBackGetsANewTokenWithin24Hours() {
        keys.authorization(FCM, NOW);
        Instant earlier = NOW.minus(Duration.ofHours(13));

        VapidToken token = VapidToken.verify(keys.authorization(FCM, earlier)).checkFor(FCM, earlier);

        assertThat(token.expires()).isEqualTo(earlier.plus(Duration.ofHours(12)));
    }

    @Test
    void toStringNeverShowsThePrivateKey() {
        assertThat(keys.toString())
                .contains(keys.publicKey(), SUBJECT, "privateKey=***")
                .doesNotContain(keys.privateKey());
    }

    @Test
    void printNewPairWritesTwoEnvironmentAssignmentsThatParse() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        VapidKeys.printNewPair(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("HAVEN_PUSH_VAPID_PUBLIC_KEY=");
        assertThat(lines.get(1)).startsWith("HAVEN_PUSH_VAPID_PRIVATE_KEY=");
        VapidKeys parsed = VapidKeys.parse(
                lines.get(0).substring(lines.get(0).indexOf('=') + 1),
                lines.get(1).substring(lines.get(1).indexOf('=') + 1),
                SUBJECT);
        assertThat(VapidToken.verify(parsed.authorization(FCM, NOW)).publicKey())
                .isEqualTo(lines.get(0).substring(lines.get(0).indexOf('=') + 1));
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] allOnes(int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) 0xff);
        return b;
    }
}
