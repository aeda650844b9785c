package org.haven.server.alert;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.haven.client.HavenClient;
import org.haven.protocol.Alerts;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.server.testing.TestServer;
import org.haven.server.webhook.WebhookSignature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Alert webhooks through a real server to a real HTTP receiver: signed as docs/protocol.md
 * ("Webhooks") says, retried under the same delivery id after a failure, and free of health data.
 */
class WebhookDeliveryIT {

    static final String SECRET = "a-webhook-secret-of-32-characters!";
    static final Duration WAIT = Duration.ofSeconds(15); // first retry comes after a 1 s backoff
    static final ObjectMapper JSON = new ObjectMapper();

    /** Started in a field initializer, so its URL is known when the server below builds its config. */
    final Receiver receiver = Receiver.start();

    @RegisterExtension
    final TestServer haven =
            new TestServer(b -> b.webhookUrls(List.of(receiver.uri())).webhookSecret(SECRET));

    @AfterEach
    void stopReceiver() {
        receiver.stop();
    }

    @Test
    void alertEventsAreSignedRetriedAndFreeOfHealthData() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        haven.checkIn(alice, "group-1");

        String alert = alice.call(
                        id -> new ClientMessage.AlertRaise(
                                id, "group-1", Alerts.Kind.SUICIDAL_IDEATION, Alerts.Severity.HIGH),
                        Result.AlertReceived.class)
                .get(10, TimeUnit.SECONDS)
                .alert();

        // The receiver answers the first attempt with 500; the notifier tries again.
        await().atMost(WAIT).until(() -> receiver.requests().size() >= 2);
        List<Received> raised = receiver.requests().subList(0, 2);
        Received failed = raised.get(0);
        Received retried = raised.get(1);
        assertThat(failed.answered()).isEqualTo(500);
        assertThat(retried.answered()).isEqualTo(200);
        for (Received r : raised) {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.event()).isEqualTo("alert.raised");
            assertThat(r.contentType()).startsWith("application/json");
            assertThat(r.delivery()).isNotBlank();
            assertSigned(r);
        }
        assertThat(retried.delivery()).as("a retry keeps its delivery id").isEqualTo(failed.delivery());
        assertThat(retried.body()).isEqualTo(failed.body());

        JsonNode body = JSON.readTree(retried.body());
        assertThat(fieldNames(body))
                .containsExactlyInAnyOrder("event", "alertId", "org", "room", "client", "severity", "state", "at");
        assertThat(body.get("event").asText()).isEqualTo("alert.raised");
        assertThat(body.get("alertId").asText()).isEqualTo(alert);
        assertThat(body.get("org").asText()).isEqualTo("demo");
        assertThat(body.get("room").asText()).isEqualTo("group-1");
        assertThat(body.get("client").asText()).isEqualTo("alice");
        assertThat(body.get("severity").asText()).isEqualTo("high");
        assertThat(body.get("state").asText()).isEqualTo("raised");
        assertThat(Instant.parse(body.get("at").asText()))
                .isBetween(Instant.now().minusSeconds(60), Instant.now());
        assertNoHealthData(retried.bodyText());

        // The clinician, who was sent the alert, acknowledges it.
        bo.request(id -> new ClientMessage.AlertAcknowledge(id, alert)).get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> receiver.requests().size() >= 3);
        Received acked = receiver.requests().get(2);
        assertThat(acked.answered()).isEqualTo(200);
        assertThat(acked.event()).isEqualTo("alert.acknowledged");
        assertThat(acked.delivery()).as("a new event is a new delivery").isNotEqualTo(failed.delivery());
        assertSigned(acked);
        JsonNode ack = JSON.readTree(acked.body());
        assertThat(ack.get("event").asText()).isEqualTo("alert.acknowledged");
        assertThat(ack.get("alertId").asText()).isEqualTo(alert);
        assertThat(ack.get("org").asText()).isEqualTo("demo");
        assertThat(ack.get("severity").asText()).isEqualTo("high");
        assertThat(ack.get("state").asText()).isEqualTo("acknowledged");
        assertNoHealthData(acked.bodyText());

        // Nothing else was sent: no further retry of the delivered event, no spurious undelivered.
        assertThat(receiver.requests())
                .extracting(Received::event)
                .containsExactly("alert.raised", "alert.raised", "alert.acknowledged");
    }

    @Test
    void anAlertNobodyCanReceiveFiresTheUndeliveredWebhook() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        alice.request(id -> new ClientMessage.AlertRaise(id, null, null, Alerts.Severity.HIGH))
                .get(5, TimeUnit.SECONDS);
        await().atMost(WAIT)
                .until(() ->
                        receiver.requests().stream().anyMatch(r -> r.event().equals("alert.undelivered")));
        Received undelivered = receiver.requests().stream()
                .filter(r -> r.event().equals("alert.undelivered"))
                .findFirst()
                .orElseThrow();
        assertSigned(undelivered);
        assertNoHealthData(undelivered.bodyText());
    }

    /** The signature verifies with the receiver's helper, and matches the documented formula computed here. */
    private static void assertSigned(Received r) throws Exception {
        byte[] secret = SECRET.getBytes(UTF_8);
        assertThat(r.signature()).matches("v1=[0-9a-f]{64}");
        assertThat(r.timestamp()).matches("[0-9]+");
        assertThat(Long.parseLong(r.timestamp()))
                .isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));
        assertThat(WebhookSignature.verify(
                        secret, r.timestamp(), r.body(), r.signature(), Clock.systemUTC(), Duration.ofMinutes(5)))
                .isTrue();

        // docs/protocol.md: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        mac.update((r.timestamp() + ".").getBytes(UTF_8));
        assertThat(r.signature()).isEqualTo("v1=" + HexFormat.of().formatHex(mac.doFinal(r.body())));

        // And it would catch a forgery: another secret, or a changed body, does not verify.
        assertThat(WebhookSignature.verify(
                        "another-secret-of-32-characters!!".getBytes(UTF_8),
                        r.timestamp(),
                        r.body(),
                        r.signature(),
                        Clock.systemUTC(),
                        Duration.ofMinutes(5)))
                .isFalse();
        byte[] altered = r.bodyText().replace("\"high\"", "\"low\"").getBytes(UTF_8);
        assertThat(WebhookSignature.verify(
                        secret, r.timestamp(), altered, r.signature(), Clock.systemUTC(), Duration.ofMinutes(5)))
                .isFalse();
    }

    private static void assertNoHealthData(String body) {
        assertThat(body)
                .doesNotContain("Name of alice") // display name
                .doesNotContain(TestServer.ADDRESS.street()) // 12 Elm Street
                .doesNotContain(TestServer.ADDRESS.city()) // Springfield
                .doesNotContain(TestServer.ADDRESS.postalCode())
                .doesNotContain("555 0100") // the check-in callback phone
                .doesNotContainIgnoringCase("suicidal") // the alert's kind
                .doesNotContainIgnoringCase("elm")
                .doesNotContainIgnoringCase("phone")
                .doesNotContainIgnoringCase("address");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    /** One request as the receiver saw it, and the status it answered. */
    record Received(
            String method,
            String event,
            String delivery,
            String timestamp,
            String signature,
            String contentType,
            byte[] body,
            int answered) {
        String bodyText() {
            return new String(body, UTF_8);
        }
    }

    /** A webhook receiver on loopback: 500 to the first request, 200 to every later one; records them all. */
    static final class Receiver {
        private final HttpServer server;
        private final List<Received> requests = new CopyOnWriteArrayList<>();
        private final AtomicInteger count = new AtomicInteger();

        private Receiver(HttpServer server) {
            this.server = server;
            server.createContext("/hooks/haven", this::handle);
            server.start();
        }

        static Receiver start() {
            try {
                return new Receiver(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/haven");
        }

        List<Received> requests() {
            return List.copyOf(requests);
        }

        void stop() {
            server.stop(0);
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange;
                    InputStream in = exchange.getRequestBody()) {
                byte[] body = in.readAllBytes();
                int status = count.getAndIncrement() == 0 ? 500 : 200;
                var h = exchange.getRequestHeaders();
                // The header names as docs/protocol.md spells them, not the code's constants.
                requests.add(new Received(
                        exchange.getRequestMethod(),
                        h.getFirst("X-Haven-Event"),
                        h.getFirst("X-Haven-Delivery"),
                        h.getFirst("X-Haven-Timestamp"),
                        h.getFirst("X-Haven-Signature"),
                        h.getFirst("Content-Type"),
                        body,
                        status));
                exchange.sendResponseHeaders(status, -1);
            }
        }
    }
}
