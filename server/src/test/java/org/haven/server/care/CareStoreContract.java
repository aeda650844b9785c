package org.haven.server.care;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.haven.protocol.Care;
import org.haven.server.presence.UserRef;
import org.junit.jupiter.api.Test;

/**
 * The guarantees of {@link CareStore}, run against every implementation: extend it and supply a
 * fresh, empty store.
 */
public abstract class CareStoreContract {

    /** A new, empty store. */
    protected abstract CareStore newStore();

    private CareStore store;

    protected final CareStore store() {
        if (store == null) {
            store = newStore();
        }
        return store;
    }

    private static final Instant T0 = Instant.parse("2030-01-02T03:04:05Z");
    private final UserRef alice = new UserRef("demo", "alice");

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static Care.CheckIn checkIn(String id, String room, String street) {
        return new Care.CheckIn(
                id,
                "alice",
                room,
                new Care.Address(street, null, "Springfield", null, null, "US"),
                null,
                "+15551234567",
                true,
                T0);
    }

    private static List<Care.EmergencyContact> contacts(String name) {
        return List.of(new Care.EmergencyContact(name, "sister", "+15557654321", true));
    }

    private static Care.SafetyPlan plan(String warningSign) {
        return new Care.SafetyPlan(List.of(warningSign), List.of("walk"), List.of(), List.of(), List.of(), List.of());
    }

    @Test
    void aNewClientHasNoRecords() throws Exception {
        assertThat(await(store().latestCheckIn(alice, "group-1"))).isEmpty();
        assertThat(await(store().contacts(alice))).isEmpty();
        assertThat(await(store().plan(alice))).isEmpty();
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
}
