package org.haven.server.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What a delivery and the sender's settings accept, and what they refuse with which message. */
class PushDeliveryTest {

    private static final URI ENDPOINT = URI.create("https://fcm.googleapis.com/fcm/send/secret-capability-token");

    private final byte[] p256dh = P256.encode((ECPublicKey) P256.generate().getPublic());
    private final byte[] auth = new byte[16];
    private final byte[] payload = "{\"alertId\":\"alrt-1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    @Test
    void toStringShowsTheIdAndHostOnly() {
        PushDelivery d =
                PushDelivery.of("sub-1", ENDPOINT, p256dh, auth, payload).withTopic("alrt-1");

        assertThat(d.toString())
                .isEqualTo("PushDelivery[id=sub-1, host=fcm.googleapis.com, payload=20 bytes, topic=alrt-1, ttl=null]");
    }

    @Test
    void arraysAreCopiedInAndOut() {
        PushDelivery d = PushDelivery.of("sub-1", ENDPOINT, p256dh, auth, payload);
        payload[2] = 'X';
        d.payload()[3] = 'Y';

        assertThat(new String(d.payload(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"alertId\":\"alrt-1\"}");
    }

    @Test
    void badValuesAreRefusedNamingTheField() {
        assertThatThrownBy(() -> PushDelivery.of(" ", ENDPOINT, p256dh, auth, payload))
                .hasMessageStartingWith("id: blank");
        assertThatThrownBy(() -> PushDelivery.of("s", URI.create("ftp://push.example/token"), p256dh, auth, payload))
                .hasMessage("endpoint: scheme ftp, host push.example (expected: an absolute http or https URL)");
        assertThatThrownBy(() -> PushDelivery.of("s", ENDPOINT, new byte[65], auth, payload))
                .hasMessageStartingWith("p256dh: ");
        assertThatThrownBy(() -> PushDelivery.of("s", ENDPOINT, p256dh, new byte[15], payload))
                .hasMessage("auth: 15 bytes (expected: 16)");
        assertThatThrownBy(() -> PushDelivery.of("s", ENDPOINT, p256dh, auth, new byte[3994]))
                .hasMessage("payload: 3994 bytes (expected: <= 3993)");
        PushDelivery ok = PushDelivery.of("s", ENDPOINT, p256dh, auth, payload);
        assertThatThrownBy(() -> ok.withTopic("a".repeat(33))).hasMessageStartingWith("topic: ");
        assertThatThrownBy(() -> ok.withTopic("alert 1")).hasMessageStartingWith("topic: alert 1");
        assertThatThrownBy(() -> ok.withTopic("")).hasMessageStartingWith("topic: ");
        assertThatThrownBy(() -> ok.withTtl(Duration.ofSeconds(-1)))
                .hasMessage("ttl: PT-1S (expected: >= 0 and <= PT672H)");
        assertThat(ok.withTopic("a".repeat(32)).withTtl(Duration.ZERO).ttl()).isZero();
    }

    @Test
    void settingsNameTheBadValue() {
        Duration s = Duration.ofSeconds(1);
        Duration ttl = Duration.ofMinutes(10);
        assertThatThrownBy(() -> new PushSettings(0, 5, s, s, s, ttl)).hasMessage("maxPending: 0 (expected: > 0)");
        assertThatThrownBy(() -> new PushSettings(10, 0, s, s, s, ttl)).hasMessage("maxAttempts: 0 (expected: > 0)");
        assertThatThrownBy(() -> new PushSettings(10, 5, s, Duration.ofMillis(10), s, ttl))
                .hasMessage("maxBackoff: PT0.01S (expected: >= firstBackoff (PT1S))");
        assertThatThrownBy(() -> new PushSettings(10, 5, s, s, Duration.ZERO, ttl))
                .hasMessage("requestTimeout: PT0S (expected: > 0)");
        assertThatThrownBy(() -> new PushSettings(10, 5, s, s, s, Duration.ofDays(29)))
                .hasMessageStartingWith("ttl: PT696H");
        PushSettings defaults = PushSettings.defaults();
        assertThat(defaults.maxPending()).isEqualTo(1000);
        assertThat(defaults.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.ttl()).isEqualTo(Duration.ofMinutes(10));
    }
}
