package org.haven.server.presence;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.haven.protocol.PresenceStatus;
import org.jspecify.annotations.Nullable;

/** {@link PresenceStore} for one node: a concurrent map, each user's entry changed atomically. */
public final class InMemoryPresenceStore implements PresenceStore {

    private record Entry(PresenceStatus status, Set<String> connections) {}

    private final ConcurrentHashMap<UserRef, Entry> entries = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Presence> connect(UserRef user, String connectionId) {
        Entry entry = entries.compute(user, (u, e) -> {
            if (e == null) {
                return new Entry(PresenceStatus.AVAILABLE, Set.of(connectionId));
            }
            return new Entry(e.status, plus(e.connections, connectionId));
        });
        return done(user, entry);
    }

    @Override
    public CompletionStage<Presence> disconnect(UserRef user, String connectionId) {
        Entry entry = entries.computeIfPresent(user, (u, e) -> {
            Set<String> left = minus(e.connections, connectionId);
            return left.isEmpty() ? null : new Entry(e.status, left);
        });
        return done(user, entry);
    }

    @Override
    public CompletionStage<Presence> setStatus(UserRef user, PresenceStatus status) {
        Entry entry = entries.computeIfPresent(user, (u, e) -> new Entry(status, e.connections));
        return done(user, entry);
    }

    @Override
    public CompletionStage<Presence> get(UserRef user) {
        return done(user, entries.get(user));
    }

    private static CompletionStage<Presence> done(UserRef user, @Nullable Entry entry) {
        return CompletableFuture.completedFuture(
                entry == null ? Presence.offline(user) : new Presence(user, entry.status, entry.connections.size()));
    }

    private static Set<String> plus(Set<String> set, String item) {
        var copy = new HashSet<>(set);
        copy.add(item);
        return Set.copyOf(copy);
    }

    private static Set<String> minus(Set<String> set, String item) {
        var copy = new HashSet<>(set);
        copy.remove(item);
        return Set.copyOf(copy);
    }
}
