package org.haven.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.haven.protocol.Alerts;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.audit.InMemoryAuditTrail;
import org.haven.server.auth.Principal;
import org.haven.server.care.InMemoryCareStore;
import org.haven.server.connection.Connection;
import org.haven.server.presence.UserRef;
import org.haven.server.request.Caller;
import org.haven.server.request.Handlers;
import org.haven.server.testing.Inbox;
import org.haven.server.testing.MutableClock;
import org.haven.server.threads.NodeThreads;
import org.haven.server.webhook.WebhookNotifier;
import org.haven.server.webhook.WebhookSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two presses of one client pending at once on one node, one stood in for (relayed on the client's
 * old connection to a silent node) and one on its new connection to this node, now serving the
 * organisation: whichever comes first, they make one alert, because the second reads the store only
 * once the first is in it. The store here holds every save until the test opens it, as a store
 * answering a little late during a take-over does.
 */
class ConcurrentPressesTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T10:00:00Z"));
    private final InMemoryAuditTrail audit = new InMemoryAuditTrail(clock);
    private final NodeThreads threads = new NodeThreads();
    private final WebhookNotifier webhooks = new WebhookNotifier(WebhookSettings.disabled(), clock, threads);
    private final HeldStore store = new HeldStore();
    private final AlertService alerts =
            InProcessAlerts.over(store, new InMemoryCareStore(), audit, webhooks, clock, threads);
    private final Handlers handlers = new Handlers();

    {
        alerts.register(handlers);
    }

    @AfterEach
    void stop() {
        store.open();
        alerts.close();
        webhooks.close();
        audit.close();
        threads.close();
    }

    private static final Principal ALICE = new Principal(
            "alice", "demo", Role.CLIENT, Set.of("group-1"), "Alice", "t-alice", Instant.parse("2030-01-01T00:00:00Z"));

    private void press(String request, Connection on) {
        handlers.dispatch(new ClientMessage.AlertRaise(request, "group-1", null, Alerts.Severity.HIGH), new Caller() {
            @Override
            public Principal principal() {
                return ALICE;
            }

            @Override
            public Connection connection() {
                return on;
            }
        });
    }

    private static String alertOf(Inbox inbox) {
        Awaitility.await().atMost(WAIT).until(() -> !inbox.received.isEmpty());
        return ((Result.AlertReceived) ((ServerMessage.Ok) inbox.received.get(0)).result()).alert();
    }

    /** The node stands in for Alice's press {@code r-1} on her old connection to a silent node. */
    private CompletionStage<StandIn.Raised> standInOnTheOldConnection() {
        return alerts.raise(
                ALICE,
                new ClientMessage.AlertRaise("r-1", "group-1", null, Alerts.Severity.HIGH),
                "c-old",
                StandIn.Seen.NOTHING);
    }

    private static String alertOf(CompletionStage<StandIn.Raised> stoodIn) throws Exception {
        return stoodIn.toCompletableFuture().get(5, TimeUnit.SECONDS).answer().alert();
    }

    /** What the store holds once every save is let through. */
    private List<StoredAlert> stored() throws Exception {
        store.open();
        Awaitility.await().atMost(WAIT).until(() -> store.pending() == 0);
        return store.unclosed("demo").toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aPressOnTheNewConnectionWhileAStandInPressIsBeingStoredJoinsIt() throws Exception {
        CompletionStage<StandIn.Raised> stoodIn = standInOnTheOldConnection();
        Awaitility.await().atMost(WAIT).until(() -> store.pending() == 1);

        Inbox fresh = new Inbox();
        press("r-7", fresh);
        // Long enough for the press to have read the store and made its own alert, were it not waiting.
        Awaitility.await().pollDelay(Duration.ofMillis(200)).until(() -> true);

        List<StoredAlert> open = stored();
        assertThat(open).as("one alert for one crisis").hasSize(1);
        assertThat(alertOf(fresh)).isEqualTo(alertOf(stoodIn));
        Awaitility.await().atMost(WAIT).until(() -> alerts.heldPresses() == 0);
    }

    @Test
    void aStandInForTheOldConnectionWhileAPressHereIsBeingStoredJoinsIt() throws Exception {
        Inbox fresh = new Inbox();
        press("r-7", fresh);
        Awaitility.await().atMost(WAIT).until(() -> store.pending() == 1);

        CompletionStage<StandIn.Raised> stoodIn = standInOnTheOldConnection();
        // Long enough for the press to have read the store and made its own alert, were it not waiting.
        Awaitility.await().pollDelay(Duration.ofMillis(200)).until(() -> true);

        List<StoredAlert> open = stored();
        assertThat(open).as("one alert for one crisis").hasSize(1);
        assertThat(alertOf(stoodIn)).isEqualTo(alertOf(fresh));
        Awaitility.await().atMost(WAIT).until(() -> alerts.heldPresses() == 0);
    }

    @Test
    void aPressWaitingBehindAStalledStoreIsAnsweredByItsOwnDeadlineAndThenGoesOn() throws Exception {
        Inbox first = new Inbox();
        press("r-1", first);
        Awaitility.await().atMost(WAIT).until(() -> store.pending() == 1);

        Inbox second = new Inbox();
        press("r-2", second);
        // The first press's save does not complete: the second is told to call the crisis line at
        // its own deadline from its arrival (1.2 s), while it still waits (the lane holds 1.5 s).
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> !second.received.isEmpty());
        int savesWhenAnswered = store.pending();
        assertThat(((ServerMessage.Error) second.received.get(0)).code()).isEqualTo(ErrorCode.ALERT_UNCONFIRMED);
        assertThat(savesWhenAnswered).as("answered before it stopped waiting").isEqualTo(1);

        // Then it goes on without the first being stored: it joins the alert this node holds.
        Awaitility.await().atMost(WAIT).until(() -> store.pending() == 2);
        List<StoredAlert> open = stored();
        assertThat(open).hasSize(1);
        assertThat(open.get(0).view().presses()).isEqualTo(2);
    }

    @Test
    void aServiceRaiseAnsweredUnconfirmedKeepsItsDedupKeySoTheRetryIsThatAlert() throws Exception {
        ServiceRaise raise = new ServiceRaise(
                "screening",
                new UserRef("demo", "alice"),
                "group-1",
                Alerts.Kind.OTHER,
                Alerts.Severity.HIGH,
                "scr-1",
                null);
        CompletableFuture<ExternalAlerts.Raised> first =
                alerts.raiseByService(raise).toCompletableFuture();
        // The store holds the save: the raise is told it is unconfirmed at its deadline (1.2 s).
        assertThat(Awaitility.await().atMost(WAIT).until(() -> first.isDone(), done -> done))
                .isTrue();
        assertThat(first).isCompletedExceptionally();
        ExternalAlerts.Raised retry =
                alerts.raiseByService(raise).toCompletableFuture().get(1, TimeUnit.SECONDS);
        assertThat(retry.deduplicated())
                .as("the retry finds the alert by its key at once, not as one more press behind the held save")
                .isTrue();
        List<StoredAlert> open = stored();
        assertThat(open).hasSize(1);
        assertThat(open.get(0).view().presses()).isEqualTo(1);
        assertThat(open.get(0).view().id()).isEqualTo(retry.alert());
    }

    @Test
    void aRaiseIsPushedToItsRespondersBeforeItsSaveIsAnsweredAndTheRaiserToldOnceStored() throws Exception {
        Inbox bo = new Inbox();
        alerts.responderConnected(
                new Principal(
                        "dr-bo",
                        "demo",
                        Role.CLINICIAN,
                        Set.of("group-1"),
                        "Bo",
                        "t-bo",
                        Instant.parse("2030-01-01T00:00:00Z")),
                bo,
                org.haven.protocol.PresenceStatus.AVAILABLE);
        List<Integer> framesAtTheResponderWhenSaved = new java.util.concurrent.CopyOnWriteArrayList<>();
        store.onSave = () -> framesAtTheResponderWhenSaved.add(
                bo.all(ServerMessage.AlertNotice.class).size());

        Inbox alice = new Inbox();
        press("r-1", alice);
        Awaitility.await().atMost(WAIT).until(() -> store.pending() == 1);

        assertThat(framesAtTheResponderWhenSaved)
                .as("pushed before it was saved")
                .containsExactly(1);
        assertThat(alice.received).as("the raiser waits for the store").isEmpty();
        store.open();
        alertOf(alice);
    }

    /** An alert store whose saves wait until {@link #open()}. */
    private static final class HeldStore implements AlertStore {
        private final InMemoryAlertStore inner = new InMemoryAlertStore();
        private final CompletableFuture<Void> gate = new CompletableFuture<>();
        private final java.util.concurrent.atomic.AtomicInteger pending =
                new java.util.concurrent.atomic.AtomicInteger();

        void open() {
            gate.complete(null);
        }

        int pending() {
            return pending.get();
        }

        /** Run as each save is called. */
        volatile Runnable onSave = () -> {};

        /** Saves in the order called, as every store applies them. */
        private CompletableFuture<?> last = gate;

        private synchronized <T> CompletionStage<T> held(java.util.function.Supplier<CompletionStage<T>> save) {
            onSave.run();
            pending.incrementAndGet();
            CompletableFuture<T> done = last.thenCompose(v -> save.get()).toCompletableFuture();
            last = done;
            return done.whenComplete((v, e) -> pending.decrementAndGet());
        }

        @Override
        public CompletionStage<Void> save(StoredAlert alert) {
            return held(() -> inner.save(alert));
        }

        @Override
        public CompletionStage<Boolean> saveNew(StoredAlert alert) {
            return held(() -> inner.saveNew(alert));
        }

        @Override
        public CompletionStage<Optional<StoredAlert>> find(String org, String id) {
            return inner.find(org, id);
        }

        @Override
        public CompletionStage<List<StoredAlert>> unclosed() {
            return inner.unclosed();
        }

        @Override
        public CompletionStage<List<StoredAlert>> search(AlertSearch search) {
            return inner.search(search);
        }

        @Override
        public CompletionStage<List<StoredAlert>> unclosed(String org) {
            return inner.unclosed(org);
        }

        @Override
        public CompletionStage<List<StoredAlert>> unclosedOf(String org, String client) {
            return inner.unclosedOf(org, client);
        }

        @Override
        public CompletionStage<Set<String>> overdue(Instant before, int limit) {
            return inner.overdue(before, limit);
        }

        @Override
        public CompletionStage<Integer> purgeClosed(Instant before) {
            return inner.purgeClosed(before);
        }
    }
}
