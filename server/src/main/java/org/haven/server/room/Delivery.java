package org.haven.server.room;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.haven.server.connection.SharedRoute;
import org.jspecify.annotations.Nullable;

/**
 * Where one frame goes: connections of this node, and the ids of those on each other node's route
 * (a frame for several of them travels there once). Taken when an event happens, used when it is
 * delivered (after it is recorded, for a journaled room): the audience of an event is who was there.
 */
record Delivery(List<Connection> direct, @Nullable Map<SharedRoute, List<String>> routed) {

    /** Collects an audience, connection by connection. */
    static final class Builder {
        private final List<Connection> direct = new ArrayList<>();
        private @Nullable Map<SharedRoute, List<String>> routed;

        void add(Connection c) {
            SharedRoute route = c.route();
            if (route == null) {
                direct.add(c);
            } else {
                if (routed == null) {
                    routed = new HashMap<>();
                }
                routed.computeIfAbsent(route, r -> new ArrayList<>()).add(c.id());
            }
        }

        Delivery build() {
            return new Delivery(direct, routed);
        }
    }

    void send(Outbound frame) {
        for (Connection c : direct) {
            c.send(frame);
        }
        if (routed != null) {
            routed.forEach((route, ids) -> route.sendAll(frame, ids));
        }
    }
}
