package org.haven.server.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.haven.client.ClientOptions;
import org.haven.client.HavenClient;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.ProtocolSchema;
import org.haven.protocol.Push;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.HavenServer;
import org.haven.server.auth.DevTokens;
import org.haven.server.config.ServerConfig;
import org.haven.server.presence.UserRef;
import org.haven.server.testing.Replies;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paging subscriptions over real WebSockets against an in-process node that pages (its policy given
 * by the test, until the configuration has the push settings): the welcome's {@code pushKey}, a
 * clinician's subscribe, list and unsubscribe, every refusal with its documented code, the on-call
 * flag following {@code presence.set}, and subscriptions kept across a restart on SQLite. Every frame
 * the server sends is validated against the published schema ({@link TestServer}).
 */
class PushSubscriptionIT {

    static final Duration WAIT = Duration.ofSeconds(5);
    static final String KEY = PushSubscriptionServiceTest.KEY;
    static final Push.Keys KEYS = PushSubscriptionServiceTest.KEYS;
    static final String ENDPOINT = PushSubscriptionServiceTest.ENDPOINT;
    /** The private half of {@link #KEY}. */
    static final String PRIVATE_KEY = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";

    /** A node that pages, with the default push services (the major browsers'). */
    static ServerConfig.Builder paging(ServerConfig.Builder b) {
        return b.vapidPublicKey(KEY).vapidPrivateKey(PRIVATE_KEY).pushSubject("mailto:ops@example.org");
    }

    @RegisterExtension
    final TestServer haven = new TestServer(PushSubscriptionIT::paging);

    private static Result.PushSubscribed subscribe(HavenClient client, String device, String endpoint)
            throws Exception {
        return client.call(
                        id -> new ClientMessage.PushSubscribe(id, device, endpoint, KEYS), Result.PushSubscribed.class)
                .get(5, TimeUnit.SECONDS);
    }

    private static List<Push.Subscription> list(HavenClient client) throws Exception {
        return client.call(ClientMessage.PushList::new, Result.PushSubscriptions.class)
                .get(5, TimeUnit.SECONDS)
                .subscriptions();
    }

    private List<PushSubscription> stored(String user) throws Exception {
        return haven.server()
                .engines()
                .pushSubscriptions()
                .list(new UserRef("demo", user))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
    }

    @Test
    void theWelcomeOfTheCareTeamCarriesThePushKeyAClientsDoesNot() throws Exception {
        HavenClient bo = haven.connect();
        assertThat(bo.hello(haven.token("dr-bo", Role.CLINICIAN, "demo", "group-1"))
                        .get(5, TimeUnit.SECONDS)
                        .pushKey())
                .isEqualTo(KEY);
        HavenClient sue = haven.connect();
        assertThat(sue.hello(haven.token("sue", Role.SUPERVISOR, "demo"))
                        .get(5, TimeUnit.SECONDS)
                        .pushKey())
                .isEqualTo(KEY);
        HavenClient alice = haven.connect();
        assertThat(alice.hello(haven.token("alice", Role.CLIENT, "demo", "group-1"))
                        .get(5, TimeUnit.SECONDS)
                        .pushKey())
                .isNull();
    }

    @Test
    void aClinicianSubscribesListsAndUnsubscribes() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1", "group-2");

        Result.PushSubscribed laptop = subscribe(bo, "laptop-firefox", ENDPOINT);
        assertThat(laptop.device()).isEqualTo("laptop-firefox");
        subscribe(bo, "phone-chrome", "https://fcm.googleapis.com/fcm/send/dGhpcy1pcy1hLXRlc3Q:APA91b");

        assertThat(list(bo))
                .extracting(Push.Subscription::device, Push.Subscription::service)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("laptop-firefox", "updates.push.services.mozilla.com"),
                        org.assertj.core.groups.Tuple.tuple("phone-chrome", "fcm.googleapis.com"));
        assertThat(list(bo).get(0).subscribedAt()).isEqualTo(laptop.subscribedAt());
        PushSubscription kept = stored("dr-bo").get(0);
        assertThat(kept.role()).isEqualTo(Role.CLINICIAN);
        assertThat(kept.rooms()).containsExactlyInAnyOrder("group-1", "group-2");
        assertThat(kept.endpoint().toString()).isEqualTo(ENDPOINT);

        // Another clinician sees only their own.
        HavenClient cy = haven.login("dr-cy", Role.CLINICIAN, "demo", "group-1");
        assertThat(list(cy)).isEmpty();

        bo.request(id -> new ClientMessage.PushUnsubscribe(id, "laptop-firefox"))
                .get(5, TimeUnit.SECONDS);
        bo.request(id -> new ClientMessage.PushUnsubscribe(id, "laptop-firefox"))
                .get(5, TimeUnit.SECONDS);
        assertThat(list(bo)).extracting(Push.Subscription::device).containsExactly("phone-chrome");
        assertThat(haven.server().audit().flush()).succeedsWithin(WAIT);
    }

    @Test
    void aClientIsForbiddenEveryPushRequest() throws Exception {
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        Replies.assertError(
                alice.request(id -> new ClientMessage.PushSubscribe(id, "phone", ENDPOINT, KEYS)), ErrorCode.FORBIDDEN);
        Replies.assertError(alice.request(ClientMessage.PushList::new), ErrorCode.FORBIDDEN);
        Replies.assertError(alice.request(id -> new ClientMessage.PushUnsubscribe(id, "phone")), ErrorCode.FORBIDDEN);
        assertThat(stored("alice")).isEmpty();
    }

    @Test
    void keysThatAreNotABrowsersAreAnInvalidMessage() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo");
        String offCurve = KEYS.p256dh().substring(0, 80) + "AAAAAAA";
        bo.sendText("{\"type\":\"push.subscribe\",\"id\":\"bad-1\",\"device\":\"laptop\",\"endpoint\":\"" + ENDPOINT
                + "\",\"keys\":{\"p256dh\":\"" + offCurve + "\",\"auth\":\"" + KEYS.auth() + "\"}}");
        bo.sendText("{\"type\":\"push.subscribe\",\"id\":\"bad-2\",\"device\":\"laptop\",\"endpoint\":\"" + ENDPOINT
                + "\",\"keys\":{\"p256dh\":\"" + KEYS.p256dh() + "\",\"auth\":\"c2hvcnQ\"}}");
        for (String id : List.of("bad-1", "bad-2")) {
            ServerMessage.Error error = bo.awaitEvent(ServerMessage.Error.class, e -> id.equals(e.re()), WAIT);
            assertThat(error).as(id).isNotNull();
            assertThat(error.code()).isEqualTo(ErrorCode.INVALID_MESSAGE);
            assertThat(error.message()).startsWith("keys.");
        }
        assertThat(stored("dr-bo")).isEmpty();
    }

    @Test
    void anEndpointAtAPushServiceTheNodeDoesNotSendToIsRefused() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo");
        Replies.assertError(
                bo.request(id -> new ClientMessage.PushSubscribe(id, "laptop", "https://10.0.0.7/internal", KEYS)),
                ErrorCode.PUSH_ENDPOINT_NOT_ALLOWED);
        assertThat(stored("dr-bo")).isEmpty();
    }

    @Test
    void theOnCallFlagFollowsTheCliniciansPresence() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo");
        bo.request(id -> new ClientMessage.PresenceSet(id, PresenceStatus.ON_CALL))
                .get(5, TimeUnit.SECONDS);
        subscribe(bo, "laptop", ENDPOINT);
        assertThat(stored("dr-bo")).extracting(PushSubscription::onCall).containsExactly(true);

        bo.request(id -> new ClientMessage.PresenceSet(id, PresenceStatus.OFF_DUTY))
                .get(5, TimeUnit.SECONDS);
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(stored("dr-bo"))
                        .extracting(PushSubscription::onCall)
                        .containsExactly(false));
        bo.request(id -> new ClientMessage.PresenceSet(id, PresenceStatus.ON_CALL))
                .get(5, TimeUnit.SECONDS);
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(stored("dr-bo"))
                        .extracting(PushSubscription::onCall)
                        .containsExactly(true));
        // Still on call for paging once the tab is closed: that is when a page is needed.
        bo.close();
        await().atMost(WAIT).until(() -> haven.server().connectionCount() == 0);
        assertThat(stored("dr-bo")).extracting(PushSubscription::onCall).containsExactly(true);

        // The console sends push.subscribe again after every welcome, when its fresh connection is
        // available: that is not the clinician going off call.
        HavenClient again = haven.login("dr-bo", Role.CLINICIAN, "demo");
        subscribe(again, "laptop", ENDPOINT);
        subscribe(again, "phone", "https://fcm.googleapis.com/fcm/send/dGhpcy1pcy1hLXRlc3Q:APA91b");
        assertThat(stored("dr-bo")).extracting(PushSubscription::onCall).containsExactly(true, true);
    }

    /** A node that does not page: no key in any welcome, and subscribing is refused. */
    @Nested
    class NotConfigured {
        @RegisterExtension
        final TestServer plain = new TestServer();

        @Test
        void subscribingIsRefusedAndTheWelcomeHasNoKey() throws Exception {
            HavenClient bo = plain.connect();
            assertThat(bo.hello(plain.token("dr-bo", Role.CLINICIAN, "demo"))
                            .get(5, TimeUnit.SECONDS)
                            .pushKey())
                    .isNull();
            Replies.assertError(
                    bo.request(id -> new ClientMessage.PushSubscribe(id, "laptop", ENDPOINT, KEYS)),
                    ErrorCode.PUSH_NOT_CONFIGURED);
            assertThat(bo.call(ClientMessage.PushList::new, Result.PushSubscriptions.class)
                            .get(5, TimeUnit.SECONDS)
                            .subscriptions())
                    .isEmpty();
        }
    }

    /** On the default engines (SQLite in the data directory), a node started again has every subscription. */
    @Nested
    class OnSqlite {
        @TempDir
        Path dataDirectory;

        private final List<String> violations = new CopyOnWriteArrayList<>();

        private HavenClient clinician(HavenServer node, DevTokens tokens) throws Exception {
            HavenClient client = HavenClient.connect(
                            java.net.URI.create("ws://127.0.0.1:" + node.port() + "/ws"),
                            ClientOptions.defaults()
                                    .withFrameListener(text -> violations.addAll(
                                            ProtocolSchema.instance().validateServer(text))))
                    .get(10, TimeUnit.SECONDS);
            client.hello(tokens.mint("dr-bo", Role.CLINICIAN, "demo", List.of("group-1"), null, Duration.ofHours(1)))
                    .get(10, TimeUnit.SECONDS);
            return client;
        }

        @Test
        void subscriptionsOutliveARestart() throws Exception {
            ServerConfig config = paging(ServerConfig.builder())
                    .host("127.0.0.1")
                    .port(0)
                    .drainTimeout(Duration.ofSeconds(2))
                    .auditFile(null)
                    .dataDirectory(dataDirectory)
                    .build();
            DevTokens tokens = new DevTokens(
                    config.auth().hmacSecret(),
                    config.auth().issuer(),
                    config.auth().audience(),
                    Clock.systemUTC());
            Instant subscribedAt;
            try (HavenServer node = HavenServer.start(config, Clock.systemUTC(), Ticker.systemTicker());
                    HavenClient bo = clinician(node, tokens)) {
                subscribedAt = subscribe(bo, "laptop", ENDPOINT).subscribedAt();
            }
            try (HavenServer node = HavenServer.start(config, Clock.systemUTC(), Ticker.systemTicker());
                    HavenClient bo = clinician(node, tokens)) {
                assertThat(list(bo))
                        .containsExactly(
                                new Push.Subscription("laptop", "updates.push.services.mozilla.com", subscribedAt));
            }
            assertThat(violations).isEmpty();
        }
    }
}
