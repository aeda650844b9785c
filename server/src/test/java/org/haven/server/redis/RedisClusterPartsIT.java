package org.haven.server.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.haven.server.testing.RedisServers;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The parts the nodes of a cluster share, on one Redis server and on a three-master cluster:
 * {@link RedisLeases} (held by one node at a time, renewed and released only by it, free again once
 * it stops renewing) and {@link RedisNodeBus} (to one node, to all).
 */
class RedisClusterPartsIT {

    @RegisterExtension
    static final RedisServers redis = new RedisServers();

    abstract static class Contract {
        abstract RedisConnections connections();

        private final RedisKeys keys = RedisServers.freshKeys();

        @Test
        void aLeaseIsHeldByOneNodeAtATime() throws Exception {
            RedisLeases a = new RedisLeases(connections(), keys, "node-a", Duration.ofSeconds(10));
            RedisLeases b = new RedisLeases(connections(), keys, "node-b", Duration.ofSeconds(10));
            assertThat(get(a.acquireOrRenew("org:demo"))).isEqualTo("node-a");
            assertThat(get(b.acquireOrRenew("org:demo")))
                    .as("taken: b learns the holder")
                    .isEqualTo("node-a");
            assertThat(get(a.acquireOrRenew("org:demo")))
                    .as("renewed by its holder")
                    .isEqualTo("node-a");
            assertThat(get(b.holder("org:demo"))).contains("node-a");
            get(b.release("org:demo"));
            assertThat(get(a.holder("org:demo"))).as("only the holder releases").contains("node-a");
            get(a.release("org:demo"));
            assertThat(get(b.holder("org:demo"))).isEqualTo(Optional.empty());
            assertThat(get(b.acquireOrRenew("org:demo")))
                    .as("free again: taken at once")
                    .isEqualTo("node-b");
        }

        @Test
        void aLeaseNotRenewedRunsOut() throws Exception {
            RedisLeases a = new RedisLeases(connections(), keys, "node-a", Duration.ofMillis(300));
            RedisLeases b = new RedisLeases(connections(), keys, "node-b", Duration.ofMillis(300));
            assertThat(get(a.acquireOrRenew("node:node-a"))).isEqualTo("node-a");
            Awaitility.await()
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> get(b.holder("node:node-a")).isEmpty());
            assertThat(get(b.acquireOrRenew("node:node-a"))).isEqualTo("node-b");
        }

        @Test
        void theBusCarriesMessagesToOneNodeAndToAll() throws Exception {
            RedisNodeBus a = new RedisNodeBus(connections(), keys, "node-a");
            RedisNodeBus b = new RedisNodeBus(connections(), keys, "node-b");
            List<String> toA = new CopyOnWriteArrayList<>();
            List<String> toB = new CopyOnWriteArrayList<>();
            get(a.start(toA::add));
            get(b.start(toB::add));
            for (int i = 0; i < 100; i++) {
                get(a.send("node-b", "m" + i));
            }
            get(b.broadcast("everyone"));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> toB.size() == 101 && toA.size() == 1);
            assertThat(toB.subList(0, 100))
                    .as("in the order sent")
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 100)
                            .mapToObj(i -> "m" + i)
                            .toList());
            assertThat(toB.get(100)).isEqualTo("everyone");
            assertThat(toA).containsExactly("everyone");
            assertThat(a.isUp()).isTrue();
        }

        /** How many subscribe to {@code channel} (classic or sharded, as the bus uses them). */
        abstract long subscribers(String channel) throws Exception;

        @Test
        void anUrgentMessageTakesTheNodesOwnLane() throws Exception {
            RedisNodeBus a = new RedisNodeBus(connections(), keys, "node-a");
            RedisNodeBus b = new RedisNodeBus(connections(), keys, "node-b");
            List<String> toB = new CopyOnWriteArrayList<>();
            get(a.start(m -> {}));
            get(b.start(toB::add));
            assertThat(subscribers(keys.tagged("node:node-b", "bus:urgent")))
                    .as("node-b listens on its urgent channel")
                    .isEqualTo(1);
            assertThat(subscribers(keys.tagged("node:node-b", "bus")))
                    .as("and on its channel")
                    .isEqualTo(1);

            get(a.sendUrgent("node-b", "alert"));

            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> toB.contains("alert"));
            assertThat(toB).as("the urgent lane alone carried it").containsExactly("alert");
        }

        @Test
        void anUrgentMessageToANodeNotListeningThereIsDroppedQuietly() throws Exception {
            // A node of an earlier version listens on its channel only: the sender's ordered copy reaches it.
            RedisNodeBus a = new RedisNodeBus(connections(), keys, "node-a");
            get(a.start(m -> {}));

            get(a.sendUrgent("node-old", "alert"));
        }

        private static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
            return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    @Nested
    class OneServer extends Contract {
        private final RedisKeys keys = RedisServers.freshKeys();

        @Test
        void aSenderLearnsWhetherTheNodeItSentToWasListening() throws Exception {
            RedisNodeBus a = new RedisNodeBus(connections(), keys, "node-a");
            RedisNodeBus b = new RedisNodeBus(connections(), keys, "node-b");
            Contract.get(a.start(m -> {}));
            assertThat(Contract.get(a.reach("node-b", "lost")))
                    .as("node-b does not listen yet: nobody received it")
                    .isFalse();
            List<String> toB = new CopyOnWriteArrayList<>();
            Contract.get(b.start(toB::add));
            assertThat(Contract.get(a.reach("node-b", "heard"))).isTrue();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> toB.contains("heard"));
            assertThat(toB).containsExactly("heard");
        }

        @Override
        RedisConnections connections() {
            return redis.standalone();
        }

        @Override
        long subscribers(String channel) throws Exception {
            return connections()
                    .commands()
                    .pubsubNumsub(channel)
                    .get(5, TimeUnit.SECONDS)
                    .getOrDefault(channel, 0L);
        }
    }

    @Nested
    class Cluster extends Contract {
        @Override
        RedisConnections connections() {
            return redis.cluster();
        }

        @Test
        void aSenderOnAClusterCannotTellWhetherTheNodeWasListeningAndSaysSo() throws Exception {
            // SPUBLISH counts only the subscribers of the server that took it: zero proves nothing.
            RedisKeys keys = RedisServers.freshKeys();
            RedisNodeBus a = new RedisNodeBus(connections(), keys, "node-a");
            Contract.get(a.start(m -> {}));
            assertThat(Contract.get(a.reach("node-gone", "lost")))
                    .as("cannot tell: the sender waits for an answer as before")
                    .isTrue();
        }

        @Override
        long subscribers(String channel) throws Exception {
            long n = 0;
            for (org.haven.server.testing.RedisProcess master : redis.clusterMasters()) {
                String[] answer =
                        master.command("PUBSUB SHARDNUMSUB " + channel).trim().split("\\s+");
                n += Long.parseLong(answer[answer.length - 1]);
            }
            return n;
        }

        @Test
        void theBusUsesShardedChannelsEachOnTheMasterOwningItsSlot() throws Exception {
            RedisKeys keys = RedisServers.freshKeys();
            RedisNodeBus bus = new RedisNodeBus(connections(), keys, "node-s");
            List<String> received = new CopyOnWriteArrayList<>();
            bus.start(received::add).toCompletableFuture().get(5, TimeUnit.SECONDS);
            String channel = keys.tagged("node:node-s", "bus");
            long sharded = 0;
            for (org.haven.server.testing.RedisProcess master : redis.clusterMasters()) {
                String shard = master.command("PUBSUB SHARDNUMSUB " + channel);
                String classic = master.command("PUBSUB NUMSUB " + channel);
                assertThat(classic).as("no classic subscription on any master").endsWith("0");
                sharded += shard.trim().endsWith("1") ? 1 : 0;
            }
            assertThat(sharded)
                    .as("one sharded subscription, on the one master owning the slot")
                    .isEqualTo(1);
            new RedisNodeBus(connections(), keys, "node-t")
                    .send("node-s", "hello")
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> received.contains("hello"));
        }

        @Test
        void theBusFollowsItsChannelWhenTheSlotMovesToAnotherMaster() throws Exception {
            RedisKeys keys = RedisServers.freshKeys();
            List<org.haven.server.testing.RedisProcess> masters = redis.clusterMasters();
            String node;
            int slot;
            do { // a channel whose slot holds no key, so it may be moved at once
                node = "node-" + java.util.UUID.randomUUID();
                slot = io.lettuce.core.cluster.SlotHash.getSlot(keys.tagged("node:" + node, "bus"));
            } while (!masters.get(0).command("CLUSTER COUNTKEYSINSLOT " + slot).equals("0"));
            String channel = keys.tagged("node:" + node, "bus");
            RedisNodeBus bus = new RedisNodeBus(connections(), keys, node);
            List<String> received = new CopyOnWriteArrayList<>();
            bus.start(received::add).toCompletableFuture().get(5, TimeUnit.SECONDS);
            org.haven.server.testing.RedisProcess owner = null;
            for (org.haven.server.testing.RedisProcess master : masters) {
                if (master.command("PUBSUB SHARDNUMSUB " + channel).endsWith("1")) {
                    owner = master;
                }
            }
            assertThat(owner).isNotNull();
            org.haven.server.testing.RedisProcess target = masters.get(masters.get(0) == owner ? 1 : 0);
            try {
                for (org.haven.server.testing.RedisProcess master : masters) {
                    master.command("CLUSTER SETSLOT " + slot + " NODE " + target.command("CLUSTER MYID"));
                }
                org.haven.server.testing.RedisProcess moved = target;
                Awaitility.await()
                        .atMost(Duration.ofSeconds(15))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() ->
                                moved.command("PUBSUB SHARDNUMSUB " + channel).endsWith("1"));
                String to = node;
                RedisNodeBus sender = new RedisNodeBus(connections(), keys, "node-t");
                Awaitility.await()
                        .atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(200))
                        .ignoreExceptions()
                        .until(() -> {
                            sender.send(to, "after the move")
                                    .toCompletableFuture()
                                    .get(2, TimeUnit.SECONDS);
                            return received.contains("after the move");
                        });
            } finally {
                for (org.haven.server.testing.RedisProcess master : masters) {
                    master.command("CLUSTER SETSLOT " + slot + " NODE " + owner.command("CLUSTER MYID"));
                }
            }
        }
    }
}
