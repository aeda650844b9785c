package org.haven.loadtest.scenario;

import java.util.List;
import java.util.Set;
import org.haven.loadtest.wire.WirePeer;

/**
 * A span of a chat schedule during which {@code posters} post in turn at a fixed total rate. Every
 * post is delivered to each reader of its room; {@code silent} members neither post nor count as
 * readers (the slow consumers), so a delivery to them is not counted.
 *
 * @param readersPerRoom for each room, the members expected to receive each of its posts
 * @param measured whether this phase's figures are reported (a warm-up is not)
 */
record Phase(
        String name,
        long startNanos,
        long endNanos,
        double postsPerSecond,
        List<ChatRooms.Member> posters,
        int[] readersPerRoom,
        Set<WirePeer> silent,
        boolean measured) {

    /** A phase of {@code chat} in which every member but {@code silent} posts once every {@code intervalSeconds}. */
    static Phase of(
            String name,
            long startNanos,
            double seconds,
            ChatRooms chat,
            double intervalSeconds,
            Set<WirePeer> silent,
            boolean measured) {
        List<ChatRooms.Member> active = chat.activeMembers(silent);
        int[] readers = new int[chat.rooms()];
        active.forEach(m -> readers[m.room()]++);
        return new Phase(
                name,
                startNanos,
                startNanos + (long) (seconds * 1e9),
                active.size() / intervalSeconds,
                active,
                readers,
                silent,
                measured);
    }

    double seconds() {
        return (endNanos - startNanos) / 1e9;
    }

    /** Each poster's interval between two posts, in milliseconds. */
    double intervalMillis() {
        return posters.size() * 1000.0 / postsPerSecond;
    }
}
