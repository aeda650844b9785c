package org.haven.server.care;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.haven.protocol.Care;
import org.haven.server.presence.UserRef;
import org.jspecify.annotations.Nullable;

/**
 * {@link CareStore} for one node: append-only version lists per client, changed atomically per key.
 *
 * <p>Threading: any thread; concurrent maps, each list changed under its own lock; answers on the
 * caller's thread.
 */
public final class InMemoryCareStore implements CareStore {

    private record RoomOfClient(UserRef client, String room) {}

    private final Map<RoomOfClient, List<Care.CheckIn>> checkIns = new ConcurrentHashMap<>();
    private final Map<UserRef, List<Care.Versioned<List<Care.EmergencyContact>>>> contacts = new ConcurrentHashMap<>();
    private final Map<UserRef, List<Care.Versioned<Care.SafetyPlan>>> plans = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Care.CheckIn> recordCheckIn(UserRef client, Care.CheckIn checkIn) {
        checkIns.compute(new RoomOfClient(client, checkIn.room()), (k, list) -> append(list, checkIn));
        return CompletableFuture.completedFuture(checkIn);
    }

    @Override
    public CompletionStage<Optional<Care.CheckIn>> latestCheckIn(UserRef client, String room) {
        return CompletableFuture.completedFuture(last(checkIns.get(new RoomOfClient(client, room))));
    }

    @Override
    public CompletionStage<Care.Versioned<List<Care.EmergencyContact>>> appendContacts(
            UserRef client, List<Care.EmergencyContact> value, String by, Instant at) {
        return CompletableFuture.completedFuture(appendVersion(contacts, client, List.copyOf(value), by, at));
    }

    @Override
    public CompletionStage<Optional<Care.Versioned<List<Care.EmergencyContact>>>> contacts(UserRef client) {
        return CompletableFuture.completedFuture(last(contacts.get(client)));
    }

    @Override
    public CompletionStage<Care.Versioned<Care.SafetyPlan>> appendPlan(
            UserRef client, Care.SafetyPlan plan, String by, Instant at) {
        return CompletableFuture.completedFuture(appendVersion(plans, client, plan, by, at));
    }

    @Override
    public CompletionStage<Optional<Care.Versioned<Care.SafetyPlan>>> plan(UserRef client) {
        return CompletableFuture.completedFuture(last(plans.get(client)));
    }

    private static <T> Care.Versioned<T> appendVersion(
            Map<UserRef, List<Care.Versioned<T>>> map, UserRef client, T value, String by, Instant at) {
        @SuppressWarnings("unchecked")
        Care.Versioned<T>[] made = new Care.Versioned[1];
        map.compute(client, (k, list) -> {
            made[0] = new Care.Versioned<>(list == null ? 1 : list.size() + 1, value, by, at);
            return append(list, made[0]);
        });
        return made[0];
    }

    private static <T> List<T> append(@Nullable List<T> list, T item) {
        List<T> next = list == null ? new ArrayList<>() : new ArrayList<>(list);
        next.add(item);
        return List.copyOf(next);
    }

    private static <T> Optional<T> last(@Nullable List<T> list) {
        return list == null || list.isEmpty() ? Optional.empty() : Optional.of(list.get(list.size() - 1));
    }
}
