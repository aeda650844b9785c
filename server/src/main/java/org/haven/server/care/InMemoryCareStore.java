package org.haven.server.care;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.haven.protocol.Care;
import org.haven.server.presence.UserRef;
import org.jspecify.annotations.Nullable;

/**
 * {@link CareStore} for one node: per client and record, the last {@link #versionsKept()} versions
 * in a bounded deque. An append adds at the tail and drops from the head past the quota: constant
 * work, never a copy of the history (a copy per save made a client saving large plans at the rate
 * limit grow the heap by hundreds of megabytes a minute).
 *
 * <p>Threading: any thread; concurrent maps, each history changed and read under its own lock;
 * answers on the caller's thread.
 */
public final class InMemoryCareStore implements CareStore {

    private record RoomOfClient(UserRef client, String room) {}

    /** The kept versions of one record, oldest first, and the number the next one gets. */
    private static final class History<T> {
        private final ArrayDeque<T> kept = new ArrayDeque<>();
        private long last;

        /** Appends what {@code make} builds from the next number; drops the oldest past {@code max}. */
        synchronized T append(Function<Long, T> make, int max) {
            T made = make.apply(++last);
            kept.addLast(made);
            while (kept.size() > max) {
                kept.removeFirst();
            }
            return made;
        }

        synchronized Optional<T> latest() {
            return Optional.ofNullable(kept.peekLast());
        }

        synchronized List<T> all() {
            return List.copyOf(kept);
        }

        /**
         * Drops from the head every entry whose successor (which superseded it) was stored before
         * {@code before}, by {@code at}; the latest has none and stays.
         */
        synchronized int purge(Instant before, Function<T, Instant> at) {
            int dropped = 0;
            while (kept.size() > 1) {
                Iterator<T> it = kept.iterator();
                it.next();
                if (!at.apply(it.next()).isBefore(before)) {
                    break;
                }
                kept.removeFirst();
                dropped++;
            }
            return dropped;
        }
    }

    private final int versionsKept;
    private final Map<RoomOfClient, History<Care.CheckIn>> checkIns = new ConcurrentHashMap<>();
    private final Map<UserRef, History<Care.Versioned<List<Care.EmergencyContact>>>> contacts =
            new ConcurrentHashMap<>();
    private final Map<UserRef, History<Care.Versioned<Care.SafetyPlan>>> plans = new ConcurrentHashMap<>();
    private final Map<UserRef, History<Care.Versioned<Care.Risk>>> risks = new ConcurrentHashMap<>();

    /** With the default quota ({@link #DEFAULT_VERSIONS_KEPT}). */
    public InMemoryCareStore() {
        this(DEFAULT_VERSIONS_KEPT);
    }

    /** Keeping at most {@code versionsKept} (at least 1) versions of each record of each client. */
    public InMemoryCareStore(int versionsKept) {
        if (versionsKept < 1) {
            throw new IllegalArgumentException("versionsKept must be at least 1");
        }
        this.versionsKept = versionsKept;
    }

    @Override
    public int versionsKept() {
        return versionsKept;
    }

    @Override
    public CompletionStage<Care.CheckIn> recordCheckIn(UserRef client, Care.CheckIn checkIn) {
        checkIns.computeIfAbsent(new RoomOfClient(client, checkIn.room()), k -> new History<>())
                .append(n -> checkIn, versionsKept);
        return CompletableFuture.completedFuture(checkIn);
    }

    @Override
    public CompletionStage<Optional<Care.CheckIn>> latestCheckIn(UserRef client, String room) {
        return CompletableFuture.completedFuture(latest(checkIns.get(new RoomOfClient(client, room))));
    }

    @Override
    public CompletionStage<Care.Versioned<List<Care.EmergencyContact>>> appendContacts(
            UserRef client, List<Care.EmergencyContact> value, String by, Instant at) {
        return CompletableFuture.completedFuture(appendVersion(contacts, client, List.copyOf(value), by, at));
    }

    @Override
    public CompletionStage<Optional<Care.Versioned<List<Care.EmergencyContact>>>> contacts(UserRef client) {
        return CompletableFuture.completedFuture(latest(contacts.get(client)));
    }

    @Override
    public CompletionStage<Care.Versioned<Care.SafetyPlan>> appendPlan(
            UserRef client, Care.SafetyPlan plan, String by, Instant at) {
        return CompletableFuture.completedFuture(appendVersion(plans, client, plan, by, at));
    }

    @Override
    public CompletionStage<Optional<Care.Versioned<Care.SafetyPlan>>> plan(UserRef client) {
        return CompletableFuture.completedFuture(latest(plans.get(client)));
    }

    @Override
    public CompletionStage<Care.Versioned<Care.Risk>> appendRisk(
            UserRef client, Care.Risk risk, String by, Instant at) {
        return CompletableFuture.completedFuture(appendVersion(risks, client, risk, by, at));
    }

    @Override
    public CompletionStage<Optional<Care.Versioned<Care.Risk>>> risk(UserRef client) {
        return CompletableFuture.completedFuture(latest(risks.get(client)));
    }

    @Override
    public CompletionStage<List<Long>> versions(UserRef client, Part part) {
        History<? extends Care.Versioned<?>> history = switch (part) {
            case CONTACTS -> contacts.get(client);
            case PLAN -> plans.get(client);
            case RISK -> risks.get(client);
        };
        List<Long> out = new ArrayList<>();
        if (history != null) {
            for (Care.Versioned<?> v : history.all()) {
                out.add(v.version());
            }
        }
        return CompletableFuture.completedFuture(List.copyOf(out));
    }

    @Override
    public CompletionStage<Integer> checkInCount(UserRef client, String room) {
        History<Care.CheckIn> history = checkIns.get(new RoomOfClient(client, room));
        return CompletableFuture.completedFuture(
                history == null ? 0 : history.all().size());
    }

    @Override
    public CompletionStage<Integer> purgeSuperseded(Instant before) {
        int purged = 0;
        for (History<Care.CheckIn> h : checkIns.values()) {
            purged += h.purge(before, Care.CheckIn::at);
        }
        for (History<Care.Versioned<List<Care.EmergencyContact>>> h : contacts.values()) {
            purged += h.purge(before, Care.Versioned::updatedAt);
        }
        for (History<Care.Versioned<Care.SafetyPlan>> h : plans.values()) {
            purged += h.purge(before, Care.Versioned::updatedAt);
        }
        for (History<Care.Versioned<Care.Risk>> h : risks.values()) {
            purged += h.purge(before, Care.Versioned::updatedAt);
        }
        return CompletableFuture.completedFuture(purged);
    }

    private <T> Care.Versioned<T> appendVersion(
            Map<UserRef, History<Care.Versioned<T>>> map, UserRef client, T value, String by, Instant at) {
        return map.computeIfAbsent(client, k -> new History<>())
                .append(n -> new Care.Versioned<>(n, value, by, at), versionsKept);
    }

    private static <T> Optional<T> latest(@Nullable History<T> history) {
        return history == null ? Optional.empty() : history.latest();
    }
}
