package org.haven.server.care;

import com.github.benmanes.caffeine.cache.Cache;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;
import org.haven.protocol.Care;
import org.haven.server.presence.UserRef;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this node last stored or read of each client's check-ins, emergency contacts, safety plan
 * and assessed risk, and the care record an alert carries, read from the store or, when the store does not
 * answer in time or has lost it, from these copies: an alert raised while the store is unreachable
 * still carries the location and the safety plan, and is raised at the floor of the client's risk.
 *
 * <p>Bounded in entries ({@link #MAX_COPIES} each) and in bytes ({@link CopySizes}): half of the
 * copies' budget for the plans (one may be 60 KB), a quarter for the check-ins, three sixteenths
 * for the contacts and a sixteenth for the risks (a few hundred bytes each).
 *
 * <p>Threading: any thread; the caches are Caffeine's (thread-safe), store answers are taken on
 * the store's threads.
 */
final class CareCopies {

    private static final Logger log = LoggerFactory.getLogger(CareCopies.class);

    /** How many clients' copies of each record a node keeps, at most. */
    static final int MAX_COPIES = 100_000;

    /** How long a copy of contacts or a plan is kept after it was written. */
    private static final Duration KEPT = Duration.ofHours(12);

    private final CareStore store;
    private final Cache<String, Care.CheckIn> checkIns;
    private final Cache<UserRef, List<Care.EmergencyContact>> contacts;
    private final Cache<UserRef, Care.SafetyPlan> plans;
    private final Cache<UserRef, Care.Risk> risks;

    /** Copies of what {@code store} holds, taking at most about {@code copyBytes}; a check-in is kept while valid. */
    CareCopies(CareStore store, long copyBytes, Duration checkInValidity) {
        this.store = store;
        this.checkIns = CopySizes.bounded(
                copyBytes / 4, MAX_COPIES, checkInValidity, (k, v) -> (int) (CopySizes.of(k) + CopySizes.of(v)));
        this.contacts = CopySizes.bounded(copyBytes / 16 * 3, MAX_COPIES, KEPT, (k, v) ->
                (int) (CopySizes.of(k.org()) + CopySizes.of(k.user()) + CopySizes.ofContacts(v)));
        this.plans = CopySizes.bounded(copyBytes / 2, MAX_COPIES, KEPT, (k, v) ->
                (int) (CopySizes.of(k.org()) + CopySizes.of(k.user()) + CopySizes.of(v)));
        this.risks = CopySizes.bounded(copyBytes / 16, MAX_COPIES, KEPT, (k, v) ->
                (int) (CopySizes.of(k.org()) + CopySizes.of(k.user()) + CopySizes.of(v)));
    }

    private static String checkInKey(UserRef client, String room) {
        return client.org() + "\n" + client.user() + "\n" + room;
    }

    void checkIn(UserRef client, Care.CheckIn checkIn) {
        checkIns.put(checkInKey(client, checkIn.room()), checkIn);
    }

    Care.@Nullable CheckIn checkIn(UserRef client, String room) {
        return checkIns.getIfPresent(checkInKey(client, room));
    }

    void contacts(UserRef client, List<Care.EmergencyContact> value) {
        contacts.put(client, value);
    }

    void plan(UserRef client, Care.SafetyPlan value) {
        plans.put(client, value);
    }

    void risk(UserRef client, Care.Risk value) {
        risks.put(client, value);
    }

    /** How many copies this node holds (tests). */
    long count() {
        return plans.estimatedSize() + contacts.estimatedSize() + checkIns.estimatedSize() + risks.estimatedSize();
    }

    /** The estimated bytes of the copies, as their caches weigh them (tests). */
    long bytes() {
        return weight(plans) + weight(contacts) + weight(checkIns) + weight(risks);
    }

    private static long weight(Cache<?, ?> cache) {
        cache.cleanUp();
        return cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }

    /**
     * The parts of a client's record that travel with an alert, each read from the store within
     * {@code wait}, else from these copies (see {@link CareService#snapshot}).
     */
    CompletionStage<CareSnapshot> snapshot(UserRef client, @Nullable String room, Duration wait) {
        // Each answer refreshes this node's copy even when it comes after the wait.
        CompletionStage<Optional<Care.CheckIn>> checkIn = room == null
                ? CompletableFuture.completedFuture(Optional.empty())
                : orLastCopy(
                        store.latestCheckIn(client, room).whenComplete((c, failure) -> {
                            if (failure == null) {
                                c.ifPresent(found -> checkIn(client, found));
                            }
                        }),
                        wait,
                        () -> checkIn(client, room),
                        (stored, copy) -> copy.at().isAfter(stored.at()) ? copy : stored,
                        client);
        CompletionStage<Optional<List<Care.EmergencyContact>>> contacts = orLastCopy(
                store.contacts(client)
                        .whenComplete((v, failure) -> {
                            if (failure == null) {
                                v.ifPresent(found -> contacts(client, found.value()));
                            }
                        })
                        .thenApply(v -> v.map(Care.Versioned::value)),
                wait,
                () -> this.contacts.getIfPresent(client),
                (stored, copy) -> stored,
                client);
        CompletionStage<Optional<Care.SafetyPlan>> plan = orLastCopy(
                store.plan(client)
                        .whenComplete((v, failure) -> {
                            if (failure == null) {
                                v.ifPresent(found -> plan(client, found.value()));
                            }
                        })
                        .thenApply(v -> v.map(Care.Versioned::value)),
                wait,
                () -> plans.getIfPresent(client),
                (stored, copy) -> stored,
                client);
        CompletionStage<Optional<Care.Risk>> risk = orLastCopy(
                store.risk(client)
                        .whenComplete((v, failure) -> {
                            if (failure == null) {
                                v.ifPresent(found -> risk(client, found.value()));
                            }
                        })
                        .thenApply(v -> v.map(Care.Versioned::value)),
                wait,
                () -> risks.getIfPresent(client),
                (stored, copy) -> stored,
                client);
        return checkIn.thenCompose(c -> contacts.thenCompose(k -> plan.thenCombine(
                risk,
                (p, r) -> new CareSnapshot(c.orElse(null), k.orElse(List.of()), p.orElse(null), r.orElse(null)))));
    }

    /**
     * {@code read}'s answer, or this node's last copy: when the read fails or has not answered within
     * {@code wait}, and when the store has nothing (it lost its data: Redis restarted empty) or, as
     * {@code newer} decides, something older than this node's copy.
     */
    private static <T> CompletionStage<Optional<T>> orLastCopy(
            CompletionStage<Optional<T>> read,
            Duration wait,
            Supplier<@Nullable T> lastCopy,
            BinaryOperator<T> newer,
            UserRef client) {
        return read.toCompletableFuture()
                .thenApply(v -> v)
                .orTimeout(wait.toMillis(), TimeUnit.MILLISECONDS)
                .handle((v, failure) -> {
                    if (failure == null) {
                        T copy = lastCopy.get();
                        if (copy == null) {
                            return v;
                        }
                        if (v.isEmpty()) {
                            log.warn(
                                    "care store has none of what this node last saw; using this node's copy client={}",
                                    client);
                            return Optional.of(copy);
                        }
                        return Optional.of(newer.apply(v.get(), copy));
                    }
                    log.warn(
                            "care store did not answer within {} ms; using this node's last copy client={}",
                            wait.toMillis(),
                            client);
                    return Optional.ofNullable(lastCopy.get());
                });
    }
}
