package org.haven.server.care;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.haven.server.presence.UserRef;

/**
 * Which rooms each client has been part of (joined, or checked in for): a clinician may see and
 * edit the care records of the clients of the rooms they are granted.
 *
 * <p>Threading: any thread; a concurrent map of concurrent sets.
 */
public final class RoomAffiliations {

    private final Map<UserRef, Set<String>> rooms = new ConcurrentHashMap<>();

    public void add(UserRef client, String room) {
        rooms.computeIfAbsent(client, c -> ConcurrentHashMap.newKeySet()).add(room);
    }

    public boolean isAffiliated(UserRef client, String room) {
        Set<String> of = rooms.get(client);
        return of != null && of.contains(room);
    }

    /** Whether {@code client} is in any of {@code grantedRooms}. */
    public boolean sharesAny(UserRef client, Set<String> grantedRooms) {
        Set<String> of = rooms.get(client);
        if (of == null) {
            return false;
        }
        for (String room : of) {
            if (grantedRooms.contains(room)) {
                return true;
            }
        }
        return false;
    }
}
