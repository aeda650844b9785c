package org.haven.server.care;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.haven.server.presence.UserRef;
import org.jspecify.annotations.Nullable;

/**
 * Which rooms each client has been part of (joined, or checked in for): a clinician may see and
 * edit the care records of the clients of the rooms they are granted.
 *
 * <p>Bounded: the {@link #MAX_CLIENTS} clients seen most recently, and each client's last {@link
 * #MAX_ROOMS_PER_CLIENT} rooms (a join or a check-in adds one again). It was a map that only grew,
 * a set per client ever seen. A client past either bound is affiliated again by their next join or
 * check-in; until then a clinician granted only that room does not see their record.
 *
 * <p>Threading: any thread; a concurrent cache of sets each changed and read under its own lock.
 */
public final class RoomAffiliations {

    /** How many clients' rooms a node remembers, at most (the least recently used go first). */
    static final int MAX_CLIENTS = 200_000;

    /** How many rooms of one client are remembered, at most (the longest unused go first). */
    static final int MAX_ROOMS_PER_CLIENT = 32;

    private final Cache<UserRef, Set<String>> rooms =
            Caffeine.newBuilder().maximumSize(MAX_CLIENTS).build();

    public void add(UserRef client, String room) {
        Set<String> of = rooms.get(client, c -> new LinkedHashSet<>());
        synchronized (of) {
            of.remove(room);
            of.add(room);
            if (of.size() > MAX_ROOMS_PER_CLIENT) {
                Iterator<String> oldest = of.iterator();
                oldest.next();
                oldest.remove();
            }
        }
    }

    public boolean isAffiliated(UserRef client, String room) {
        Set<String> of = rooms.getIfPresent(client);
        if (of == null) {
            return false;
        }
        synchronized (of) {
            return of.contains(room);
        }
    }

    /** Whether {@code client} is in any of {@code grantedRooms}. */
    public boolean sharesAny(UserRef client, Set<String> grantedRooms) {
        for (String room : roomsOf(client)) {
            if (grantedRooms.contains(room)) {
                return true;
            }
        }
        return false;
    }

    /** The rooms remembered for {@code client}, longest unused first (a copy). */
    List<String> roomsOf(UserRef client) {
        @Nullable Set<String> of = rooms.getIfPresent(client);
        if (of == null) {
            return List.of();
        }
        synchronized (of) {
            return new ArrayList<>(of);
        }
    }
}
