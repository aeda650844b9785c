package org.haven.server.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.haven.server.push.LocalPushService.Answer;
import org.haven.server.push.LocalPushService.Push;
import org.haven.server.push.LocalPushService.Subscriber;
import org.haven.server.testing.LogCapture;
import org.haven.server.testing.MutableClock;
import org.haven.server.threads.NodeThreads;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sender against a push service on the loopback interface. */
class PushSenderTest {

    private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");
    private static final String PAGE = "{\"alertId\":\"alrt-7f3a\",\"severity\":\"high\",\"room\":\"Ward 4\"}";
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final VapidKeys vapid = VapidKeys.generate("mailto:oncall@haven.example");
    private final NodeThreads threads = new NodeThreads();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<PushDelivery> gone = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        threads.close();
    }

    @Test
    void deliversAPageThatOnlyTheSubscriberCanRead() {
        LocalPushService push = service(clock);
        Subscriber clinician = push.subscribe();
        PushSender sender = sender(settings(10, 5), clock);

        boolean accepted =
                sender.send(page("sub-a", clinician).withTopic("alrt-7f3a").withTtl(Duration.ofSeconds(90)));

        assertThat(accepted).isTrue();
        Push page = push.awaitPush(clinician, WAIT);
        assertThat(page.text()).isEqualTo(PAGE);
        assertThat(new String(page.body(), StandardCharsets.ISO_8859_1)).doesNotContain("alrt-7f3a");
        VapidToken token = page.vapid();
        assertThat(token.audience()).isEqualTo("http://127.0.0.1:" + push.port());
        assertThat(token.publicKey()).isEqualTo(vapid.publicKey());
        assertThat(token.subject()).isEqualTo("mailto:oncall@haven.example");
        assertThat(page.method()).isEqualTo("POST");
        assertThat(page.header("TTL")).isEqualTo("90");
        assertThat(page.header("Urgency")).isEqualTo("high");
        assertThat(page.header("Content-Encoding")).isEqualTo("aes128gcm");
        assertThat(page.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(page.header("Topic")).isEqualTo("alrt-7f3a");
        await().atMost(WAIT).until(() -> sender.sent() == 1);
        assertThat(sender.pending()).isZero();
        assertThat(sender.failed() + sender.removed() + sender.retried() + sender.skipped())
                .isZero();
        assertThat(meters.get("haven.push.sent").functionCounter().count()).isEqualTo(1);
        assertThat(meters.get("haven.push.sent").functionCounter().getId().getDescription())
                .isNotBlank();
    }

    @Test
    void withoutATopicOrTtlTheSettingsTtlIsUsedAndNoTopicSent() {
        LocalPushService push = service(clock);
        Subscriber clinician = push.subscribe();
        PushSender sender = sender(settings(10, 5), clock);

        sender.send(page("sub-b", clinician));

        Push page = push.awaitPush(clinician, WAIT);
        assertThat(page.header("TTL")).isEqualTo("600");
        assertThat(page.header("Topic")).isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {404, 410})
    void aSubscriptionThatIsGoneIsReportedOnceAndNotRetried(int status) {
        LocalPushService push = service(clock);
        Subscriber revoked = push.subscribe();
        push.answer(revoked, status);
        PushSender sender = sender(settings(10, 5), clock);
        PushDelivery delivery = page("sub-gone", revoked);

        sender.send(delivery);

        await().atMost(WAIT).until(() -> sender.removed() == 1);
        await().during(Duration.ofMillis(300))
                .atMost(WAIT)
                .until(() -> push.requests(revoked).size() == 1);
        assertThat(gone).containsExactly(delivery);
        assertThat(sender.sent() + sender.failed() + sender.retried()).isZero();
        assertThat(sender.pending()).isZero();
        assertThat(meters.get("haven.push.subscriptions.removed")
                        .functionCounter()
                        .count())
                .isEqualTo(1);
        assertThat(LogCapture.lines())
                .anyMatch(line -> line.contains("push subscription gone (status " + status + ") id=sub-gone")
                        && line.contains("host=127.0.0.1"));
    }

    @Test
    void serverErrorsAreRetriedWithAGrowingBackoffUntilDelivered() {
        LocalPushService push = service(clock);
        Subscriber clinician = push.subscribe();
        push.answer(clinician, 503, 500);
        PushSender sender = sender(settings(10, 5), clock);

        sender.send(page("sub-c", clinician));

        assertThat(push.awaitPush(clinician, WAIT).text()).isEqualTo(PAGE);
        List<Push> requests = push.requests(clinician);
        assertThat(requests).extracting(Push::status).containsExactly(503, 500, 201);
        // Lower bounds only: the first backoff is 50 ms, the second 100 ms.
        assertThat(requests.get(1).nanos() - requests.get(0).nanos()).isGreaterThanOrEqualTo(ms(50));
        assertThat(requests.get(2).nanos() - requests.get(1).nanos()).isGreaterThanOrEqualTo(ms(100));
        // Each attempt is encrypted afresh.
        assertThat(requests.get(1).body()).isNotEqualTo(requests.get(0).body());
        await().atMost(WAIT).until(() -> sender.sent() == 1);
        assertThat(sender.retried()).isEqualTo(2);
        assertThat(sender.failed()).isZero();
    }

    @Test
    void tooManyRequestsWaitsAsLongAsTheRetryAfterSays() {
        LocalPushService push = service(clock);
        Subscriber clinician = push.subscribe();
        push.answer(clinician, Answer.retryAfter(429, "1"));
        PushSender sender = sender(settings(10, 5), clock);

        sender.send(page("sub-d", clinician));

        push.awaitPush(clinician, WAIT);
        List<Push> requests = push.requests(clinician);
        assertThat(requests).extracting(Push::status).containsExactly(429, 201);
        assertThat(requests.get(1).nanos() - requests.get(0).nanos()).isGreaterThanOrEqualTo(ms(1000));
    }

    @Test
    void aRetryAfterPastThePagesTtlEndsItUnsentRatherThanAskingTooSoon() {
        LocalPushService push = service(clock);
        Subscriber clinician = push.subscribe();
        push.answer(clinician, Answer.retryAfter(503, "3600"));
        PushSender sender = sender(
                new PushSettings(
                        10,
                        5,
                        Duration.ofMillis(50),
                        Duration.ofMillis(300),
                        Duration.ofSeconds(5),
                        Duration.ofMinutes(10)),
                clock);

        sender.send(page("sub-e", clinician));

        await().atMost(WAIT).until(() -> sender.failed() == 1);
        await().during(Duration.ofMillis(500))
                .atMost(WAIT)
                .until(() -> push.requests(clinician).size() == 1 && sender.pending() == 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 413})
    void aPageThePushServiceRefusesIsNotRetried(int status) {
        LocalPushService push = service(clock);
        Subscriber clinician = push.subscribe();
        push.answer(clinician, status);
        PushSender sender = sender(settings(10, 5), clock);

        sender.send(page("sub-f", clinician));

        await().atMost(WAIT).until(() -> sender.failed() == 1);
        await().during(Duration.ofMillis(300))
                .atMost(WAIT)
                .until(() -> push.requests(clinician).size() == 1);
        assertThat(sender.retried() + sender.sent() + sender.removed()).isZero();
        assertThat(gone).isEmpty();
        assertThat(sender.pending()).isZero();
        assertThat(meters.get("haven.push.failed")
                        .tag("reason", "rejected")
                        .functionCounter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void givesUpAfterMaxAttemptsAndLogsNeitherEndpointNorPayload() {
        LocalPushService push = service(clock);
        Subscriber clinician = push.subscribe();
        push.answer(clinician, 503, 503, 503, 503);
        PushSender sender = sender(settings(10, 3), clock);

        sender.send(page("sub-g", clinician));

        await().atMost(WAIT).until(() -> sender.failed() == 1);
        await().during(Duration.ofMillis(300))
                .atMost(WAIT)
                .until(() -> push.requests(clinician).size() == 3);
        assertThat(sender.retried()).isEqualTo(2);
        assertThat(sender.pending()).isZero();
        assertThat(meters.get("haven.push.failed")
                        .tag("reason", "exhausted")
                        .functionCounter()
                        .count())
                .isEqualTo(1);
        assertThat(LogCapture.lines())
                .anyMatch(line -> line.contains("push failed after 3 attempts (status 503) id=sub-g host=127.0.0.1"));
        assertThat(LogCapture.lines())
                .noneMatch(line -> line.contains(clinician.endpoint().getPath())
                        || line.contains("alrt-7f3a")
                        || line.contains(clinician.auth())
                        || line.contains(vapid.privateKey()));
    }

    @Test
    void connectionErrorsAreRetried() throws IOException {
        URI closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/push/nobody");
        }
        LocalPushService push = service(clock);
        Subscriber keys = push.subscribe();
        PushSender sender = sender(settings(10, 3), clock);

        sender.send(PushDelivery.of("sub-h", closed, keys.p256dhBytes(), keys.authBytes(), utf8(PAGE)));

        await().atMost(WAIT).until(() -> sender.failed() == 1);
        assertThat(sender.retried()).isEqualTo(2);
        assertThat(LogCapture.lines())
                .anyMatch(line -> line.contains("push failed after 3 attempts (ConnectException) id=sub-h"));
    }

    @Test
    void aRequestThatTimesOutIsRetried() {
        LocalPushService push = service(clock);
        Subscriber clinician = push.subscribe();
        PushSender sender = sender(
                new PushSettings(
                        10,
                        5,
                        Duration.ofMillis(50),
                        Duration.ofSeconds(1),
                        Duration.ofMillis(300),
                        Duration.ofMinutes(10)),
                clock);
        push.hold();

        sender.send(page("sub-i", clinician));

        await().atMost(WAIT).until(() -> push.held() >= 2);
        push.release();
        assertThat(push.awaitPush(clinician, WAIT).text()).isEqualTo(PAGE);
        await().atMost(WAIT).until(() -> sender.sent() == 1);
        assertThat(sender.retried()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void sendNeverBlocksAndRefusesPastTheBound() {
        LocalPushService push = service(clock);
        Subscriber clinician = push.subscribe();
        PushSender sender = sender(settings(2, 5), clock);
        push.hold();

        long start = System.nanoTime();
        boolean first = sender.send(page("sub-j1", clinician));
        boolean second = sender.send(page("sub-j2", clinician));
        boolean third = sender.send(page("sub-j3", clinician));
        for (int i = 0; i < 100; i++) {
            sender.send(page("sub-flood", clinician));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isLessThan(Duration.ofSeconds(1));
        assertThat(List.of(first, second, third)).containsExactly(true, true, false);
        assertThat(sender.dropped()).isEqualTo(101);
        assertThat(sender.failed()).isEqualTo(101);
        assertThat(sender.pending()).isEqualTo(2);
        assertThat(meters.get("haven.push.failed")
                        .tag("reason", "refused")
                        .functionCounter()
                        .count())
                .isEqualTo(101);
        assertThat(meters.get("haven.push.pending").gauge().value()).isEqualTo(2);
        assertThat(LogCapture.lines())
                .anyMatch(line -> line.contains("push refused (queue full) id=sub-j3 host=127.0.0.1"));
        await().atMost(WAIT).until(() -> push.held() == 2);

        push.release();
        await().atMost(WAIT).until(() -> sender.sent() == 2);
        assertThat(sender.pending()).isZero();
        assertThat(sender.send(page("sub-j4", clinician))).isTrue();
    }

    @Test
    void aPageNoLongerWantedIsNotSent() {
        LocalPushService push = service(clock);
        Subscriber clinician = push.subscribe();
        PushSender sender = sender(settings(10, 5), clock);

        sender.send(page("sub-k", clinician).onlyWhile(() -> false));

        await().atMost(WAIT).until(() -> sender.skipped() == 1);
        assertThat(push.requests()).isEmpty();
        assertThat(sender.pending()).isZero();
        assertThat(sender.sent() + sender.failed()).isZero();
    }

    @Test
    void aPageAcknowledgedWhileBackingOffIsNotRetried() {
        LocalPushService push = service(clock);
        Subscriber clinician = push.subscribe();
        push.answer(clinician, 503);
        PushSender sender = sender(settings(10, 5), clock);
        AtomicInteger asked = new AtomicInteger();

        sender.send(page("sub-l", clinician).onlyWhile(() -> asked.incrementAndGet() == 1));

        await().atMost(WAIT).until(() -> sender.skipped() == 1);
        assertThat(push.requests(clinician)).extracting(Push::status).containsExactly(503);
        assertThat(asked).hasValue(2);
        assertThat(sender.retried()).isEqualTo(1);
        assertThat(sender.sent() + sender.failed()).isZero();
    }

    @Test
    void theTtlCountsDownWhileThePageWaits() {
        MutableClock time = new MutableClock(NOW);
        LocalPushService push = service(time);
        Subscriber clinician = push.subscribe();
        push.answer(clinician, 503);
        PushSender sender = sender(
                new PushSettings(
                        10,
                        5,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(5),
                        Duration.ofMinutes(10)),
                time);

        sender.send(page("sub-m", clinician).withTtl(Duration.ofSeconds(60)));
        await().atMost(WAIT).until(() -> push.requests(clinician).size() == 1);
        time.advance(Duration.ofSeconds(25));

        Push page = push.awaitPush(clinician, WAIT);
        assertThat(push.requests(clinician).get(0).header("TTL")).isEqualTo("60");
        assertThat(page.header("TTL")).isEqualTo("35");
        assertThat(page.vapid().expires()).isEqualTo(NOW.plus(Duration.ofHours(12)));
    }

    @Test
    void closeWaitsOnlyBrieflyForARequestInFlight() {
        LocalPushService push = service(clock);
        Subscriber clinician = push.subscribe();
        PushSender sender = sender(settings(10, 5), clock);
        push.hold();
        sender.send(page("sub-n", clinician));
        await().atMost(WAIT).until(() -> push.held() == 1);

        long start = System.nanoTime();
        sender.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(5));
        assertThat(sender.send(page("sub-o", clinician))).isFalse();
        assertThat(sender.dropped()).isEqualTo(1);
        assertThat(LogCapture.lines())
                .anyMatch(line -> line.contains("push refused (sender closed) id=sub-o host=127.0.0.1"));
    }

    @Test
    void closeWhenIdleIsQuickAndIdempotent() {
        PushSender sender = sender(settings(10, 5), clock);

        long start = System.nanoTime();
        sender.close();
        sender.close();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void withoutARegistryThereAreNoMetersButTheCountsStillWork() {
        LocalPushService push = service(clock);
        Subscriber clinician = push.subscribe();
        PushSender sender = new PushSender(settings(10, 5), vapid, gone::add, clock, threads, null);
        toClose.add(0, sender);

        sender.send(page("sub-p", clinician));

        push.awaitPush(clinician, WAIT);
        await().atMost(WAIT).until(() -> sender.sent() == 1);
    }

    @Test
    void theLocalPushServiceRefusesWhatARealOneWould() throws Exception {
        LocalPushService push = service(clock);
        Subscriber clinician = push.subscribe();
        byte[] body = PushEncryption.encrypt(utf8(PAGE), clinician.p256dhBytes(), clinician.authBytes());
        String good = vapid.authorization(clinician.endpoint(), NOW);
        String otherOrigin = vapid.authorization(URI.create("https://fcm.googleapis.com/fcm/send/x"), NOW);
        String expired =
                vapid.authorization(URI.create(clinician.endpoint() + "/again"), NOW.minus(Duration.ofHours(13)));
        String forged = good.substring(0, good.indexOf(", k=")) + ", k="
                + VapidKeys.generate("mailto:x@y.example").publicKey();

        assertThat(post(clinician.endpoint(), null, "60", body)).isEqualTo(401);
        assertThat(post(clinician.endpoint(), otherOrigin, "60", body)).isEqualTo(401);
        assertThat(post(clinician.endpoint(), expired, "60", body)).isEqualTo(401);
        assertThat(post(clinician.endpoint(), forged, "60", body)).isEqualTo(401);
        assertThat(post(clinician.endpoint(), good, null, body)).isEqualTo(400);
        assertThat(post(clinician.endpoint(), good, "60", new byte[4097])).isEqualTo(413);
        assertThat(post(URI.create("http://127.0.0.1:" + push.port() + "/push/sub-999"), good, "60", body))
                .isEqualTo(404);
        assertThat(push.requests(clinician)).extracting(Push::refusal).allMatch(r -> !r.isEmpty());
        assertThat(post(clinician.endpoint(), good, "60", body)).isEqualTo(201);
        assertThat(push.awaitPush(clinician, WAIT).text()).isEqualTo(PAGE);
        push.unsubscribe(clinician);
        assertThat(post(clinician.endpoint(), good, "60", body)).isEqualTo(410);
    }

    private static int post(URI endpoint, @Nullable String authorization, @Nullable String ttl, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .header("Content-Encoding", "aes128gcm")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (ttl != null) {
            request.header("TTL", ttl);
        }
        return HttpClient.newHttpClient()
                .send(request.build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private PushDelivery page(String id, Subscriber subscriber) {
        return PushDelivery.of(id, subscriber.endpoint(), subscriber.p256dhBytes(), subscriber.authBytes(), utf8(PAGE));
    }

    private static PushSettings settings(int maxPending, int maxAttempts) {
        return new PushSettings(
                maxPending,
                maxAttempts,
                Duration.ofMillis(50),
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                PushSettings.DEFAULT_TTL);
    }

    private PushSender sender(PushSettings settings, Clock clock) {
        PushSender sender = new PushSender(settings, vapid, gone::add, clock, threads, meters);
        toClose.add(0, sender);
        return sender;
    }

    private LocalPushService service(Clock clock) {
        LocalPushService push = LocalPushService.start(clock);
        toClose.add(push); // after the senders, once its held requests are released
        return push;
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
