package org.haven.server.session;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.haven.server.presence.UserRef;

/**
 * The live sessions of this node, by user and by token id: for the per-user limit and for
 * revocation.
 *
 * <p>Threading: any thread; a concurrent map of concurrent sets.
 */
final class SessionDirectory {

    private final Map<UserRef, Set<ClientSession>> byUser = new ConcurrentHashMap<>();

    /** Adds a session unless its user already has {@code max}; false when refused. */
    boolean add(UserRef user, ClientSession session, int max) {
        boolean[] added = {false};
        byUser.compute(user, (u, set) -> {
            Set<ClientSession> s = set != null ? set : ConcurrentHashMap.newKeySet();
            if (s.size() < max) {
                s.add(session);
                added[0] = true;
            }
            return s.isEmpty() ? null : s;
        });
        return added[0];
    }

    void remove(UserRef user, ClientSession session) {
        byUser.computeIfPresent(user, (u, set) -> {
            set.remove(session);
            return set.isEmpty() ? null : set;
        });
    }

    List<ClientSession> of(UserRef user) {
        return List.copyOf(byUser.getOrDefault(user, Set.of()));
    }

    List<ClientSession> all() {
        return byUser.values().stream().flatMap(Set::stream).toList();
    }
}
