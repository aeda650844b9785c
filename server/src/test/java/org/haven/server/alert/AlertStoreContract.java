package org.haven.server.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.haven.protocol.Alerts;
import org.haven.protocol.Care;
import org.haven.server.testing.MutableClock;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The guarantees of {@link AlertStore}, run against every implementation: extend it and supply a
 * fresh, empty store.
 */
public abstract class AlertStoreContract {

    /** A new, empty store. */
    protected abstract AlertStore newStore();

    /**
     * A new store over {@code alerts} written as the version before the search wrote them (no index
     * by time raised), or null when the store keeps nothing across versions (memory).
     */
    protected @Nullable AlertStore storeWithEarlierAlerts(List<StoredAlert> alerts) throws Exception {
        return null;
    }

    private AlertStore store;

    protected final AlertStore store() {
        if (store == null) {
            store = newStore();
        }
        return store;
    }

    private static final Instant T0 = Instant.parse("2030-01-02T03:04:05.123456Z");

    protected static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** An alert with every field set, health data included, so a store must keep all of it. */
    public static StoredAlert alert(String org, String id, Alerts.State state, long version) {
        return alertOf(org, id, "alice", state, version);
    }

    /** As {@link #alert}, about client {@code client}. */
    public static StoredAlert alertOf(String org, String id, String client, Alerts.State state, long version) {
        return alertAt(org, id, client, state, version, T0);
    }

    /** As {@link #alertOf}, version 1, raised at {@code raisedAt} (updated a second later). */
    public static StoredAlert alertAt(String org, String id, String client, Alerts.State state, Instant raisedAt) {
        return alertAt(org, id, client, state, 1, raisedAt);
    }

    private static StoredAlert alertAt(
            String org, String id, String client, Alerts.State state, long version, Instant raisedAt) {
        Care.CheckIn checkIn = new Care.CheckIn(
                "ci-1",
                "alice",
                "group-1",
                new Care.Address("1 Main St", "Apt 2", "Springfield", "IL", "62701", "US"),
                new Care.Coordinates(39.78, -89.65, 25),
                "+15551234567",
                true,
                T0);
        List<Care.EmergencyContact> contacts =
                List.of(new Care.EmergencyContact("Bo", "brother", "+15557654321", true));
        Care.SafetyPlan plan = new Care.SafetyPlan(
                List.of("racing thoughts"),
                List.of("walk"),
                List.of("music"),
                List.of("Bo"),
                List.of("Dr Kay"),
                List.of("lock away pills"));
        Alerts.View view = new Alerts.View(
                id,
                version,
                client,
                "Alice",
                "group-1",
                Alerts.Source.HELP_BUTTON,
                Alerts.Kind.SEVERE_ANXIETY,
                Alerts.Severity.HIGH,
                state,
                1,
                raisedAt,
                raisedAt.plusSeconds(version),
                "facilitators",
                false,
                state == Alerts.State.RAISED ? null : "dr-bo",
                null,
                null,
                checkIn,
                contacts,
                plan,
                new Care.Risk(Care.RiskLevel.HIGH, Care.RiskSource.C_SSRS, T0.minusSeconds(86_400)),
                List.of(new Alerts.Action(Alerts.ActionType.GROUNDING_EXERCISE, "k1", "dr-bo", T0, "breathing")),
                List.of(new Alerts.HistoryEntry(T0, "alice", "raised", null)));
        return new StoredAlert(
                org,
                view,
                EscalationPolicy.defaults(),
                0,
                Set.of("c-1", "c-2"),
                T0.plusSeconds(60),
                null,
                state == Alerts.State.RESOLVED ? "dr-bo" : null);
    }

    @Test
    void anEmptyStoreHasNothingUnclosed() throws Exception {
        assertThat(await(store().unclosed())).isEmpty();
    }

    @Test
    void aSavedAlertComesBackWhole() throws Exception {
        StoredAlert raised = alert("demo", "a-1", Alerts.State.RAISED, 1);
        await(store().save(raised));
        assertThat(await(store().unclosed())).containsExactly(raised);
    }

    @Test
    void theLatestSaveReplacesThePrevious() throws Exception {
        AlertStore store = store();
        await(store.save(alert("demo", "a-1", Alerts.State.RAISED, 1)));
        StoredAlert acknowledged = alert("demo", "a-1", Alerts.State.ACKNOWLEDGED, 2);
        await(store.save(acknowledged));
        assertThat(await(store.unclosed())).containsExactly(acknowledged);
    }

    @Test
    void aNewAlertIsStoredOnceAndNeverOverwritesOneStoredAlready() throws Exception {
        AlertStore store = store();
        StoredAlert standIn = alert("demo", "a-1", Alerts.State.RAISED, 1);
        assertThat(await(store.saveNew(standIn))).isTrue();
        assertThat(await(store.unclosed("demo"))).containsExactly(standIn);
        assertThat(await(store.overdue(Instant.parse("2030-01-02T03:05:05.124Z"), 10)))
                .as("a new alert's deadline is indexed")
                .containsExactly("demo");

        StoredAlert acknowledged = alert("demo", "a-1", Alerts.State.ACKNOWLEDGED, 2);
        await(store.save(acknowledged));
        assertThat(await(store.saveNew(standIn)))
                .as("the serving node stored this alert: a stand-in's copy is not stored")
                .isFalse();
        assertThat(await(store.unclosed("demo"))).containsExactly(acknowledged);
        assertThat(await(store.overdue(Instant.parse("2030-01-02T04:05:05Z"), 10)))
                .as("nor is its deadline")
                .isEmpty();
    }

    @Test
    void oneAlertIsFoundByItsOrganisationAndId() throws Exception {
        AlertStore store = store();
        assertThat(await(store.find("demo", "a-1"))).isEmpty();
        await(store.save(alert("demo", "a-1", Alerts.State.RAISED, 1)));
        StoredAlert closed = alert("demo", "a-1", Alerts.State.CLOSED, 2);
        await(store.save(closed));
        assertThat(await(store.find("demo", "a-1"))).contains(closed);
        assertThat(await(store.find("other", "a-1")))
                .as("not another organisation's")
                .isEmpty();
    }

    @Test
    void savesOfOneAlertApplyInTheOrderCalled() throws Exception {
        AlertStore store = store();
        List<CompletionStage<Void>> saves = List.of(
                store.save(alert("demo", "a-1", Alerts.State.RAISED, 1)),
                store.save(alert("demo", "a-1", Alerts.State.ACKNOWLEDGED, 2)),
                store.save(alert("demo", "a-1", Alerts.State.ENGAGED, 3)));
        for (CompletionStage<Void> s : saves) {
            await(s);
        }
        assertThat(await(store.unclosed())).extracting(a -> a.view().state()).containsExactly(Alerts.State.ENGAGED);
    }

    @Test
    void resolvedAlertsStayUnclosedUntilClosed() throws Exception {
        AlertStore store = store();
        await(store.save(alert("demo", "a-1", Alerts.State.RESOLVED, 5)));
        await(store.save(alert("demo", "a-2", Alerts.State.FOLLOW_UP_DUE, 6)));
        assertThat(await(store.unclosed())).hasSize(2);
        await(store.save(alert("demo", "a-1", Alerts.State.CLOSED, 7)));
        assertThat(await(store.unclosed())).extracting(a -> a.view().id()).containsExactly("a-2");
    }

    @Test
    void closedAlertsGoAfterTheRetentionOpenOnesNever() throws Exception {
        AlertStore store = store();
        MutableClock clock = new MutableClock(T0);
        Duration retention = Duration.ofDays(2190);
        // Closed at T0 + 2 s and T0 + 900 s (the helper's last update is T0 + version seconds);
        // open since T0 + 1 s: older than both, and still open.
        await(store.save(alert("demo", "closed-early", Alerts.State.CLOSED, 2)));
        await(store.save(alert("demo", "closed-late", Alerts.State.CLOSED, 900)));
        await(store.save(alert("demo", "open", Alerts.State.RAISED, 1)));
        await(store.save(alert("demo", "resolved", Alerts.State.RESOLVED, 3)));

        clock.advance(retention);
        assertThat(await(store.purgeClosed(clock.instant().minus(retention))))
                .as("none is closed longer than the retention yet")
                .isZero();
        clock.advance(Duration.ofSeconds(60));
        assertThat(await(store.purgeClosed(clock.instant().minus(retention)))).isEqualTo(1);
        assertThat(await(store.find("demo", "closed-early"))).isEmpty();
        assertThat(await(store.find("demo", "closed-late"))).isPresent();

        clock.advance(Duration.ofDays(365));
        assertThat(await(store.purgeClosed(clock.instant().minus(retention)))).isEqualTo(1);
        assertThat(await(store.find("demo", "closed-late"))).isEmpty();
        assertThat(await(store.unclosed("demo")))
                .as("open and resolved alerts are never deleted, however old")
                .extracting(a -> a.view().id())
                .containsExactlyInAnyOrder("open", "resolved");
    }

    @Test
    void aReopenedAlertIsNoLongerClosedForTheRetention() throws Exception {
        AlertStore store = store();
        await(store.save(alert("demo", "a-1", Alerts.State.CLOSED, 2)));
        await(store.save(alert("demo", "a-1", Alerts.State.RAISED, 3)));
        assertThat(await(store.purgeClosed(T0.plus(Duration.ofDays(5000))))).isZero();
        assertThat(await(store.find("demo", "a-1"))).isPresent();
    }

    @Test
    void alertsOfEveryOrganisationAreListed() throws Exception {
        AlertStore store = store();
        await(store.save(alert("demo", "a-1", Alerts.State.RAISED, 1)));
        await(store.save(alert("other:org", "a-3", Alerts.State.RAISED, 1)));
        await(store.save(alert("{third}", "a-2", Alerts.State.ENGAGED, 3)));
        assertThat(await(store.unclosed()))
                .extracting(StoredAlert::org)
                .containsExactlyInAnyOrder("demo", "other:org", "{third}");
    }

    @Test
    void oneOrganisationsOpenAlertsAndTheOrganisationsWithAny() throws Exception {
        AlertStore store = store();
        await(store.save(alert("demo", "a-1", Alerts.State.RAISED, 1)));
        await(store.save(alert("demo", "a-2", Alerts.State.ACKNOWLEDGED, 2)));
        await(store.save(alert("other:org", "a-3", Alerts.State.RAISED, 1)));
        await(store.save(alert("{third}", "a-4", Alerts.State.RAISED, 1)));
        await(store.save(alert("{third}", "a-4", Alerts.State.CLOSED, 2)));
        assertThat(await(store.unclosed("demo")))
                .extracting(a -> a.view().id())
                .containsExactlyInAnyOrder("a-1", "a-2");
        assertThat(await(store.unclosed("{third}"))).isEmpty();
        assertThat(await(store.unclosed("nobody"))).isEmpty();
    }

    @Test
    void oneClientsOpenAlertsAreFoundWithoutTheOrganisationsOthers() throws Exception {
        AlertStore store = store();
        await(store.save(alertOf("demo", "a-1", "alice", Alerts.State.RAISED, 1)));
        await(store.save(alertOf("demo", "a-2", "bob", Alerts.State.RAISED, 1)));
        await(store.saveNew(alertOf("demo", "a-3", "alice", Alerts.State.ACKNOWLEDGED, 2)));
        await(store.save(alertOf("demo", "a-4", "alice", Alerts.State.RAISED, 1)));
        await(store.save(alertOf("demo", "a-4", "alice", Alerts.State.CLOSED, 2)));
        await(store.save(alertOf("other:org", "a-5", "alice", Alerts.State.RAISED, 1)));

        assertThat(await(store.unclosedOf("demo", "alice")))
                .extracting(a -> a.view().id())
                .containsExactlyInAnyOrder("a-1", "a-3");
        assertThat(await(store.unclosedOf("demo", "bob")))
                .extracting(a -> a.view().id())
                .containsExactly("a-2");
        assertThat(await(store.unclosedOf("demo", "carol"))).isEmpty();
        assertThat(await(store.unclosedOf("other:org", "alice")))
                .extracting(StoredAlert::org)
                .containsExactly("other:org");
    }

    @Test
    void organisationsWithAnAlertPastItsDeadlineAreOverdue() throws Exception {
        AlertStore store = store();
        java.time.Instant t = Instant.parse("2030-01-02T03:05:05.123Z"); // the raised alerts' deadline (T0 + 60 s)
        assertThat(await(store.overdue(t.plusSeconds(3600), 10))).isEmpty();
        await(store.save(alert("demo", "a-1", Alerts.State.RAISED, 1)));
        await(store.save(alert("other:org", "a-3", Alerts.State.RAISED, 1)));
        await(store.save(alert("{third}", "a-4", Alerts.State.RAISED, 1)));
        await(store.save(alert("{third}", "a-4", Alerts.State.CLOSED, 2)));
        await(store.save(alert("fourth", "a-5", Alerts.State.ENGAGED, 3)));
        assertThat(await(store.overdue(t, 10))).as("not before the deadline").isEmpty();
        assertThat(await(store.overdue(t.plusMillis(1), 10)))
                .as("closed and engaged alerts have no deadline")
                .containsExactlyInAnyOrder("demo", "other:org");
        assertThat(await(store.overdue(t.plusMillis(1), 1))).hasSize(1);

        StoredAlert escalated = alert("demo", "a-1", Alerts.State.RAISED, 2);
        await(store.save(new StoredAlert(
                "demo", escalated.view(), escalated.policy(), 1, escalated.targets(), t.plusSeconds(60), null, null)));
        assertThat(await(store.overdue(t.plusMillis(1), 10)))
                .as("a deadline moved on is no longer overdue")
                .containsExactly("other:org");
    }

    private static final Instant DAY = Instant.parse("2030-03-01T00:00:00Z");

    private static List<String> ids(List<StoredAlert> alerts) {
        return alerts.stream().map(a -> a.view().id()).toList();
    }

    private static AlertSearch filtered(Alerts.@Nullable State state, @Nullable String client, int limit) {
        return new AlertSearch("demo", DAY, DAY.plus(Duration.ofDays(1)), state, client, null, null, limit);
    }

    @Test
    void aSearchFindsTheAlertsRaisedFromItsStartToBeforeItsEndNewestFirst() throws Exception {
        AlertStore store = store();
        Instant end = DAY.plus(Duration.ofDays(1));
        await(store.save(alertAt("demo", "just-before", "alice", Alerts.State.RAISED, DAY.minusMillis(1))));
        await(store.save(alertAt("demo", "at-start", "alice", Alerts.State.RAISED, DAY)));
        await(store.save(alertAt("demo", "noon", "alice", Alerts.State.CLOSED, DAY.plus(Duration.ofHours(12)))));
        await(store.saveNew(alertAt("demo", "last", "alice", Alerts.State.RAISED, end.minusNanos(1))));
        await(store.save(alertAt("demo", "at-end", "alice", Alerts.State.RAISED, end)));
        await(store.save(alertAt("other:org", "elsewhere", "alice", Alerts.State.RAISED, DAY.plusSeconds(60))));

        List<StoredAlert> found = await(store.search(AlertSearch.of("demo", DAY, end, 10)));
        assertThat(ids(found)).containsExactly("last", "noon", "at-start");
        assertThat(found.get(1))
                .as("whole")
                .isEqualTo(alertAt("demo", "noon", "alice", Alerts.State.CLOSED, DAY.plus(Duration.ofHours(12))));
        assertThat(ids(await(store.search(AlertSearch.of("demo", DAY, end, 2)))))
                .containsExactly("last", "noon");
        assertThat(ids(await(store.search(AlertSearch.of("other:org", DAY, end, 10)))))
                .containsExactly("elsewhere");
        assertThat(await(store.search(AlertSearch.of("nobody", DAY, end, 10)))).isEmpty();
    }

    @Test
    void alertsRaisedInOneMillisecondComeByIdWhateverTheirMicroseconds() throws Exception {
        AlertStore store = store();
        Instant t = DAY.plusSeconds(5);
        // Newest first to the microsecond would be a-3, a-2, a-1.
        await(store.save(alertAt("demo", "a-3", "alice", Alerts.State.RAISED, t.plusNanos(999_000))));
        await(store.save(alertAt("demo", "a-1", "alice", Alerts.State.RAISED, t)));
        await(store.save(alertAt("demo", "a-2", "alice", Alerts.State.RAISED, t.plusNanos(500_000))));
        await(store.save(alertAt("demo", "a-0", "alice", Alerts.State.RAISED, t.plusMillis(1))));
        assertThat(ids(await(store.search(filtered(null, null, 10))))).containsExactly("a-0", "a-1", "a-2", "a-3");
    }

    @Test
    void aSearchKeepsOnlyTheStateAndClientAskedFor() throws Exception {
        AlertStore store = store();
        await(store.save(alertAt("demo", "a-1", "alice", Alerts.State.RAISED, DAY.plusSeconds(1))));
        await(store.save(alertAt("demo", "a-2", "bob", Alerts.State.RAISED, DAY.plusSeconds(2))));
        await(store.save(alertAt("demo", "a-3", "alice", Alerts.State.CLOSED, DAY.plusSeconds(3))));
        await(store.saveNew(alertAt("demo", "a-4", "alice", Alerts.State.ACKNOWLEDGED, DAY.plusSeconds(4))));
        await(store.save(alertAt("demo", "a-5", "alice", Alerts.State.RAISED, DAY.plusSeconds(5))));

        assertThat(ids(await(store.search(filtered(Alerts.State.RAISED, null, 10)))))
                .containsExactly("a-5", "a-2", "a-1");
        assertThat(ids(await(store.search(filtered(null, "alice", 10))))).containsExactly("a-5", "a-4", "a-3", "a-1");
        assertThat(ids(await(store.search(filtered(Alerts.State.RAISED, "alice", 10)))))
                .containsExactly("a-5", "a-1");
        assertThat(ids(await(store.search(filtered(Alerts.State.RAISED, "bob", 1)))))
                .containsExactly("a-2");
        assertThat(ids(await(store.search(filtered(Alerts.State.CLOSED, null, 10)))))
                .containsExactly("a-3");
        assertThat(await(store.search(filtered(null, "carol", 10)))).isEmpty();
        assertThat(await(store.search(filtered(Alerts.State.ENGAGED, null, 10))))
                .isEmpty();
    }

    /**
     * 25 alerts, three to a millisecond with ids out of their microseconds' order, some closed: pages
     * of 10, each after the last alert of the one before (its full raisedAt and id), give every alert
     * once, in order; so do pages of 4 of the raised ones only.
     */
    @Test
    void pagingThroughTwentyFiveAlertsNeverSkipsNorRepeatsOne() throws Exception {
        AlertStore store = store();
        List<StoredAlert> stored = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            Instant raisedAt = DAY.plusMillis(i / 3).plusNanos((i % 3) * 300_000L + 1_000);
            String id = "a-%02d".formatted((i * 7) % 25);
            StoredAlert a =
                    alertAt("demo", id, "alice", i % 4 == 0 ? Alerts.State.CLOSED : Alerts.State.RAISED, raisedAt);
            stored.add(a);
            await(i % 2 == 0 ? store.save(a) : store.saveNew(a).thenApply(isNew -> null));
        }
        await(store.save(alertAt("demo", "before", "alice", Alerts.State.RAISED, DAY.minusNanos(1))));
        await(store.save(alertAt("other", "a-99", "alice", Alerts.State.RAISED, DAY.plusMillis(3))));
        List<String> all = ids(stored.stream().sorted(AlertSearch.NEWEST_FIRST).toList());

        assertThat(pages(store, filtered(null, null, 10))).containsExactly(10, 10, 5, 0);
        assertThat(paged(store, filtered(null, null, 10))).containsExactlyElementsOf(all);
        assertThat(ids(await(store.search(filtered(null, null, 25))))).containsExactlyElementsOf(all);

        List<String> raised = ids(stored.stream()
                .filter(a -> a.view().state() == Alerts.State.RAISED)
                .sorted(AlertSearch.NEWEST_FIRST)
                .toList());
        assertThat(paged(store, filtered(Alerts.State.RAISED, "alice", 4))).containsExactlyElementsOf(raised);
    }

    private static List<Integer> pages(AlertStore store, AlertSearch first) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        AlertSearch search = first;
        for (int i = 0; i < 10; i++) {
            List<StoredAlert> page = await(store.search(search));
            sizes.add(page.size());
            if (page.isEmpty()) {
                break;
            }
            search = search.after(page.get(page.size() - 1));
        }
        return sizes;
    }

    /** Every page of {@code first}'s search, each after the last alert of the one before, run together. */
    protected static List<String> paged(AlertStore store, AlertSearch first) throws Exception {
        List<String> found = new ArrayList<>();
        AlertSearch search = first;
        for (int i = 0; i < 100; i++) {
            List<StoredAlert> page = await(store.search(search));
            if (page.isEmpty()) {
                return found;
            }
            found.addAll(ids(page));
            search = search.after(page.get(page.size() - 1));
        }
        throw new AssertionError("no end after 100 pages");
    }

    @Test
    void anAlertIsFoundInTheStateItWasLastSavedIn() throws Exception {
        AlertStore store = store();
        Instant t = DAY.plusSeconds(30);
        await(store.saveNew(alertAt("demo", "a-1", "alice", Alerts.State.RAISED, t)));
        assertThat(ids(await(store.search(filtered(Alerts.State.RAISED, null, 10)))))
                .containsExactly("a-1");

        StoredAlert acknowledged = alertAt("demo", "a-1", "alice", Alerts.State.ACKNOWLEDGED, t);
        await(store.save(acknowledged));
        assertThat(await(store.search(filtered(Alerts.State.RAISED, null, 10)))).isEmpty();
        assertThat(await(store.search(filtered(Alerts.State.ACKNOWLEDGED, null, 10))))
                .containsExactly(acknowledged);

        await(store.save(alertAt("demo", "a-1", "alice", Alerts.State.CLOSED, t)));
        assertThat(await(store.search(filtered(Alerts.State.ACKNOWLEDGED, null, 10))))
                .isEmpty();
        assertThat(ids(await(store.search(filtered(Alerts.State.CLOSED, null, 10)))))
                .containsExactly("a-1");
        assertThat(ids(await(store.search(filtered(null, null, 10)))))
                .as("once")
                .containsExactly("a-1");
    }

    @Test
    void aPurgedAlertIsNoLongerFound() throws Exception {
        AlertStore store = store();
        // Raised at DAY + 1 s, and closed at DAY + 2 s (version 1, updated a second later).
        await(store.save(alertAt("demo", "closed", "alice", Alerts.State.CLOSED, DAY.plusSeconds(1))));
        await(store.save(alertAt("demo", "open", "alice", Alerts.State.RAISED, DAY)));
        assertThat(ids(await(store.search(filtered(null, null, 10))))).containsExactly("closed", "open");

        assertThat(await(store.purgeClosed(DAY.plusSeconds(3)))).isEqualTo(1);
        assertThat(ids(await(store.search(filtered(null, null, 10))))).containsExactly("open");
        assertThat(await(store.search(filtered(Alerts.State.CLOSED, null, 10)))).isEmpty();
    }

    @Test
    void alertsStoredBeforeTheSearchExistedAreFoundOnceIndexed() throws Exception {
        List<StoredAlert> earlier = List.of(
                alertAt("demo", "e-open", "alice", Alerts.State.RAISED, DAY.plusSeconds(1)),
                alertAt("demo", "e-closed", "bob", Alerts.State.CLOSED, DAY.plusSeconds(2)),
                alertAt("demo", "e-acknowledged", "alice", Alerts.State.ACKNOWLEDGED, DAY.plusSeconds(3)),
                alertAt("demo", "e-last-year", "alice", Alerts.State.CLOSED, DAY.minus(Duration.ofDays(365))),
                alertAt("other:org", "e-elsewhere", "alice", Alerts.State.RAISED, DAY.plusSeconds(1)));
        AlertStore store = storeWithEarlierAlerts(earlier);
        assumeTrue(store != null, "this store keeps nothing across versions");
        await(store.save(alertAt("demo", "new", "alice", Alerts.State.RAISED, DAY.plusMillis(1500))));

        assertThat(await(store.indexEarlierAlerts())).isEqualTo(5);
        assertThat(await(store.search(filtered(null, null, 10)))).hasSize(4);
        assertThat(ids(await(store.search(filtered(null, null, 10)))))
                .containsExactly("e-acknowledged", "e-closed", "new", "e-open");
        assertThat(ids(await(store.search(filtered(Alerts.State.CLOSED, null, 10)))))
                .containsExactly("e-closed");
        assertThat(ids(await(store.search(filtered(null, "alice", 10)))))
                .containsExactly("e-acknowledged", "new", "e-open");
        assertThat(ids(await(store.search(AlertSearch.of("other:org", DAY, DAY.plusSeconds(60), 10)))))
                .containsExactly("e-elsewhere");
        assertThat(await(store.indexEarlierAlerts())).as("once").isZero();

        await(store.save(alertAt("demo", "e-open", "alice", Alerts.State.ENGAGED, DAY.plusSeconds(1))));
        assertThat(ids(await(store.search(filtered(Alerts.State.ENGAGED, null, 10)))))
                .containsExactly("e-open");
        assertThat(await(store.purgeClosed(DAY.plus(Duration.ofDays(1))))).isEqualTo(2);
        assertThat(ids(await(store.search(filtered(null, null, 10)))))
                .as("the retention takes them out of the index too")
                .containsExactly("e-acknowledged", "new", "e-open");
    }
}
