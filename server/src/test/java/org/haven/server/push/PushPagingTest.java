package org.haven.server.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.haven.protocol.Alerts;
import org.haven.protocol.Role;
import org.haven.server.alert.AlertPaging;
import org.haven.server.alert.EscalationPolicy;
import org.haven.server.audit.InMemoryAuditTrail;
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
        return new PushPaging(
                store,
                audit,
                VapidKeys.generate("mailto:ops@example.org"),
                PushSettings.defaults(),
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
        paging.reached(new AlertPaging.Reach(
                "demo", "a-1", Alerts.Severity.IMMINENT, "group-1", FACILITATORS, 0, false, Set.of(), Set.of()));
        Awaitility.await().atMost(WAIT).until(() -> pages(bo) == 2);
        assertThat(service.requests(bo))
                .extracting(p -> p.body().length)
                .as("high and imminent: the push service cannot tell them apart by size")
                .containsOnly(service.requests(bo).get(0).body().length);
        assertThat(service.requests(bo))
                .extracting(p -> p.text().strip())
                .as("in either order: the two reports are read on the sender's two threads")
                .anySatisfy(t -> assertThat(t).contains("\"severity\":\"imminent\""))
                .anySatisfy(t -> assertThat(t).contains("\"severity\":\"high\""));
    }
}
