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

    @org.junit.jupiter.api.Test
    void everyKeyOfARecordExpiresAlthoughMostEntriesDoNotRenewIt() throws Exception {
        RedisKeys keys = RedisServers.freshKeys();
        new RedisLeases(redis.standalone(), keys, "n-1", Duration.ofSeconds(30))
                .acquireOrRenew("org:o")
                .toCompletableFuture()
                .get();
        RedisRoomJournal journal = new RedisRoomJournal(redis.standalone(), keys, "n-1", 10);
        org.haven.server.room.RoomKey room = new org.haven.server.room.RoomKey("o", "r");
        java.util.function.Function<RoomJournal.Entry, RoomJournal.Appended> append =
                e -> journal.append(room, e).toCompletableFuture().join();
        append.apply(new RoomJournal.Entry(1, 0, 1, "{}", "{}", java.util.Map.of(), java.util.List.of(), true, true));
        append.apply(new RoomJournal.Entry(
                2,
                1,
                2,
                "{}",
                null,
                java.util.Map.of("bo", "{}"),
                java.util.List.of(),
                false,
                false)); // the members' hash is created by an entry that does not refresh
        append.apply(new RoomJournal.Entry(3, 2, 3, "{}", null, java.util.Map.of(), java.util.List.of(), false, false));
        for (String kind : java.util.List.of("rooms", "room:r:events", "room:r:meta", "room:r:members")) {
            long ttl = redis.standalone()
                    .commands()
                    .pttl(keys.tagged("org:o", kind))
                    .toCompletableFuture()
                    .get();
            org.assertj.core.api.Assertions.assertThat(ttl).as(kind).isPositive();
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
