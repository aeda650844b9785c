package org.haven.server.redis;

import java.time.Duration;
import org.haven.server.cluster.Leases;
import org.haven.server.room.RoomJournal;
import org.haven.server.room.RoomJournalContract;
import org.haven.server.testing.RedisServers;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RedisRoomJournal} keeps the {@link RoomJournal} contract on one Redis server and on a
 * three-master cluster (where the fence, the lease, shares the slot of the organisation's rooms).
 */
class RedisRoomJournalIT {

    @RegisterExtension
    static final RedisServers redis = new RedisServers();

    @Nested
    class OneServer extends RoomJournalContract {
        private final RedisKeys keys = RedisServers.freshKeys();

        @Override
        protected RoomJournal journalOf(String node) {
            return new RedisRoomJournal(redis.standalone(), keys, node, MAX_EVENTS);
        }

        @Override
        protected Leases leasesOf(String node) {
            return new RedisLeases(redis.standalone(), keys, node, Duration.ofSeconds(30));
        }
    }

    @Nested
    class Cluster extends RoomJournalContract {
        private final RedisKeys keys = RedisServers.freshKeys();

        @Override
        protected RoomJournal journalOf(String node) {
            return new RedisRoomJournal(redis.cluster(), keys, node, MAX_EVENTS);
        }

        @Override
        protected Leases leasesOf(String node) {
            return new RedisLeases(redis.cluster(), keys, node, Duration.ofSeconds(30));
        }
    }
}
