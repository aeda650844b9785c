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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.haven.protocol.Alerts;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.audit.InMemoryAuditTrail;
import org.haven.server.auth.Principal;
import org.haven.server.care.InMemoryCareStore;
import org.haven.server.request.Handlers;
import org.haven.server.testing.Inbox;
import org.haven.server.testing.MutableClock;
import org.haven.server.threads.NodeThreads;
import org.haven.server.webhook.WebhookNotifier;
import org.haven.server.webhook.WebhookSettings;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Taking up alerts from the store when reading them fails for a while (the database out of reach,
 * its lane full): an alert a stand-in stored is adopted once the read answers, an organisation's
 * open alerts are taken up once the read answers, and an open alert the store holds and this node
 * does not is taken up when the cluster's check finds it left behind. A read that fails used to
 * leave the alert unescalated and unseen by the clinicians connected here.
 */
class TakeUpTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T10:00:00Z"));
    private final InMemoryAuditTrail audit = new InMemoryAuditTrail(clock);
    private final NodeThreads threads = new NodeThreads();
    private final WebhookNotifier webhooks = new WebhookNotifier(WebhookSettings.disabled(), clock, threads);
    private final FailingReads store = new FailingReads(new InMemoryAlertStore());
    private final AlertService alerts =
            InProcessAlerts.over(store, new InMemoryCareStore(), audit, webhooks, clock, threads);

    @AfterEach
    void stop() {
        alerts.close();
        webhooks.close();
        audit.close();
        threads.close();
    }

    private Inbox connect(String user) {
        return InProcessAlerts.connect(alerts, user, Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
    }

    private static boolean told(Inbox inbox, String alert) {
        return inbox.all(ServerMessage.AlertNotice.class).stream()
                .anyMatch(n -> n.alert().id().equals(alert));
    }

    /** An alert another node stood in for: in the store, not among this node's alerts. */
    private String stoodIn() throws Exception {
        StandIn.Raised raised = alerts.raise(
                        InProcessAlerts.principal("alice", Role.CLIENT, "group-1"),
                        new ClientMessage.AlertRaise("r-1", "group-1", null, Alerts.Severity.HIGH),
                        "c-alice",
                        StandIn.Seen.NOTHING)
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        assertThat(raised.stored().toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isTrue();
        return raised.answer().alert();
    }

    @Test
    void anAdoptionWhoseReadFailsIsTriedAgainUntilTheStoreAnswers() throws Exception {
        Inbox bo = connect("dr-bo");
        String id = stoodIn();

        store.failing.set(3);
        alerts.adopt("demo", id);

        Awaitility.await().atMost(WAIT).until(() -> told(bo, id));
        assertThat(store.reads.get()).as("three failed, the fourth answered").isEqualTo(4);
    }

    @Test
    void aTakeUpWhoseReadFailsIsTriedAgainUntilTheStoreAnswers() throws Exception {
        String id = stoodIn();

        store.failing.set(2);
        alerts.takeUpStoredAlerts("demo", CompletableFuture.completedFuture(0));
        Awaitility.await().atMost(WAIT).until(() -> held(id));
        assertThat(store.reads.get()).isEqualTo(3);

        Inbox bo = connect("dr-bo"); // a responder reconnecting gets the alerts the node took up
        Awaitility.await().atMost(WAIT).until(() -> told(bo, id));
    }

    @Test
    void whileAnOrganisationsTakeUpReadsAgainTheCheckForAlertsLeftBehindLeavesThemToIt() throws Exception {
        Inbox bo = connect("dr-bo");
        String id = stoodIn();

        store.failing.set(1);
        alerts.takeUpStoredAlerts("demo", CompletableFuture.completedFuture(0)); // fails once, then reads again
        alerts.takeUpLeftBehind("demo"); // the cluster's check, meanwhile
        Awaitility.await().atMost(WAIT).until(() -> held(id));
        assertThat(store.reads.get())
                .as("the take-up's two reads, none for the check")
                .isEqualTo(2);
        Awaitility.await()
                .during(Duration.ofMillis(500))
                .atMost(WAIT)
                .until(() -> !told(bo, id)); // taken up as a take-up is: for whoever reconnects
    }

    @Test
    void nothingIsTakenUpForAnOrganisationThisNodeNoLongerServes() throws Exception {
        AtomicBoolean serving = new AtomicBoolean(true);
        alerts.servesWhile(org -> serving.get());
        Inbox bo = connect("dr-bo");
        String id = stoodIn();

        store.failing.set(2);
        alerts.adopt("demo", id); // its read fails, and is tried again in 250 ms
        serving.set(false); // another node took the organisation meanwhile
        alerts.takeUpLeftBehind("demo"); // nor is it left behind here
        // Past the adoption's next two reads (0.25 s and 0.75 s after the first).
        Awaitility.await().during(Duration.ofMillis(1500)).atMost(WAIT).until(() -> !told(bo, id));
        assertThat(held(id)).isFalse();
    }

    @Test
    void aClosedAlertWhoseClosingSaveIsUnansweredStaysOnTheNode() throws Exception {
        Handlers handlers = new Handlers();
        alerts.register(handlers);
        InProcessAlerts.connect(alerts, "dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
        Principal bo = InProcessAlerts.principal("dr-bo", Role.CLINICIAN, "group-1");
        String id = InProcessAlerts.raise(handlers, Alerts.Severity.HIGH);
        answer(handlers, new ClientMessage.AlertAcknowledge("q-1", id), bo);
        answer(handlers, new ClientMessage.AlertEngage("q-2", id), bo);
        answer(handlers, new ClientMessage.AlertResolve("q-3", id, Alerts.Outcome.STABILIZED, "calm"), bo);

        CompletableFuture<Void> gate = new CompletableFuture<>();
        store.saves = gate; // the store's lane is far behind: the closing save is not answered
        answer(handlers, new ClientMessage.AlertFollowUp("q-4", id, "called back"), bo);
        clock.advance(AlertService.CLOSED_KEPT.plusSeconds(1));
        alerts.tickNow().join();
        assertThat(held(id)).as("closed, but its closing save is not answered").isTrue();

        store.saves = null;
        gate.completeExceptionally(new IllegalStateException("the database is out of reach"));
        alerts.tickNow().join(); // refused: kept to store again, and stored again
        Awaitility.await()
                .atMost(WAIT)
                .untilAsserted(() -> assertThat(store.store
                                .unclosed("demo")
                                .toCompletableFuture()
                                .get())
                        .as("the store has it closed")
                        .isEmpty());
        alerts.tickNow().join();
        Awaitility.await().atMost(WAIT).until(() -> {
            alerts.tickNow().join();
            return !held(id);
        });
    }

    private static void answer(Handlers handlers, ClientMessage message, Principal user) {
        Inbox inbox = new Inbox();
        InProcessAlerts.send(handlers, message, user, inbox);
        Awaitility.await().atMost(WAIT).until(() -> !inbox.received.isEmpty());
        assertThat(inbox.received.get(0)).isInstanceOf(ServerMessage.Ok.class);
    }

    private boolean held(String id) throws Exception {
        return alerts.holds(id).get(5, TimeUnit.SECONDS);
    }

    @Test
    void anAlertLeftBehindIsTakenUpAndGoesToTheCliniciansConnected() throws Exception {
        Inbox bo = connect("dr-bo");
        String id = stoodIn(); // and its adoption was lost

        alerts.takeUpLeftBehind("demo");
        Awaitility.await().atMost(WAIT).until(() -> told(bo, id));

        clock.advance(AlertService.LEFT_BEHIND_EVERY.plusSeconds(1));
        alerts.takeUpLeftBehind("demo"); // held now: nothing twice
        Awaitility.await()
                .during(Duration.ofMillis(500))
                .atMost(WAIT)
                .until(() -> bo.all(ServerMessage.AlertNotice.class).size() == 1);
    }

    /** The store, with its next {@code failing} reads by id or of an organisation's open alerts failing, as a database out of reach fails them. */
    private static final class FailingReads implements AlertStore {
        final AlertStore store;
        /** While set, saves wait for it (and fail with it). */
        volatile @Nullable CompletableFuture<Void> saves;

        final AtomicInteger failing = new AtomicInteger();
        final AtomicInteger reads = new AtomicInteger();

        FailingReads(AlertStore store) {
            this.store = store;
        }

        private <T> CompletionStage<T> read(CompletionStage<T> answer) {
            reads.incrementAndGet();
            if (failing.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return CompletableFuture.failedFuture(new IllegalStateException("the database is out of reach"));
            }
            return answer;
        }

        @Override
        public CompletionStage<Optional<StoredAlert>> find(String org, String id) {
            return read(store.find(org, id));
        }

        @Override
        public CompletionStage<List<StoredAlert>> unclosed(String org) {
            return read(store.unclosed(org));
        }

        @Override
        public CompletionStage<Void> save(StoredAlert alert) {
            CompletableFuture<Void> gate = saves;
            return gate == null ? store.save(alert) : gate.thenCompose(v -> store.save(alert));
        }

        @Override
        public CompletionStage<Boolean> saveNew(StoredAlert alert) {
            return store.saveNew(alert);
        }

        @Override
        public CompletionStage<List<StoredAlert>> unclosed() {
            return store.unclosed();
        }

        @Override
        public CompletionStage<List<StoredAlert>> unclosedOf(String org, String client) {
            return store.unclosedOf(org, client);
        }

        @Override
        public CompletionStage<Set<String>> overdue(Instant before, int limit) {
            return store.overdue(before, limit);
        }

        @Override
        public CompletionStage<Integer> purgeClosed(Instant before) {
            return store.purgeClosed(before);
        }

        @Override
        public CompletionStage<List<StoredAlert>> search(AlertSearch search) {
            return store.search(search);
        }
    }
}
