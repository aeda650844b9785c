package org.haven.server.care;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.haven.protocol.Care;
import org.haven.server.presence.UserRef;
import org.haven.server.testing.MutableClock;
import org.junit.jupiter.api.Test;

/**
 * The guarantees of {@link CareStore}, run against every implementation: extend it and supply a
 * fresh, empty store.
 */
public abstract class CareStoreContract {

    /** A new, empty store keeping at most {@code versionsKept} versions of each record of a client. */
    protected abstract CareStore newStore(int versionsKept);

    /**
     * Whether {@link CareStore#purgeSuperseded} deletes (true), or the store's history is bounded
     * by the quota only (Redis).
     */
    protected boolean purgesByTime() {
        return true;
    }

    private CareStore store;

    protected final CareStore store() {
        return store(CareStore.DEFAULT_VERSIONS_KEPT);
    }

    /** This test's store, made on first use with quota {@code versionsKept}. */
    protected final CareStore store(int versionsKept) {
        if (store == null) {
            store = newStore(versionsKept);
        }
        return store;
    }

    private static final Instant T0 = Instant.parse("2030-01-02T03:04:05Z");
    private final UserRef alice = new UserRef("demo", "alice");

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static Care.CheckIn checkIn(String id, String room, String street) {
        return checkIn(id, room, street, T0);
    }

    private static Care.CheckIn checkIn(String id, String room, String street, Instant at) {
        return new Care.CheckIn(
                id,
                "alice",
                room,
                new Care.Address(street, null, "Springfield", null, null, "US"),
                null,
                "+15551234567",
                true,
                at);
    }

    private static List<Care.EmergencyContact> contacts(String name) {
        return List.of(new Care.EmergencyContact(name, "sister", "+15557654321", true));
    }

    /** A safety plan as large as the protocol allows: six sections of 20 entries of 500 characters. */
    public static Care.SafetyPlan largestPlan(int seed) {
        List<String> section = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            section.add(Character.toString('a' + (seed + i) % 26).repeat(500));
        }
        return new Care.SafetyPlan(section, section, section, section, section, section);
    }

    private static Care.SafetyPlan plan(String warningSign) {
        return new Care.SafetyPlan(List.of(warningSign), List.of("walk"), List.of(), List.of(), List.of(), List.of());
    }

    @Test
    void aNewClientHasNoRecords() throws Exception {
        assertThat(await(store().latestCheckIn(alice, "group-1"))).isEmpty();
        assertThat(await(store().contacts(alice))).isEmpty();
        assertThat(await(store().plan(alice))).isEmpty();
        assertThat(await(store().risk(alice))).isEmpty();
        assertThat(await(store().versions(alice, CareStore.Part.RISK))).isEmpty();
    }

    @Test
    void theLatestCheckInCountsPerRoom() throws Exception {
        CareStore store = store();
        Care.CheckIn first = checkIn("ci-1", "group-1", "1 Main St");
        Care.CheckIn other = checkIn("ci-2", "family:2", "2 Side St");
        Care.CheckIn moved = checkIn("ci-3", "group-1", "3 New St");
        assertThat(await(store.recordCheckIn(alice, first))).isEqualTo(first);
        await(store.recordCheckIn(alice, other));
        assertThat(await(store.latestCheckIn(alice, "group-1"))).contains(first);
        await(store.recordCheckIn(alice, moved));
        assertThat(await(store.latestCheckIn(alice, "group-1"))).contains(moved);
        assertThat(await(store.latestCheckIn(alice, "family:2"))).contains(other);
    }

    @Test
    void contactsAreVersionedFromOne() throws Exception {
        CareStore store = store();
        Care.Versioned<List<Care.EmergencyContact>> v1 =
                await(store.appendContacts(alice, contacts("Bo"), "alice", T0));
        assertThat(v1.version()).isEqualTo(1);
        Care.Versioned<List<Care.EmergencyContact>> v2 =
                await(store.appendContacts(alice, contacts("Cy"), "dr-kay", T0.plusSeconds(1)));
        assertThat(v2).isEqualTo(new Care.Versioned<>(2, contacts("Cy"), "dr-kay", T0.plusSeconds(1)));
        assertThat(await(store.contacts(alice))).contains(v2);
    }

    @Test
    void safetyPlansAreVersionedFromOne() throws Exception {
        CareStore store = store();
        assertThat(await(store.appendPlan(alice, plan("insomnia"), "dr-kay", T0))
                        .version())
                .isEqualTo(1);
        Care.Versioned<Care.SafetyPlan> v2 = await(store.appendPlan(alice, plan("isolation"), "dr-kay", T0));
        assertThat(v2.version()).isEqualTo(2);
        assertThat(await(store.plan(alice))).contains(v2);
    }

    private static final Care.Risk HIGH_BY_SCREENING =
            new Care.Risk(Care.RiskLevel.HIGH, Care.RiskSource.C_SSRS, T0.minus(Duration.ofDays(3)));

    @Test
    void risksAreVersionedFromOneAndKeepWhatWasSaid() throws Exception {
        CareStore store = store();
        Care.Versioned<Care.Risk> v1 = await(store.appendRisk(alice, HIGH_BY_SCREENING, "dr-kay", T0));
        assertThat(v1).isEqualTo(new Care.Versioned<>(1, HIGH_BY_SCREENING, "dr-kay", T0));
        assertThat(await(store.risk(alice))).contains(v1);

        Care.Risk judged = new Care.Risk(Care.RiskLevel.LOW, null, null);
        Care.Versioned<Care.Risk> v2 = await(store.appendRisk(alice, judged, "sup-lee", T0.plusSeconds(60)));
        assertThat(v2.version()).isEqualTo(2);
        assertThat(await(store.risk(alice)))
                .as("the current version, its absent source and time absent still")
                .contains(new Care.Versioned<>(2, judged, "sup-lee", T0.plusSeconds(60)));
        assertThat(await(store.versions(alice, CareStore.Part.RISK))).containsExactly(1L, 2L);
    }

    @Test
    void aRiskIsARecordOfItsOwn() throws Exception {
        CareStore store = store();
        await(store.appendPlan(alice, plan("insomnia"), "dr-kay", T0));
        await(store.appendPlan(alice, plan("isolation"), "dr-kay", T0));
        assertThat(await(store.appendRisk(alice, HIGH_BY_SCREENING, "dr-kay", T0))
                        .version())
                .as("numbered apart from the plan")
                .isEqualTo(1);
        assertThat(await(store.plan(alice)).orElseThrow().version()).isEqualTo(2);
        assertThat(await(store.risk(new UserRef("demo", "bob")))).isEmpty();
        assertThat(await(store.risk(new UserRef("other", "alice")))).isEmpty();
    }

    @Test
    void appendsAtOnceGetDistinctVersions() throws Exception {
        CareStore store = store();
        List<CompletionStage<Care.Versioned<Care.SafetyPlan>>> appends = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            appends.add(store.appendPlan(alice, plan("sign " + i), "dr-kay", T0));
        }
        List<Long> versions = new ArrayList<>();
        for (CompletionStage<Care.Versioned<Care.SafetyPlan>> a : appends) {
            versions.add(await(a).version());
        }
        assertThat(versions)
                .containsExactlyInAnyOrderElementsOf(
                        java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
        assertThat(await(store.plan(alice)).orElseThrow().version()).isEqualTo(20);
    }

    @Test
    void clientsAndOrganisationsAreSeparate() throws Exception {
        CareStore store = store();
        await(store.appendContacts(alice, contacts("Bo"), "alice", T0));
        await(store.recordCheckIn(alice, checkIn("ci-1", "group-1", "1 Main St")));
        UserRef elsewhere = new UserRef("other", "alice");
        assertThat(await(store.contacts(elsewhere))).isEmpty();
        assertThat(await(store.latestCheckIn(elsewhere, "group-1"))).isEmpty();
        assertThat(await(store.contacts(new UserRef("demo", "bob")))).isEmpty();
    }

    @Test
    void aClientKeepsAtMostTheQuotaOfVersionsOfEachRecord() throws Exception {
        CareStore store = store(3);
        assertThat(store.versionsKept()).isEqualTo(3);
        for (int i = 1; i <= 7; i++) {
            await(store.appendPlan(alice, plan("sign " + i), "dr-kay", T0.plusSeconds(i)));
        }
        await(store.appendContacts(alice, contacts("Bo"), "alice", T0));
        UserRef bob = new UserRef("demo", "bob");
        await(store.appendPlan(bob, plan("bob's"), "dr-kay", T0));

        assertThat(await(store.versions(alice, CareStore.Part.PLAN)))
                .as("the oldest went with the appends past the quota")
                .containsExactly(5L, 6L, 7L);
        assertThat(await(store.plan(alice)))
                .contains(new Care.Versioned<>(7, plan("sign 7"), "dr-kay", T0.plusSeconds(7)));
        assertThat(await(store.versions(alice, CareStore.Part.CONTACTS))).containsExactly(1L);
        for (int i = 1; i <= 4; i++) {
            await(store.appendRisk(
                    alice, new Care.Risk(Care.RiskLevel.MODERATE, null, null), "dr-kay", T0.plusSeconds(i)));
        }
        assertThat(await(store.versions(alice, CareStore.Part.RISK)))
                .as("the risk within the same quota")
                .containsExactly(2L, 3L, 4L);
        assertThat(await(store.risk(alice)).orElseThrow().version()).isEqualTo(4);
        assertThat(await(store.versions(bob, CareStore.Part.PLAN)))
                .as("another client's record is their own")
                .containsExactly(1L);
        assertThat(await(store.appendPlan(alice, plan("sign 8"), "dr-kay", T0)).version())
                .as("numbering goes on past the versions removed")
                .isEqualTo(8);
    }

    @Test
    void aQuotaOfOneKeepsTheCurrentVersionOnly() throws Exception {
        CareStore store = store(1);
        for (int i = 1; i <= 3; i++) {
            await(store.appendContacts(alice, contacts("C" + i), "alice", T0.plusSeconds(i)));
        }
        assertThat(await(store.versions(alice, CareStore.Part.CONTACTS))).containsExactly(3L);
        assertThat(await(store.contacts(alice)).orElseThrow().value()).isEqualTo(contacts("C3"));
    }

    @Test
    void appendsAtOnceBeyondTheQuotaKeepTheNewest() throws Exception {
        CareStore store = store(5);
        List<CompletionStage<Care.Versioned<Care.SafetyPlan>>> appends = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            appends.add(store.appendPlan(alice, plan("sign " + i), "dr-kay", T0));
        }
        for (CompletionStage<Care.Versioned<Care.SafetyPlan>> a : appends) {
            await(a);
        }
        assertThat(await(store.versions(alice, CareStore.Part.PLAN))).containsExactly(26L, 27L, 28L, 29L, 30L);
        assertThat(await(store.plan(alice)).orElseThrow().version()).isEqualTo(30);
    }

    @Test
    void aRoomsCheckInsAreKeptUpToTheQuota() throws Exception {
        CareStore store = store(2);
        for (int i = 1; i <= 5; i++) {
            await(store.recordCheckIn(alice, checkIn("ci-" + i, "group-1", i + " Main St", T0.plusSeconds(i))));
        }
        await(store.recordCheckIn(alice, checkIn("ci-other", "family:2", "2 Side St")));
        assertThat(await(store.checkInCount(alice, "group-1"))).isBetween(1, 2);
        assertThat(await(store.latestCheckIn(alice, "group-1")).orElseThrow().id())
                .isEqualTo("ci-5");
        assertThat(await(store.checkInCount(alice, "family:2"))).isEqualTo(1);
        assertThat(await(store.latestCheckIn(alice, "family:2")).orElseThrow().id())
                .isEqualTo("ci-other");
    }

    @Test
    void aSupersededRiskGoesAfterTheRetentionTheCurrentNever() throws Exception {
        assumeTrue(purgesByTime(), "this store's history is bounded by the quota only");
        CareStore store = store();
        await(store.appendRisk(alice, HIGH_BY_SCREENING, "dr-kay", T0));
        Care.Risk lower = new Care.Risk(Care.RiskLevel.MODERATE, Care.RiskSource.CLINICAL_JUDGEMENT, null);
        Instant later = T0.plus(Duration.ofDays(30));
        await(store.appendRisk(alice, lower, "dr-kay", later));

        assertThat(await(store.purgeSuperseded(later.minusSeconds(1))))
                .as("superseded a second after the retention's cut")
                .isZero();
        assertThat(await(store.purgeSuperseded(later.plusSeconds(1)))).isEqualTo(1);
        assertThat(await(store.versions(alice, CareStore.Part.RISK))).containsExactly(2L);
        assertThat(await(store.purgeSuperseded(later.plus(Duration.ofDays(99_999)))))
                .as("the current one never goes")
                .isZero();
        assertThat(await(store.risk(alice))).contains(new Care.Versioned<>(2, lower, "dr-kay", later));
    }

    /**
     * Retention by a clock: a version goes once it has been superseded for longer than the
     * retention (counted from the version that superseded it), the current one never.
     */
    @Test
    void supersededVersionsGoAfterTheRetentionTheCurrentNever() throws Exception {
        assumeTrue(purgesByTime(), "this store's history is bounded by the quota only");
        CareStore store = store();
        MutableClock clock = new MutableClock(T0);
        Duration retention = Duration.ofDays(2190);
        await(store.appendPlan(alice, plan("v1"), "dr-kay", clock.instant()));
        await(store.recordCheckIn(alice, checkIn("ci-1", "group-1", "1 Main St", clock.instant())));
        await(store.appendContacts(alice, contacts("Bo"), "alice", clock.instant()));
        clock.advance(Duration.ofDays(10));
        await(store.appendPlan(alice, plan("v2"), "dr-kay", clock.instant()));
        await(store.recordCheckIn(alice, checkIn("ci-2", "group-1", "2 Main St", clock.instant())));
        clock.advance(Duration.ofDays(10));
        await(store.appendPlan(alice, plan("v3"), "dr-kay", clock.instant()));
        Instant lastSave = clock.instant();

        clock.advance(retention);
        assertThat(await(store.purgeSuperseded(clock.instant().minus(retention))))
                .as("v1 was superseded 10 days ago, short of the retention")
                .isEqualTo(1 + 1); // v1 of the plan, ci-1
        assertThat(await(store.versions(alice, CareStore.Part.PLAN))).containsExactly(2L, 3L);
        assertThat(await(store.checkInCount(alice, "group-1"))).isEqualTo(1);

        clock.advance(Duration.ofDays(20));
        assertThat(await(store.purgeSuperseded(clock.instant().minus(retention))))
                .isEqualTo(1);
        assertThat(await(store.versions(alice, CareStore.Part.PLAN))).containsExactly(3L);
        assertThat(await(store.plan(alice)))
                .as("the current version stays, however old")
                .contains(new Care.Versioned<>(3, plan("v3"), "dr-kay", lastSave));
        assertThat(await(store.contacts(alice))).isPresent();
        assertThat(await(store.latestCheckIn(alice, "group-1")).orElseThrow().id())
                .isEqualTo("ci-2");
        assertThat(await(store.purgeSuperseded(clock.instant().plus(Duration.ofDays(99_999)))))
                .as("nothing superseded is left")
                .isZero();
    }
}
