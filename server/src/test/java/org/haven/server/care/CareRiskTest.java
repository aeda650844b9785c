package org.haven.server.care;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.haven.protocol.Care;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Refusal;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.server.audit.AuditRecord;
import org.haven.server.audit.InMemoryAuditTrail;
import org.haven.server.auth.Principal;
import org.haven.server.presence.UserRef;
import org.junit.jupiter.api.Test;

/**
 * A client's assessed risk ({@code care.risk.set}): set by the care team as a clinician edits the
 * plan (a clinician of a room the client is in, a supervisor of the organisation), never by the
 * client, not even their own; versioned, audited, read with the care record, and kept in the node's
 * copies so an alert raised while the store stalls still knows it.
 */
class CareRiskTest {

    private static final Instant T0 = Instant.parse("2030-01-02T03:04:05Z");
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    private final InMemoryCareStore store = new InMemoryCareStore();
    private final InMemoryAuditTrail audit = new InMemoryAuditTrail(clock);
    private final RoomAffiliations affiliations = new RoomAffiliations();
    private final CareService care = service(store);
    private final UserRef alice = new UserRef("demo", "alice");

    {
        affiliations.add(alice, "group-1");
    }

    private CareService service(CareStore store) {
        return new CareService(
                store, affiliations, CrisisResources.load(null), audit, clock, Duration.ofHours(4), Set.of());
    }

    private static Principal principal(String user, Role role, String... rooms) {
        return new Principal(user, "demo", role, Set.of(rooms), null, "t-" + user, T0.plusSeconds(3600));
    }

    private static ClientMessage.RiskSet high(String client) {
        return new ClientMessage.RiskSet(
                "r-1", client, Care.RiskLevel.HIGH, Care.RiskSource.C_SSRS, T0.minus(Duration.ofDays(2)));
    }

    private static ErrorCode refusal(Runnable call) {
        Throwable[] thrown = new Throwable[1];
        assertThatThrownBy(call::run).isInstanceOfSatisfying(Refusal.class, r -> thrown[0] = r);
        return ((Refusal) thrown[0]).code();
    }

    private AuditRecord lastAudit() {
        return audit.records().get(audit.records().size() - 1);
    }

    @Test
    void aClinicianOfTheClientsRoomSetsItAndReadsItWithTheRecord() {
        Principal bo = principal("dr-bo", Role.CLINICIAN, "group-1");
        assertThat(care.setRisk(bo, high("alice"))).succeedsWithin(WAIT).isEqualTo(new Result.CareVersion("alice", 1));
        assertThat(lastAudit().action()).isEqualTo("care.risk.set");
        assertThat(lastAudit().outcome()).isEqualTo("ok");
        assertThat(lastAudit().details())
                .as("the audit says which version, not the level")
                .containsOnlyKeys("version");

        Principal lee = principal("sup-lee", Role.SUPERVISOR);
        assertThat(care.setRisk(lee, new ClientMessage.RiskSet("r-2", "alice", Care.RiskLevel.MODERATE, null, null)))
                .succeedsWithin(WAIT)
                .isEqualTo(new Result.CareVersion("alice", 2));

        assertThat(care.readRecord(bo, new ClientMessage.CareRecordGet("r-3", "alice", "group-1")))
                .succeedsWithin(WAIT)
                .extracting(Result.CareRecord::risk)
                .isEqualTo(new Care.Versioned<>(2, new Care.Risk(Care.RiskLevel.MODERATE, null, null), "sup-lee", T0));
    }

    @Test
    void aClientMayNotSetARiskNotEvenTheirOwn() {
        Principal client = principal("alice", Role.CLIENT, "group-1");
        assertThat(refusal(() -> care.setRisk(client, high("alice")))).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(refusal(() -> care.setRisk(client, high("bob")))).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(lastAudit().action()).isEqualTo("care.risk.set");
        assertThat(lastAudit().outcome()).isEqualTo("refused:forbidden");
        assertThat(store.risk(alice)).succeedsWithin(WAIT).isEqualTo(Optional.empty());
    }

    @Test
    void whoMayNotEditThePlanMayNotSetTheRisk() {
        // As care.plan.set with a client named: the clinician must share a room with the client.
        assertThat(refusal(() -> care.setRisk(principal("dr-eve", Role.CLINICIAN, "group-2"), high("alice"))))
                .isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(refusal(() -> care.setPlan(
                        principal("dr-eve", Role.CLINICIAN, "group-2"),
                        new ClientMessage.PlanSet("r-1", "alice", CareStoreContract.largestPlan(0)))))
                .isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(refusal(() -> care.setRisk(principal("sam", Role.SUPPORT, "group-1"), high("alice"))))
                .isEqualTo(ErrorCode.FORBIDDEN);
        Principal elsewhere =
                new Principal("sup-x", "other", Role.SUPERVISOR, Set.of(), null, "t-x", T0.plusSeconds(3600));
        assertThat(care.setRisk(elsewhere, high("alice")))
                .as("a supervisor of another organisation sets the risk of that organisation's alice")
                .succeedsWithin(WAIT);
        assertThat(store.risk(alice)).succeedsWithin(WAIT).isEqualTo(Optional.empty());
    }

    @Test
    void anAssessmentLaterThanNowIsInvalid() {
        Principal bo = principal("dr-bo", Role.CLINICIAN, "group-1");
        ClientMessage.RiskSet tomorrow =
                new ClientMessage.RiskSet("r-1", "alice", Care.RiskLevel.LOW, null, T0.plus(Duration.ofDays(1)));
        assertThat(refusal(() -> care.setRisk(bo, tomorrow))).isEqualTo(ErrorCode.INVALID_MESSAGE);
        ClientMessage.RiskSet skewed =
                new ClientMessage.RiskSet("r-2", "alice", Care.RiskLevel.LOW, null, T0.plus(CareService.CLOCK_SKEW));
        assertThat(care.setRisk(bo, skewed))
                .as("a device clock a little ahead is not an error")
                .succeedsWithin(WAIT);
    }

    /** The store stalls: the alert's snapshot still has the risk this node set. */
    @Test
    void aRiskSetThroughThisNodeIsInTheSnapshotWhenTheStoreDoesNotAnswer() throws Exception {
        CompletableFuture<Void> stall = new CompletableFuture<>();
        CareStore stalling = (CareStore) java.lang.reflect.Proxy.newProxyInstance(
                CareStore.class.getClassLoader(),
                new Class<?>[] {CareStore.class},
                (proxy, method, args) -> method.getName().equals("risk")
                        ? stall.thenCompose(v -> store.risk(alice))
                        : method.invoke(store, args));
        CareService node = service(stalling);
        assertThat(node.setRisk(principal("dr-bo", Role.CLINICIAN, "group-1"), high("alice")))
                .succeedsWithin(WAIT);

        CareSnapshot snapshot = node.snapshot(alice, "group-1", Duration.ofMillis(100))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        assertThat(snapshot.risk()).isEqualTo(high("alice").risk());
        assertThat(service(stalling)
                        .snapshot(alice, "group-1", Duration.ofMillis(100))
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS)
                        .risk())
                .as("another node, which has no copy, does not know it yet")
                .isNull();
        stall.complete(null);
    }
}
