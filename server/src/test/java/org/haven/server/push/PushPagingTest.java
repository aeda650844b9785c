package org.haven.server.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.haven.protocol.Alerts;
import org.haven.protocol.Role;
import org.haven.server.alert.AlertPaging;
import org.haven.server.alert.EscalationPolicy;
import org.haven.server.audit.InMemoryAuditTrail;
import org.haven.server.presence.UserRef;
import org.haven.server.threads.NodeThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Whom paging pages for where an alert stands, against a local push service: the people its reached
 * tiers hold (facilitators by room grant, on call by status, supervisors by role), not those
 * connected (nor, unless configured, those only away), once per person per step on each device, and
 * nobody once the alert is acknowledged.
 */
class PushPagingTest {

    private static final Duration QUIET = Duration.ofMillis(800);
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final List<EscalationPolicy.Tier> FACILITATORS = List.of(EscalationPolicy.Tier.FACILITATORS);
    private static final List<EscalationPolicy.Tier> ALL = List.of(
            EscalationPolicy.Tier.FACILITATORS, EscalationPolicy.Tier.ON_CALL, EscalationPolicy.Tier.SUPERVISORS);

    private final LocalPushService service = LocalPushService.start();
    private final InMemoryPushSubscriptions store = new InMemoryPushSubscriptions();
    private final NodeThreads threads = new NodeThreads();
    private final InMemoryAuditTrail audit = new InMemoryAuditTrail(Clock.systemUTC());
    private PushPaging paging = paging(true);

    private PushPaging paging(boolean pageWhenAway) {
        return paging(store, pageWhenAway, PushSettings.defaults());
    }

    private PushPaging paging(PushSubscriptions subscriptions, boolean pageWhenAway, PushSettings settings) {
        return new PushPaging(
                subscriptions,
                audit,
                VapidKeys.generate("mailto:ops@example.org"),
                settings,
                pageWhenAway,
                Clock.systemUTC(),
                threads,
                null);
    }

    @AfterEach
    void stop() {
        paging.close();
        service.close();
        audit.close();
        threads.close();
    }

    private LocalPushService.Subscriber subscribed(String user, Role role, boolean onCall, String... rooms) {
        LocalPushService.Subscriber browser = service.subscribe();
        store.save(new PushSubscription(
                        "demo",
                        user,
                        "laptop-" + browser.id(),
                        role,
                        Set.of(rooms),
                        onCall,
                        browser.endpoint(),
                        browser.p256dh(),
                        browser.auth(),
                        Instant.now()))
                .toCompletableFuture()
                .join();
        return browser;
    }

    private static AlertPaging.Reach reach(
            List<EscalationPolicy.Tier> tiers, int step, Set<String> connected, Set<String> away) {
        return new AlertPaging.Reach(
                "demo", "a-1", Alerts.Severity.HIGH, "group-1", tiers, step, false, connected, away);
    }

    private int pages(LocalPushService.Subscriber s) {
        return service.requests(s).size();
    }

    @Test
    void eachTierPagesWhomItHolds() {
        LocalPushService.Subscriber facilitator = subscribed("dr-bo", Role.CLINICIAN, false, "group-1");
        LocalPushService.Subscriber otherRoom = subscribed("dr-cy", Role.CLINICIAN, false, "group-2");
        LocalPushService.Subscriber onCall = subscribed("dr-on", Role.CLINICIAN, true);
        LocalPushService.Subscriber supervisor = subscribed("sup-kim", Role.SUPERVISOR, false);

        paging.reached(reach(FACILITATORS, 0, Set.of(), Set.of()));
        Awaitility.await().atMost(WAIT).until(() -> pages(facilitator) == 1);
        Awaitility.await()
                .during(QUIET)
                .atMost(WAIT)
                .until(() -> pages(otherRoom) + pages(onCall) + pages(supervisor) == 0);

        paging.reached(reach(ALL, 2, Set.of(), Set.of()));
        Awaitility.await().atMost(WAIT).until(() -> pages(onCall) == 1 && pages(supervisor) == 1);
        assertThat(pages(facilitator)).as("paged again: a new step").isEqualTo(2);
        Awaitility.await().during(QUIET).atMost(WAIT).until(() -> pages(otherRoom) == 0);
    }

    @Test
    void oncePerPersonPerStepOnEveryDevice() {
        LocalPushService.Subscriber laptop = subscribed("dr-bo", Role.CLINICIAN, false, "group-1");
        LocalPushService.Subscriber phone = subscribed("dr-bo", Role.CLINICIAN, false, "group-1");

        paging.reached(reach(FACILITATORS, 0, Set.of(), Set.of()));
        paging.reached(reach(FACILITATORS, 0, Set.of(), Set.of()));
        Awaitility.await().atMost(WAIT).until(() -> pages(laptop) == 1 && pages(phone) == 1);
        Awaitility.await().during(QUIET).atMost(WAIT).until(() -> pages(laptop) == 1 && pages(phone) == 1);
        assertThat(audit.records())
                .filteredOn(r -> r.action().equals("push.page"))
                .hasSize(2)
                .allSatisfy(r ->
                        assertThat(r.details()).containsEntry("alert", "a-1").containsEntry("step", "0"));
    }

    @Test
    void whoIsConnectedIsNotPagedWhoIsOnlyAwayIsAsConfigured() {
        LocalPushService.Subscriber bo = subscribed("dr-bo", Role.CLINICIAN, false, "group-1");
        LocalPushService.Subscriber cy = subscribed("dr-cy", Role.CLINICIAN, false, "group-1");

        paging.reached(reach(FACILITATORS, 0, Set.of("dr-bo", "dr-cy"), Set.of("dr-cy")));
        Awaitility.await().atMost(WAIT).until(() -> pages(cy) == 1);
        Awaitility.await().during(QUIET).atMost(WAIT).until(() -> pages(bo) == 0);

        paging.close();
        paging = paging(false);
        paging.reached(reach(FACILITATORS, 1, Set.of("dr-bo", "dr-cy"), Set.of("dr-cy")));
        Awaitility.await().during(QUIET).atMost(WAIT).until(() -> pages(cy) == 1 && pages(bo) == 0);
    }

    @Test
    void anAcknowledgedAlertPagesNobodyUntilItIsRaisedAgain() {
        LocalPushService.Subscriber bo = subscribed("dr-bo", Role.CLINICIAN, false, "group-1");
        paging.reached(reach(FACILITATORS, 0, Set.of(), Set.of()));
        Awaitility.await().atMost(WAIT).until(() -> pages(bo) == 1);
        paging.stop("a-1"); // acknowledged
        Awaitility.await().during(QUIET).atMost(WAIT).until(() -> pages(bo) == 1);

        // Not engaged in time: raised again, at the same step; the responders are woken again.
        paging.reached(reach(FACILITATORS, 0, Set.of(), Set.of()));
        Awaitility.await().atMost(WAIT).until(() -> pages(bo) == 2);
    }

    @Test
    void aHigherSeverityAtTheSameStepPagesAgainAndEveryPageHasOneLength() {
        LocalPushService.Subscriber bo = subscribed("dr-bo", Role.CLINICIAN, false, "group-1");
        paging.reached(reach(FACILITATORS, 0, Set.of(), Set.of()));
        Awaitility.await().atMost(WAIT).until(() -> pages(bo) == 1);
        paging.reached(new AlertPaging.Reach(
                "demo", "a-1", Alerts.Severity.IMMINENT, "group-1", FACILITATORS, 0, false, Set.of(), Set.of()));
        Awaitility.await().atMost(WAIT).until(() -> pages(bo) == 2);
        assertThat(service.requests(bo))
                .extracting(p -> p.body().length)
                .as("high and imminent: the push service cannot tell them apart by size")
                .containsOnly(service.requests(bo).get(0).body().length);
        assertThat(service.requests(bo))
                .extracting(p -> p.text().strip())
                .as("the page before the rise, and the page of the rise")
                .anySatisfy(t -> assertThat(t).contains("\"severity\":\"imminent\""))
                .anySatisfy(t -> assertThat(t).contains("\"severity\":\"high\""));
    }

    /** Retries a tenth of a second apart, so that the tests of reads tried again take no longer than the others. */
    private static final PushSettings QUICK = settings(Duration.ofMillis(100));

    /** The default settings, but for a fixed wait between tries. */
    private static PushSettings settings(Duration backoff) {
        return new PushSettings(
                PushSettings.DEFAULT_MAX_PENDING,
                PushSettings.DEFAULT_MAX_ATTEMPTS,
                backoff,
                backoff,
                PushSettings.DEFAULT_REQUEST_TIMEOUT,
                PushSettings.DEFAULT_TTL);
    }

    @Test
    void aReadOfWhomToPageThatFailsIsTriedAgainUntilTheStoreAnswers() {
        LocalPushService.Subscriber bo = subscribed("dr-bo", Role.CLINICIAN, false, "group-1");
        OutOfReach flaky = new OutOfReach(store, 3);
        paging.close();
        paging = paging(flaky, true, QUICK);

        paging.reached(reach(FACILITATORS, 0, Set.of(), Set.of()));
        Awaitility.await().atMost(WAIT).until(() -> pages(bo) == 1);
        Awaitility.await().during(QUIET).atMost(WAIT).until(() -> pages(bo) == 1);
        assertThat(flaky.reads.get()).as("three failed, the fourth answered").isEqualTo(4);
    }

    @Test
    void aReadTriedAgainEndsOnceTheAlertIsAcknowledged() {
        LocalPushService.Subscriber bo = subscribed("dr-bo", Role.CLINICIAN, false, "group-1");
        OutOfReach down = new OutOfReach(store, Integer.MAX_VALUE);
        paging.close();
        paging = paging(down, true, QUICK);

        paging.reached(reach(FACILITATORS, 0, Set.of(), Set.of()));
        Awaitility.await().atMost(WAIT).until(() -> down.reads.get() >= 3);
        paging.stop("a-1");
        int reads = down.reads.get();
        down.failures.set(0); // the store answers again
        Awaitility.await().during(QUIET).atMost(WAIT).until(() -> pages(bo) == 0);
        assertThat(down.reads.get())
                .as("at most the read under way when it was acknowledged")
                .isLessThanOrEqualTo(reads + 1);
    }

    @Test
    void aReadTriedAgainEndsOnceALaterReachOfTheAlertPagesInstead() {
        LocalPushService.Subscriber bo = subscribed("dr-bo", Role.CLINICIAN, false, "group-1");
        OutOfReach twice = new OutOfReach(store, 2);
        paging.close();
        paging = paging(twice, true, settings(Duration.ofSeconds(2)));

        paging.reached(reach(FACILITATORS, 0, Set.of(), Set.of())); // its read fails, and is tried again
        Awaitility.await()
                .pollInterval(Duration.ofMillis(5))
                .atMost(WAIT)
                .until(() -> twice.reads.get() == 2); // failed again: the next try is in 2 s
        paging.reached(reach(FACILITATORS, 1, Set.of(), Set.of())); // the next step's read answers
        Awaitility.await().atMost(WAIT).until(() -> pages(bo) == 1);
        // Step 0 is not paged late on top of step 1, nor read again (its next try was due within 2 s).
        Awaitility.await().during(Duration.ofMillis(2500)).atMost(WAIT).until(() -> pages(bo) == 1);
        assertThat(twice.reads.get()).as("step 0's two, step 1's one").isEqualTo(3);
        assertThat(audit.records())
                .filteredOn(r -> r.action().equals("push.page"))
                .singleElement()
                .satisfies(r -> assertThat(r.details()).containsEntry("step", "1"));
    }

    /** The subscriptions, with reads of an organisation failing as a database out of reach fails them, {@code failures} times. */
    private static final class OutOfReach implements PushSubscriptions {
        private final PushSubscriptions store;
        final AtomicInteger failures;
        final AtomicInteger reads = new AtomicInteger();

        OutOfReach(PushSubscriptions store, int failures) {
            this.store = store;
            this.failures = new AtomicInteger(failures);
        }

        @Override
        public CompletionStage<List<PushSubscription>> inOrg(String org) {
            reads.incrementAndGet();
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return CompletableFuture.failedFuture(new SQLTransientConnectionException("connection refused"));
            }
            return store.inOrg(org);
        }

        @Override
        public CompletionStage<List<PushSubscription>> save(PushSubscription subscription) {
            return store.save(subscription);
        }

        @Override
        public CompletionStage<Optional<PushSubscription>> remove(UserRef user, String device) {
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
        public CompletionStage<Void> setOnCall(UserRef user, boolean onCall) {
            return store.setOnCall(user, onCall);
        }
    }
}
