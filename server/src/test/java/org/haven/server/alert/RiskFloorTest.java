package org.haven.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.haven.protocol.Alerts;
import org.haven.protocol.Alerts.Severity;
import org.haven.protocol.Care;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.ProtocolCodec;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.audit.AuditRecord;
import org.haven.server.audit.InMemoryAuditTrail;
import org.haven.server.care.CareStore;
import org.haven.server.care.InMemoryCareStore;
import org.haven.server.presence.UserRef;
import org.haven.server.request.Handlers;
import org.haven.server.testing.Inbox;
import org.haven.server.testing.MutableClock;
import org.haven.server.threads.NodeThreads;
import org.haven.server.webhook.WebhookNotifier;
import org.haven.server.webhook.WebhookSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A help press of a client whose care record carries a risk is raised at least at its floor (high
 * → high, moderate → moderate, low → as pressed), and so reaches whom and when that severity
 * reaches; responders see the risk and what was pressed. So is a press that joins the open alert, a
 * press stood in for, and a press raised before its risk could be read: the risk, found after the
 * raise, lifts it then. A clinician's flag keeps its severity. In process: the clock is stepped and
 * the alert thread ticked by hand.
 */
class RiskFloorTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final UserRef ALICE = new UserRef("demo", "alice");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T10:00:00Z"));
    private final InMemoryAuditTrail audit = new InMemoryAuditTrail(clock);
    private final InMemoryCareStore careStore = new InMemoryCareStore();
    /** Risk reads wait for this while it is incomplete (a store that stalls); every other read does not. */
    private volatile CompletableFuture<Void> riskReads = CompletableFuture.completedFuture(null);

    private final CareStore stallingRisk = (CareStore) Proxy.newProxyInstance(
            CareStore.class.getClassLoader(),
            new Class<?>[] {CareStore.class},
            (proxy, method, args) -> method.getName().equals("risk")
                    ? riskReads.thenCompose(v -> careStore.risk((UserRef) args[0]))
                    : method.invoke(careStore, args));
    private final NodeThreads threads = new NodeThreads();
    private final WebhookNotifier webhooks = new WebhookNotifier(WebhookSettings.disabled(), clock, threads);
    private final InMemoryAlertStore store = new InMemoryAlertStore();
    private final AlertService alerts = InProcessAlerts.over(store, stallingRisk, audit, webhooks, clock, threads);
    private final Handlers handlers = new Handlers();

    {
        alerts.register(handlers);
    }

    @AfterEach
    void stop() {
        riskReads.complete(null);
        alerts.close();
        webhooks.close();
        audit.close();
        threads.close();
    }

    private void assess(Care.RiskLevel level) {
        careStore
                .appendRisk(ALICE, new Care.Risk(level, Care.RiskSource.C_SSRS, null), "dr-bo", clock.instant())
                .toCompletableFuture()
                .join();
    }

    private Inbox connect(String user, Role role, PresenceStatus status, String... rooms) {
        return InProcessAlerts.connect(alerts, user, role, status, rooms);
    }

    private String raise(Severity severity) {
        return InProcessAlerts.raise(handlers, severity);
    }

    private static ServerMessage.AlertNotice last(Inbox inbox) {
        List<ServerMessage.AlertNotice> all = inbox.all(ServerMessage.AlertNotice.class);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    private static List<String> events(Alerts.View view) {
        return view.history().stream().map(Alerts.HistoryEntry::event).toList();
    }

    private static String detailOf(Alerts.View view, String event) {
        return view.history().stream()
                .filter(e -> e.event().equals(event))
                .reduce((first, second) -> second)
                .orElseThrow()
                .detail();
    }

    /** Steps the clock and ticks; the tick is done when this returns. */
    private void after(Duration d) {
        clock.advance(d);
        alerts.tickNow().join();
    }

    @Test
    void aModeratePressOfAHighRiskClientIsRaisedHighAndReachesWhomHighReachesWhenHighDoes() {
        assess(Care.RiskLevel.HIGH);
        Inbox bo = connect("dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
        Inbox onCall = connect("dr-on", Role.CLINICIAN, PresenceStatus.ON_CALL);
        raise(Severity.MODERATE);
        Awaitility.await().atMost(WAIT).until(() -> last(bo) != null);

        Alerts.View seen = last(bo).alert();
        assertThat(seen.severity()).isEqualTo(Severity.HIGH);
        assertThat(seen.risk()).isEqualTo(new Care.Risk(Care.RiskLevel.HIGH, Care.RiskSource.C_SSRS, null));
        assertThat(events(seen)).containsExactly("raised", "risk_floor");
        assertThat(detailOf(seen, "risk_floor"))
                .as("what was pressed, what it was raised to, and why")
                .isEqualTo("moderate -> high (risk high)");
        assertThat(seen.version()).as("still the raise").isEqualTo(1);
        AuditRecord raised = audit.records().stream()
                .filter(r -> r.action().equals("alert.raise"))
                .findFirst()
                .orElseThrow();
        assertThat(raised.details()).containsEntry("severity", "HIGH");

        after(Duration.ofSeconds(59));
        assertThat(last(onCall)).isNull();
        after(Duration.ofSeconds(1));
        assertThat(last(onCall)).as("HIGH's 60 s, not MODERATE's 3 minutes").isNotNull();
        assertThat(last(onCall).reason()).isEqualTo(ServerMessage.AlertReason.ESCALATED);
        assertThat(last(onCall).alert().tier()).isEqualTo("on_call");
        assertThat(last(onCall).alert().risk().level()).isEqualTo(Care.RiskLevel.HIGH);
    }

    @Test
    void aLowRiskClientsPressIsRaisedAsPressed() {
        assess(Care.RiskLevel.LOW);
        Inbox bo = connect("dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
        Inbox onCall = connect("dr-on", Role.CLINICIAN, PresenceStatus.ON_CALL);
        raise(Severity.MODERATE);
        Awaitility.await().atMost(WAIT).until(() -> last(bo) != null);

        Alerts.View seen = last(bo).alert();
        assertThat(seen.severity()).isEqualTo(Severity.MODERATE);
        assertThat(seen.risk().level())
                .as("responders see the risk all the same")
                .isEqualTo(Care.RiskLevel.LOW);
        assertThat(events(seen)).doesNotContain("risk_floor");
        after(Duration.ofSeconds(60));
        assertThat(last(onCall)).as("MODERATE's 3 minutes").isNull();
    }

    @Test
    void aFloorNeverLowersAPress() {
        assess(Care.RiskLevel.MODERATE);
        Inbox kim = connect("sup-kim", Role.SUPERVISOR, PresenceStatus.AVAILABLE);
        raise(Severity.IMMINENT);
        Awaitility.await().atMost(WAIT).until(() -> last(kim) != null);
        assertThat(last(kim).alert().severity()).isEqualTo(Severity.IMMINENT);
        assertThat(events(last(kim).alert())).doesNotContain("risk_floor");
    }

    @Test
    void aPressThatJoinsTheOpenAlertCountsAtTheFloor() {
        assess(Care.RiskLevel.HIGH);
        Inbox bo = connect("dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
        Inbox onCall = connect("dr-on", Role.CLINICIAN, PresenceStatus.ON_CALL);
        // A supervisor flagged the client LOW (a flag has no floor); the client then presses MODERATE.
        InProcessAlerts.send(
                handlers,
                new ClientMessage.AlertFlag("f-1", "alice", "group-1", Alerts.Kind.OTHER, Severity.LOW, null),
                InProcessAlerts.principal("sup-kim", Role.SUPERVISOR),
                new Inbox());
        Awaitility.await().atMost(WAIT).until(() -> last(bo) != null);
        String id = last(bo).alert().id();
        assertThat(last(bo).alert().severity()).isEqualTo(Severity.LOW);

        clock.advance(Duration.ofSeconds(10));
        assertThat(raise(Severity.MODERATE))
                .as("the press joins the open alert")
                .isEqualTo(id);
        Awaitility.await().atMost(WAIT).until(() -> last(bo).alert().severity() == Severity.HIGH);

        Alerts.View seen = last(bo).alert();
        assertThat(seen.presses()).isEqualTo(2);
        assertThat(events(seen)).containsSubsequence("raised", "pressed_again", "risk_floor");
        assertThat(detailOf(seen, "pressed_again")).as("the press as pressed").isEqualTo("moderate");
        assertThat(detailOf(seen, "risk_floor")).isEqualTo("moderate -> high (risk high)");

        after(Duration.ofSeconds(60));
        assertThat(last(onCall))
                .as("acknowledged within HIGH's 60 s of the press, or on call is told")
                .isNotNull();
    }

    @Test
    void aRiskTheStoreCouldNotGiveAtThePressLiftsTheAlertWhenItIsFound() {
        assess(Care.RiskLevel.HIGH);
        riskReads = new CompletableFuture<>(); // the store stalls on the risk
        Inbox bo = connect("dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
        Inbox onCall = connect("dr-on", Role.CLINICIAN, PresenceStatus.ON_CALL);
        raise(Severity.MODERATE);
        Awaitility.await().atMost(WAIT).until(() -> last(bo) != null);
        assertThat(last(bo).alert().severity())
                .as("raised as pressed: nobody could tell the risk in time")
                .isEqualTo(Severity.MODERATE);
        assertThat(last(bo).alert().risk()).isNull();

        clock.advance(Duration.ofSeconds(20));
        riskReads.complete(null); // the store answers again; the record is read again after the raise
        Awaitility.await().atMost(WAIT).until(() -> last(bo).alert().severity() == Severity.HIGH);
        ServerMessage.AlertNotice lifted = last(bo);
        assertThat(lifted.alert().risk().level()).isEqualTo(Care.RiskLevel.HIGH);
        assertThat(events(lifted.alert())).containsSubsequence("raised", "care_updated", "risk_floor");
        assertThat(detailOf(lifted.alert(), "risk_floor")).isEqualTo("moderate -> high (risk high)");
        assertThat(lifted.reason())
                .as("in a session MODERATE and HIGH start at the same tier: an update")
                .isEqualTo(ServerMessage.AlertReason.UPDATED);

        after(Duration.ofSeconds(59));
        assertThat(last(onCall)).isNull();
        after(Duration.ofSeconds(1));
        assertThat(last(onCall)).as("HIGH's 60 s from the lift").isNotNull();
    }

    @Test
    void aPressStoodInForIsRaisedAtTheFloor() throws Exception {
        assess(Care.RiskLevel.HIGH);
        StandIn.Raised raised = alerts.raise(
                        InProcessAlerts.principal("alice", Role.CLIENT, "group-1"),
                        new ClientMessage.AlertRaise("r-1", "group-1", null, Severity.MODERATE),
                        "c-old",
                        StandIn.Seen.NOTHING)
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        assertThat(raised.stored().toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isTrue();
        Alerts.View stored = store.get(raised.answer().alert()).view();
        assertThat(stored.severity()).isEqualTo(Severity.HIGH);
        assertThat(stored.risk().level()).isEqualTo(Care.RiskLevel.HIGH);
        assertThat(detailOf(stored, "risk_floor")).isEqualTo("moderate -> high (risk high)");
        assertThat(((ServerMessage.AlertNotice) ProtocolCodec.instance()
                                .decodeServer(raised.frame().text()))
                        .alert()
                        .severity())
                .as("the care team connected anywhere is pushed it at that severity")
                .isEqualTo(Severity.HIGH);
    }

    @Test
    void aClinicianFlagKeepsTheSeverityTheClinicianChose() {
        assess(Care.RiskLevel.HIGH);
        Inbox bo = connect("dr-bo", Role.CLINICIAN, PresenceStatus.AVAILABLE, "group-1");
        InProcessAlerts.send(
                handlers,
                new ClientMessage.AlertFlag(
                        "f-1", "alice", "group-1", Alerts.Kind.DEPRESSIVE_EPISODE, Severity.LOW, null),
                InProcessAlerts.principal("sup-kim", Role.SUPERVISOR),
                new Inbox());
        Awaitility.await().atMost(WAIT).until(() -> last(bo) != null);
        assertThat(last(bo).alert().severity()).isEqualTo(Severity.LOW);
        assertThat(last(bo).alert().risk().level())
                .as("the risk is shown, not applied")
                .isEqualTo(Care.RiskLevel.HIGH);
        assertThat(events(last(bo).alert())).doesNotContain("risk_floor");
    }
}
