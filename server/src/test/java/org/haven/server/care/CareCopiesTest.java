package org.haven.server.care;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Cache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

    /** A safety plan as large as the protocol allows: six sections of 20 entries of 500 characters. */
    static Care.SafetyPlan largestPlan(int seed) {
        List<String> section = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            section.add(Character.toString('a' + (seed + i) % 26).repeat(500));
        }
        return new Care.SafetyPlan(section, section, section, section, section, section);
    }

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
            store.appendPlan(client, largestPlan(i), "dr-kay", T0);
            store.appendContacts(
                    client, List.of(new Care.EmergencyContact("Bo", "brother", "+15557654321", true)), "c", T0);
            care.snapshot(client, null, Duration.ofSeconds(1))
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
        }
        assertThat(CopySizes.of(largestPlan(0))).isBetween(60_000L, 70_000L);
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
}
