package org.haven.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Signing and verification on a fixed clock, against a vector computed outside Java. */
class WebhookSignatureTest {

    private static final byte[] SECRET = "whsec-test-0123456789".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BODY = "{\"alertId\":\"a1\"}".getBytes(StandardCharsets.UTF_8);
    private static final long AT = 1_700_000_000L;
    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    private final Clock clock = Clock.fixed(Instant.ofEpochSecond(AT), ZoneOffset.UTC);

    @Test
    void signsAsDocumented() {
        // python3: hmac.new(secret, b'1700000000.' + body, hashlib.sha256).hexdigest()
        assertThat(WebhookSignature.sign(SECRET, AT, BODY))
                .isEqualTo("v1=9c8c4901fbadbef6d4d684c5032c31193b652284ee1050c7b137b919f2b5b9f3")
                .matches("v1=[0-9a-f]{64}");
    }

    @Test
    void headerNames() {
        assertThat(WebhookSignature.TIMESTAMP_HEADER).isEqualTo("X-Haven-Timestamp");
        assertThat(WebhookSignature.SIGNATURE_HEADER).isEqualTo("X-Haven-Signature");
        assertThat(WebhookSignature.EVENT_HEADER).isEqualTo("X-Haven-Event");
        assertThat(WebhookSignature.DELIVERY_HEADER).isEqualTo("X-Haven-Delivery");
    }

    @Test
    void verifiesWhatItSigned() {
        String signature = WebhookSignature.sign(SECRET, AT, BODY);
        assertThat(WebhookSignature.verify(SECRET, Long.toString(AT), BODY, signature, clock, TOLERANCE))
                .isTrue();
    }

    @Test
    void refusesAWrongSecret() {
        byte[] other = "whsec-test-0123456780".getBytes(StandardCharsets.UTF_8);
        String signature = WebhookSignature.sign(other, AT, BODY);
        assertThat(WebhookSignature.verify(SECRET, Long.toString(AT), BODY, signature, clock, TOLERANCE))
                .isFalse();
    }

    @Test
    void refusesAnAlteredBody() {
        String signature = WebhookSignature.sign(SECRET, AT, BODY);
        byte[] altered = "{\"alertId\":\"a2\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(WebhookSignature.verify(SECRET, Long.toString(AT), altered, signature, clock, TOLERANCE))
                .isFalse();
    }

    @Test
    void refusesAnAlteredTimestamp() {
        // Signed at one time, replayed with a fresher timestamp header.
        String signature = WebhookSignature.sign(SECRET, AT - 1000, BODY);
        assertThat(WebhookSignature.verify(SECRET, Long.toString(AT), BODY, signature, clock, TOLERANCE))
                .isFalse();
    }

    @Test
    void refusesTimestampsOutsideTheTolerance() {
        for (long at : new long[] {AT - 301, AT + 301}) {
            String signature = WebhookSignature.sign(SECRET, at, BODY);
            assertThat(WebhookSignature.verify(SECRET, Long.toString(at), BODY, signature, clock, TOLERANCE))
                    .as("signed at %d, checked at %d", at, AT)
                    .isFalse();
        }
        for (long at : new long[] {AT - 300, AT + 300}) {
            String signature = WebhookSignature.sign(SECRET, at, BODY);
            assertThat(WebhookSignature.verify(SECRET, Long.toString(at), BODY, signature, clock, TOLERANCE))
                    .as("signed at %d, checked at %d", at, AT)
                    .isTrue();
        }
    }

    @Test
    void refusesMissingOrMalformedHeaders() {
        String signature = WebhookSignature.sign(SECRET, AT, BODY);
        String ts = Long.toString(AT);
        assertThat(WebhookSignature.verify(SECRET, null, BODY, signature, clock, TOLERANCE))
                .isFalse();
        assertThat(WebhookSignature.verify(SECRET, "soon", BODY, signature, clock, TOLERANCE))
                .isFalse();
        assertThat(WebhookSignature.verify(SECRET, ts, BODY, null, clock, TOLERANCE))
                .isFalse();
        assertThat(WebhookSignature.verify(SECRET, ts, BODY, signature.substring(3), clock, TOLERANCE))
                .isFalse();
        assertThat(WebhookSignature.verify(SECRET, ts, BODY, signature.toUpperCase(), clock, TOLERANCE))
                .isFalse();
        assertThat(WebhookSignature.verify(SECRET, ts, BODY, signature + "00", clock, TOLERANCE))
                .isFalse();
    }
}
