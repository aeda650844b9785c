package org.haven.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import org.haven.server.testing.LogCapture;
import org.haven.server.threads.NodeThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The notifier against a real HTTP receiver on the loopback interface. */
class WebhookNotifierTest {

    private static final String SECRET = "whsec-notifier-test-0123456789";
    private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");
    private static final List<String> FIELDS =
            List.of("event", "alertId", "org", "room", "client", "severity", "state", "at");

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final NodeThreads threads = new NodeThreads();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        threads.close();
    }

    @Test
    void deliversOnceSignedWithOnlyTheEventsFields() throws Exception {
        Receiver receiver = receiver(n -> 200, Duration.ZERO);
        WebhookNotifier notifier = notifier(settings(List.of(receiver.url("/hook")), 10, 6));

        notifier.publish(event("alrt-7f3a", "acknowledged"));

        await().atMost(Duration.ofSeconds(5)).until(() -> notifier.delivered() == 1);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> receiver.requests.size() == 1);
        Request request = receiver.requests.get(0);
        assertThat(request.method).isEqualTo("POST");
        assertThat(request.path).isEqualTo("/hook");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header(WebhookSignature.TIMESTAMP_HEADER)).isEqualTo(Long.toString(NOW.getEpochSecond()));
        assertThat(request.header(WebhookSignature.EVENT_HEADER)).isEqualTo(WebhookEvent.ACKNOWLEDGED);
        assertThat(request.header(WebhookSignature.DELIVERY_HEADER)).isNotBlank();
        assertThat(verifies(request)).isTrue();

        JsonNode json = new ObjectMapper().readTree(request.body);
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrderElementsOf(FIELDS);
        assertThat(json.get("alertId").asText()).isEqualTo("alrt-7f3a");
        assertThat(json.get("state").asText()).isEqualTo("acknowledged");
        assertThat(json.get("at").asText()).isEqualTo("2030-01-02T03:04:00Z");
        assertThat(notifier.pending()).isZero();
        assertThat(notifier.retried() + notifier.failed() + notifier.dropped()).isZero();
    }

    @Test
    void sendsToEveryReceiverUnderItsOwnDeliveryId() throws Exception {
        Receiver receiver = receiver(n -> 204, Duration.ZERO);
        WebhookNotifier notifier = notifier(settings(List.of(receiver.url("/a"), receiver.url("/b")), 10, 6));
        WebhookEvent outsideASession =
                new WebhookEvent(WebhookEvent.RAISED, "alrt-1", "org-1", null, null, "high", "raised", NOW);

        notifier.publish(outsideASession);

        await().atMost(Duration.ofSeconds(5)).until(() -> notifier.delivered() == 2);
        assertThat(receiver.requests).extracting(r -> r.path).containsExactlyInAnyOrder("/a", "/b");
        assertThat(receiver.requests)
                .extracting(r -> r.header(WebhookSignature.DELIVERY_HEADER))
                .doesNotHaveDuplicates();
        JsonNode json = new ObjectMapper().readTree(receiver.requests.get(0).body);
        assertThat(json.has("room")).isTrue();
        assertThat(json.get("room").isNull()).isTrue();
    }

    @Test
    void retriesUntilTheReceiverAccepts() throws Exception {
        Receiver receiver = receiver(n -> n <= 2 ? 500 : 200, Duration.ZERO);
        WebhookNotifier notifier = notifier(settings(List.of(receiver.url("/hook")), 10, 6));

        notifier.publish(event("alrt-2", "raised"));

        await().atMost(Duration.ofSeconds(5)).until(() -> notifier.delivered() == 1);
        assertThat(receiver.requests).hasSize(3);
        assertThat(notifier.retried()).isEqualTo(2);
        assertThat(notifier.failed()).isZero();
        assertThat(notifier.pending()).isZero();
        // Retries are one delivery: the same id, each signed afresh.
        assertThat(receiver.requests)
                .extracting(r -> r.header(WebhookSignature.DELIVERY_HEADER))
                .containsOnly(receiver.requests.get(0).header(WebhookSignature.DELIVERY_HEADER));
        assertThat(receiver.requests).allMatch(WebhookNotifierTest::verifies);
    }

    @Test
    void givesUpAfterMaxAttemptsBackingOffEachTimeLonger() {
        Receiver receiver = receiver(n -> 500, Duration.ZERO);
        WebhookNotifier notifier = notifier(settings(List.of(receiver.url("/hook")), 10, 3));

        notifier.publish(event("alrt-3", "raised"));

        await().atMost(Duration.ofSeconds(5)).until(() -> notifier.failed() == 1);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> receiver.requests.size() == 3);
        assertThat(notifier.delivered()).isZero();
        assertThat(notifier.retried()).isEqualTo(2);
        assertThat(notifier.pending()).isZero();
        // Lower bounds only: the first backoff is 50 ms, the second 100 ms.
        List<Request> r = receiver.requests;
        assertThat(r.get(1).nanos - r.get(0).nanos).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(r.get(2).nanos - r.get(1).nanos).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(LogCapture.lines())
                .anyMatch(line -> line.contains("webhook failed after 3 attempts (status 500)")
                        && line.contains("alertId=alrt-3")
                        && line.contains("host=127.0.0.1"));
    }

    @Test
    void publishNeverBlocksAndRefusesOverflow() {
        Receiver receiver = receiver(n -> 200, Duration.ofSeconds(10));
        WebhookNotifier notifier = notifier(settings(List.of(receiver.url("/hook")), 2, 6));

        long start = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            notifier.publish(event("alrt-flood-" + i, "raised"));
        }
        long elapsed = System.nanoTime() - start;

        assertThat(Duration.ofNanos(elapsed)).isLessThan(Duration.ofSeconds(1));
        // Nothing can finish while the receiver holds every request, so exactly the first two fit.
        assertThat(notifier.dropped()).isEqualTo(8);
        assertThat(notifier.pending()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.requests.size() == 2);
        assertThat(LogCapture.lines())
                .anyMatch(line -> line.contains("webhook dropped (queue full)")
                        && line.contains("alertId=alrt-flood-9")
                        && line.contains("host=127.0.0.1"));
        assertThat(LogCapture.lines()).noneMatch(line -> line.contains("\"alertId\"") || line.contains(SECRET));

        receiver.release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> notifier.delivered() == 2);
        assertThat(notifier.pending()).isZero();
    }

    @Test
    void closeWaitsForARequestInFlight() {
        Receiver receiver = receiver(n -> 200, Duration.ofMillis(300));
        WebhookNotifier notifier = notifier(settings(List.of(receiver.url("/hook")), 10, 6));
        notifier.publish(event("alrt-4", "resolved"));
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.requests.size() == 1);

        notifier.close();

        assertThat(notifier.delivered()).isEqualTo(1);
        notifier.publish(event("alrt-5", "closed"));
        assertThat(notifier.dropped()).isEqualTo(1);
    }

    @Test
    void closeWaitsOnlyBriefly() {
        Receiver receiver = receiver(n -> 200, Duration.ofSeconds(30));
        WebhookNotifier notifier = notifier(new WebhookSettings(
                List.of(receiver.url("/hook")),
                SECRET,
                10,
                6,
                Duration.ofMillis(50),
                Duration.ofSeconds(1),
                Duration.ofSeconds(30)));
        notifier.publish(event("alrt-6", "raised"));
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.requests.size() == 1);

        long start = System.nanoTime();
        notifier.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(10));
        assertThat(notifier.delivered()).isZero();
    }

    @Test
    void disabledPublishesNothing() {
        WebhookNotifier notifier = notifier(WebhookSettings.disabled());

        notifier.publish(event("alrt-7", "raised"));

        assertThat(notifier.pending()).isZero();
        assertThat(notifier.delivered() + notifier.retried() + notifier.failed() + notifier.dropped())
                .isZero();
    }

    @Test
    void settingsNameTheBadValueAndHideTheSecret() {
        List<URI> urls = List.of(URI.create("https://hooks.example.org/haven?token=t0k3n"));
        Duration s = Duration.ofSeconds(1);
        assertThatThrownBy(() -> new WebhookSettings(urls, SECRET, 0, 6, s, s, s))
                .hasMessage("maxQueued: 0 (expected: > 0)");
        assertThatThrownBy(() -> new WebhookSettings(urls, SECRET, 10, 0, s, s, s))
                .hasMessage("maxAttempts: 0 (expected: > 0)");
        assertThatThrownBy(() -> new WebhookSettings(urls, SECRET, 10, 6, s, Duration.ofMillis(10), s))
                .hasMessageStartingWith("maxBackoff: PT0.01S");
        assertThatThrownBy(() -> new WebhookSettings(urls, SECRET, 10, 6, s, s, Duration.ZERO))
                .hasMessage("requestTimeout: PT0S (expected: > 0)");
        assertThatThrownBy(() -> WebhookSettings.of(urls, "short-secret"))
                .hasMessageStartingWith("secret: (12 bytes)")
                .hasMessageNotContaining("short-secret");
        assertThatThrownBy(() -> WebhookSettings.of(urls, null)).hasMessageStartingWith("secret: unset");
        assertThatThrownBy(() -> WebhookSettings.of(List.of(URI.create("ftp://files.example.org/x")), SECRET))
                .hasMessageStartingWith("urls:");
        assertThat(WebhookSettings.of(urls, SECRET).toString())
                .doesNotContain(SECRET)
                .doesNotContain("t0k3n");
        assertThat(WebhookSettings.of(urls, SECRET).maxQueued()).isEqualTo(1000);
        assertThat(WebhookSettings.disabled().enabled()).isFalse();
    }

    private static boolean verifies(Request request) {
        return WebhookSignature.verify(
                SECRET.getBytes(StandardCharsets.UTF_8),
                request.header(WebhookSignature.TIMESTAMP_HEADER),
                request.body,
                request.header(WebhookSignature.SIGNATURE_HEADER),
                Clock.fixed(NOW, ZoneOffset.UTC),
                Duration.ofMinutes(5));
    }

    private static WebhookEvent event(String alertId, String state) {
        return new WebhookEvent(
                "alert." + state, alertId, "org-1", "room-9", "cli-4", "high", state, NOW.minusSeconds(5));
    }

    private static WebhookSettings settings(List<URI> urls, int maxQueued, int maxAttempts) {
        return new WebhookSettings(
                urls,
                SECRET,
                maxQueued,
                maxAttempts,
                Duration.ofMillis(50),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5));
    }

    private WebhookNotifier notifier(WebhookSettings settings) {
        WebhookNotifier notifier = new WebhookNotifier(settings, clock, threads);
        toClose.add(0, notifier);
        return notifier;
    }

    private Receiver receiver(IntUnaryOperator status, Duration hold) {
        try {
            Receiver receiver = new Receiver(status, hold);
            toClose.add(receiver); // after the notifiers, once its held requests are released
            return receiver;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One request as the receiver saw it. */
    private static final class Request {
        final String method;
        final String path;
        final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        final byte[] body;
        final long nanos = System.nanoTime();

        Request(String method, String path, Map<String, List<String>> headers, byte[] body) {
            this.method = method;
            this.path = path;
            headers.forEach((name, values) -> this.headers.put(name, values.get(0)));
            this.body = body;
        }

        String header(String name) {
            return headers.get(name);
        }
    }

    /** An HTTP server on 127.0.0.1 that records requests, holds each up to {@code hold}, then answers. */
    private static final class Receiver implements AutoCloseable {
        final List<Request> requests = new CopyOnWriteArrayList<>();
        final CountDownLatch release = new CountDownLatch(1);
        private final ExecutorService threads = Executors.newCachedThreadPool();
        private final HttpServer server;

        Receiver(IntUnaryOperator status, Duration hold) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(threads);
            server.createContext("/", exchange -> {
                Request request = new Request(
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders(),
                        exchange.getRequestBody().readAllBytes());
                int n;
                synchronized (requests) {
                    requests.add(request);
                    n = requests.size();
                }
                try {
                    release.await(hold.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.sendResponseHeaders(status.applyAsInt(n), -1);
                exchange.close();
            });
            server.start();
        }

        URI url(String path) {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
        }

        @Override
        public void close() {
            release.countDown();
            server.stop(0);
            threads.shutdownNow();
        }
    }
}
