package org.haven.server.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Push;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.audit.AuditEvent;
import org.haven.server.audit.AuditRecord;
import org.haven.server.audit.InMemoryAuditTrail;
import org.haven.server.auth.Principal;
import org.haven.server.config.ServerConfig;
import org.haven.server.connection.Connection;
import org.haven.server.presence.InMemoryPresenceStore;
import org.haven.server.presence.UserRef;
import org.haven.server.request.Caller;
import org.haven.server.request.Handlers;
import org.haven.server.testing.Inbox;
import org.haven.server.testing.LogCapture;
import org.haven.server.testing.MutableClock;
import org.junit.jupiter.api.Test;

/**
 * The paging subscriptions' requests without sockets: who may subscribe, what is refused with which
 * code (audited, nothing stored), what a subscription is kept with, and that an endpoint stays out
 * of the audit trail and the logs.
 */
class PushSubscriptionServiceTest {

    static final String KEY = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    static final Push.Keys KEYS = new Push.Keys(
            "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
            "BTBZMqHH6r4Tts7J_aSIgg");
    /** The secret part of an endpoint: whoever holds it can send to the browser. */
    static final String CAPABILITY = "gAAAAABk-capability-3f9a";

    static final String ENDPOINT = "https://updates.push.services.mozilla.com/wpush/v2/" + CAPABILITY;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00.123456Z"));
    private final InMemoryPushSubscriptions store = new InMemoryPushSubscriptions();
    private final InMemoryPresenceStore presence = new InMemoryPresenceStore();
    private final InMemoryAuditTrail audit = new InMemoryAuditTrail(clock);
    private final Inbox inbox = new Inbox();

    private Handlers handlers(SubscriptionPolicy policy) {
        Handlers handlers = new Handlers();
        new PushSubscriptionService(store, presence, audit, clock, policy).register(handlers);
        return handlers;
    }

    private static SubscriptionPolicy paging() {
        return SubscriptionPolicy.of(
                PushSubscriptionIT.paging(ServerConfig.builder()).build().paging());
    }

    private static Principal principal(String user, Role role) {
        return new Principal(
                user, "demo", role, Set.of("group-1", "group-2"), null, null, Instant.parse("2030-01-01T00:00:00Z"));
    }

    private Caller caller(Principal principal) {
        return new Caller() {
            @Override
            public Principal principal() {
                return principal;
            }

            @Override
            public Connection connection() {
                return inbox;
            }
        };
    }

    /** Dispatches {@code message} and waits for its one answer. */
    private ServerMessage ask(Handlers handlers, Principal who, ClientMessage message) {
        int before = inbox.received.size();
        handlers.dispatch(message, caller(who));
        await().atMost(5, TimeUnit.SECONDS).until(() -> inbox.received.size() > before);
        return inbox.received.get(before);
    }

    private static ClientMessage.PushSubscribe subscribe(String device, String endpoint) {
        return new ClientMessage.PushSubscribe("1", device, endpoint, KEYS);
    }

    private static ErrorCode code(ServerMessage reply) {
        assertThat(reply).isInstanceOf(ServerMessage.Error.class);
        return ((ServerMessage.Error) reply).code();
    }

    private static <T> T done(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aClinicianSubscribesListsAndUnsubscribes() throws Exception {
        Handlers handlers = handlers(paging());
        Principal bo = principal("dr-bo", Role.CLINICIAN);

        ServerMessage ok = ask(handlers, bo, subscribe("laptop", ENDPOINT));
        assertThat(ok)
                .isEqualTo(new ServerMessage.Ok(
                        "1", new Result.PushSubscribed("laptop", Instant.parse("2026-11-27T10:00:00.123Z"))));
        List<PushSubscription> kept = done(store.list(new UserRef("demo", "dr-bo")));
        assertThat(kept)
                .containsExactly(new PushSubscription(
                        "demo",
                        "dr-bo",
                        "laptop",
                        Role.CLINICIAN,
                        Set.of("group-1", "group-2"),
                        false,
                        URI.create(ENDPOINT),
                        KEYS.p256dh(),
                        KEYS.auth(),
                        clock.instant()));

        assertThat(ask(handlers, bo, new ClientMessage.PushList("2")))
                .isEqualTo(new ServerMessage.Ok(
                        "2",
                        new Result.PushSubscriptions(List.of(new Push.Subscription(
                                "laptop",
                                "updates.push.services.mozilla.com",
                                Instant.parse("2026-11-27T10:00:00.123Z"))))));

        assertThat(ask(handlers, bo, new ClientMessage.PushUnsubscribe("3", "laptop")))
                .isEqualTo(new ServerMessage.Ok("3", null));
        // Idempotent.
        assertThat(ask(handlers, bo, new ClientMessage.PushUnsubscribe("4", "laptop")))
                .isEqualTo(new ServerMessage.Ok("4", null));
        assertThat(done(store.list(new UserRef("demo", "dr-bo")))).isEmpty();

        assertThat(audit.records())
                .extracting(AuditRecord::actor, AuditRecord::action, AuditRecord::subject, AuditRecord::outcome)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("dr-bo", "push.subscribe", "push:dr-bo/laptop", "ok"),
                        org.assertj.core.groups.Tuple.tuple("dr-bo", "push.unsubscribe", "push:dr-bo/laptop", "ok"));
        assertThat(audit.records())
                .allSatisfy(
                        r -> assertThat(r.details()).isEqualTo(Map.of("service", "updates.push.services.mozilla.com")));
        assertNoEndpointAnywhere();
    }

    @Test
    void aSupervisorMaySubscribeAndIsGivenTheKeyAClientIsNot() {
        Handlers handlers = handlers(paging());
        assertThat(ask(handlers, principal("sue", Role.SUPERVISOR), subscribe("phone", ENDPOINT)))
                .isInstanceOf(ServerMessage.Ok.class);

        PushSubscriptionService service = new PushSubscriptionService(store, presence, audit, clock, paging());
        assertThat(service.keyFor(principal("sue", Role.SUPERVISOR))).isEqualTo(KEY);
        assertThat(service.keyFor(principal("dr-bo", Role.CLINICIAN))).isEqualTo(KEY);
        assertThat(service.keyFor(principal("alice", Role.CLIENT))).isNull();
        assertThat(service.keyFor(principal("mum", Role.SUPPORT))).isNull();
        PushSubscriptionService off =
                new PushSubscriptionService(store, presence, audit, clock, SubscriptionPolicy.notConfigured());
        assertThat(off.keyFor(principal("dr-bo", Role.CLINICIAN))).isNull();
    }

    @Test
    void clientsAndSupportPersonsAreForbiddenEveryRequest() throws Exception {
        Handlers handlers = handlers(paging());
        for (Role role : List.of(Role.CLIENT, Role.SUPPORT)) {
            Principal who = principal("u-" + role.wire(), role);
            assertThat(code(ask(handlers, who, subscribe("phone", ENDPOINT)))).isEqualTo(ErrorCode.FORBIDDEN);
            assertThat(code(ask(handlers, who, new ClientMessage.PushList("2"))))
                    .isEqualTo(ErrorCode.FORBIDDEN);
            assertThat(code(ask(handlers, who, new ClientMessage.PushUnsubscribe("3", "phone"))))
                    .isEqualTo(ErrorCode.FORBIDDEN);
        }
        assertThat(done(store.inOrg("demo"))).isEmpty();
        assertThat(audit.records())
                .extracting(AuditRecord::action, AuditRecord::outcome)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("push.subscribe", "refused:forbidden"),
                        org.assertj.core.groups.Tuple.tuple("push.subscribe", "refused:forbidden"));
    }

    @Test
    void aNodeThatDoesNotPageRefusesSubscriptionsButListsAndEndsThem() throws Exception {
        Principal bo = principal("dr-bo", Role.CLINICIAN);
        // Subscribed while the node paged, which it no longer does.
        ask(handlers(paging()), bo, subscribe("laptop", ENDPOINT));
        Handlers off = handlers(SubscriptionPolicy.notConfigured());

        assertThat(code(ask(off, bo, subscribe("phone", ENDPOINT)))).isEqualTo(ErrorCode.PUSH_NOT_CONFIGURED);
        assertThat(ask(off, bo, new ClientMessage.PushList("2"))).isInstanceOf(ServerMessage.Ok.class);
        assertThat(ask(off, bo, new ClientMessage.PushUnsubscribe("3", "laptop")))
                .isInstanceOf(ServerMessage.Ok.class);
        assertThat(done(store.inOrg("demo"))).isEmpty();
        assertThat(audit.records()).extracting(AuditRecord::outcome).contains("refused:push_not_configured");
    }

    @Test
    void anEndpointAtAPushServiceTheNodeDoesNotSendToIsRefused() throws Exception {
        Handlers handlers = handlers(paging());
        Principal bo = principal("dr-bo", Role.CLINICIAN);
        for (String endpoint : List.of(
                "https://push.attacker.example/" + CAPABILITY,
                "http://updates.push.services.mozilla.com/wpush/v2/" + CAPABILITY, // not https
                "https://169.254.169.254/latest/meta-data/" + CAPABILITY,
                "https://fcm.googleapis.com.attacker.example/" + CAPABILITY)) {
            assertThat(code(ask(handlers, bo, subscribe("laptop", endpoint))))
                    .as(endpoint)
                    .isEqualTo(ErrorCode.PUSH_ENDPOINT_NOT_ALLOWED);
        }
        assertThat(done(store.inOrg("demo"))).isEmpty();
        assertThat(audit.records()).extracting(AuditRecord::outcome).containsOnly("refused:push_endpoint_not_allowed");
        assertThat(((ServerMessage.Error)
                                ask(handlers, bo, subscribe("laptop", "https://push.attacker.example/" + CAPABILITY)))
                        .message())
                .isEqualTo("this node does not send to the push service push.attacker.example");
        assertNoEndpointAnywhere();
    }

    @Test
    void anAllowListThatFailsAllowsNothing() throws Exception {
        Handlers handlers = handlers(new SubscriptionPolicy(KEY, endpoint -> {
            throw new IllegalStateException("broken predicate");
        }));
        assertThat(code(ask(handlers, principal("dr-bo", Role.CLINICIAN), subscribe("laptop", ENDPOINT))))
                .isEqualTo(ErrorCode.PUSH_ENDPOINT_NOT_ALLOWED);
        assertThat(done(store.inOrg("demo"))).isEmpty();
    }

    @Test
    void theOnCallFlagIsTheClinicianPresenceAtSubscribeAndFollowsPresenceSet() throws Exception {
        PushSubscriptionService service = new PushSubscriptionService(store, presence, audit, clock, paging());
        Handlers handlers = new Handlers();
        service.register(handlers);
        UserRef bo = new UserRef("demo", "dr-bo");
        done(presence.connect(bo, "c-1"));
        done(presence.setStatus(bo, PresenceStatus.ON_CALL));

        ask(handlers, principal("dr-bo", Role.CLINICIAN), subscribe("laptop", ENDPOINT));
        assertThat(done(store.list(bo))).extracting(PushSubscription::onCall).containsExactly(true);

        service.statusChanged(bo, Role.CLINICIAN, PresenceStatus.OFF_DUTY);
        assertThat(done(store.list(bo))).extracting(PushSubscription::onCall).containsExactly(false);
        service.statusChanged(bo, Role.CLINICIAN, PresenceStatus.ON_CALL);
        assertThat(done(store.list(bo))).extracting(PushSubscription::onCall).containsExactly(true);
        // A client's status is nothing to paging.
        service.statusChanged(new UserRef("demo", "alice"), Role.CLIENT, PresenceStatus.AWAY);
        assertThat(done(store.inOrg("demo"))).hasSize(1);
    }

    @Test
    void aFailureToSetTheOnCallFlagIsLoggedAndFailsNothing() {
        PushSubscriptions failing = new PushSubscriptions() {
            @Override
            public CompletionStage<List<PushSubscription>> save(PushSubscription subscription) {
                return store.save(subscription);
            }

            @Override
            public CompletionStage<java.util.Optional<PushSubscription>> remove(UserRef user, String device) {
                return store.remove(user, device);
            }

            @Override
            public CompletionStage<Boolean> removeByEndpoint(URI endpoint) {
                return store.removeByEndpoint(endpoint);
            }

            @Override
            public CompletionStage<List<PushSubscription>> list(UserRef user) {
                return store.list(user);
            }

            @Override
            public CompletionStage<List<PushSubscription>> inOrg(String org) {
                return store.inOrg(org);
            }

            @Override
            public CompletionStage<Void> setOnCall(UserRef user, boolean onCall) {
                return CompletableFuture.failedFuture(new IllegalStateException("the store is down"));
            }
        };
        PushSubscriptionService service = new PushSubscriptionService(failing, presence, audit, clock, paging());
        service.statusChanged(new UserRef("demo", "dr-failing"), Role.CLINICIAN, PresenceStatus.ON_CALL);
        assertThat(LogCapture.lines())
                .anyMatch(line -> line.startsWith(
                        "push subscriptions' on-call flag not set user=dr-failing (IllegalStateException)"));
    }

    @Test
    void subscriptionsRemovedToMakeRoomAreAudited() throws Exception {
        Handlers handlers = handlers(paging());
        Principal bo = principal("dr-bo", Role.CLINICIAN);
        for (int i = 0; i <= PushSubscriptions.MAX_PER_USER; i++) {
            clock.advance(java.time.Duration.ofSeconds(1));
            assertThat(ask(handlers, bo, subscribe("d-" + i, ENDPOINT + "-" + i)))
                    .isInstanceOf(ServerMessage.Ok.class);
        }
        assertThat(done(store.list(new UserRef("demo", "dr-bo"))))
                .hasSize(PushSubscriptions.MAX_PER_USER)
                .extracting(PushSubscription::device)
                .doesNotContain("d-0");
        AuditRecord last = audit.records().get(audit.records().size() - 1);
        assertThat(last.actor()).isEqualTo(AuditEvent.SYSTEM);
        assertThat(last.action()).isEqualTo("push.unsubscribe");
        assertThat(last.subject()).isEqualTo("push:dr-bo/d-0");
    }

    private void assertNoEndpointAnywhere() {
        assertThat(audit.records()).allSatisfy(r -> assertThat(r.toString()).doesNotContain(CAPABILITY));
        assertThat(LogCapture.lines()).noneMatch(line -> line.contains(CAPABILITY));
    }
}
