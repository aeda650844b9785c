package org.haven.server.care;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Cache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.haven.protocol.Care;
import org.haven.server.audit.InMemoryAuditTrail;
import org.haven.server.presence.UserRef;
import org.junit.jupiter.api.Test;

/**
 * A node's copies of care records (for alerts raised while the store does not answer) are bounded in
 * bytes as well as in entries: full safety plans of many clients never take more than the budget.
 */
class CareCopiesTest {

    private static final Instant T0 = Instant.parse("2030-01-02T03:04:05Z");

    @Test
    void copiesOfFullPlansStayWithinTheirBytes() throws Exception {
        InMemoryCareStore store = new InMemoryCareStore(1);
        Clock clock = Clock.fixed(T0, java.time.ZoneOffset.UTC);
        long budget = 8L * 1024 * 1024;
        CareService care = new CareService(
                store,
                new RoomAffiliations(),
                CrisisResources.load(null),
                new InMemoryAuditTrail(clock),
                clock,
                Duration.ofHours(4),
                Set.of(),
                budget);
        int clients = 500; // some 30 MB of plans
        for (int i = 0; i < clients; i++) {
            UserRef client = new UserRef("demo", "c" + i);
            store.appendPlan(client, CareStoreContract.largestPlan(i), "dr-kay", T0);
            store.appendContacts(
                    client, List.of(new Care.EmergencyContact("Bo", "brother", "+15557654321", true)), "c", T0);
            care.snapshot(client, null, Duration.ofSeconds(1))
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
        }
        assertThat(CopySizes.of(CareStoreContract.largestPlan(0))).isBetween(60_000L, 70_000L);
        assertThat(care.copyBytes()).isLessThanOrEqualTo(budget);
        assertThat(care.copyCount())
                .as("the plans past half the budget were evicted; the small contacts all fit")
                .isLessThan(2L * clients)
                .isGreaterThan(clients);
    }

    @Test
    void smallEntriesAreBoundedByCount() {
        Cache<String, String> cache =
                CopySizes.bounded(1024L * 1024, 10, Duration.ofHours(1), (k, v) -> (int) CopySizes.of(v));
        for (int i = 0; i < 100; i++) {
            cache.put("k" + i, "v");
        }
        cache.cleanUp();
        assertThat(cache.estimatedSize()).isLessThanOrEqualTo(10);
    }

    /** A store that cannot take a save now (the database is behind) tells the client to slow down. */
    @Test
    void aSaveTheStoreCannotTakeNowIsRateLimited() {
        Clock clock = Clock.fixed(T0, java.time.ZoneOffset.UTC);
        CareStore memory = new InMemoryCareStore();
        CareStore full = (CareStore) java.lang.reflect.Proxy.newProxyInstance(
                CareStore.class.getClassLoader(),
                new Class<?>[] {CareStore.class},
                (proxy, method, args) -> method.getName().equals("appendPlan")
                        ? java.util.concurrent.CompletableFuture.failedFuture(
                                new java.util.concurrent.RejectedExecutionException("full"))
                        : method.invoke(memory, args));
        CareService care = new CareService(
                full,
                new RoomAffiliations(),
                CrisisResources.load(null),
                new InMemoryAuditTrail(clock),
                clock,
                Duration.ofHours(4),
                Set.of());
        org.haven.server.auth.Principal alice = new org.haven.server.auth.Principal(
                "alice", "demo", org.haven.protocol.Role.CLIENT, Set.of(), "Alice", "t-1", T0.plusSeconds(3600));
        assertThat(care.setPlan(
                        alice,
                        new org.haven.protocol.ClientMessage.PlanSet("r-1", null, CareStoreContract.largestPlan(1))))
                .failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause()
                .isInstanceOfSatisfying(
                        org.haven.protocol.Refusal.class,
                        r -> assertThat(r.code()).isEqualTo(org.haven.protocol.ErrorCode.RATE_LIMITED));
    }
}
