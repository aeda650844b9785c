package org.haven.server.redis;

import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.haven.server.cluster.NodeBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node bus on Redis pub/sub: one channel per node, one for broadcasts, each under a hash tag of
 * its own, and a best-effort urgent lane per node (its own channel, publishing connection and
 * subscribing connection), so an alert's fast copy is not written or queued behind the chat the
 * node relays (Lettuce may still read both subscribing connections on one I/O thread). On one server (or Sentinel), classic {@code PUBLISH}/{@code SUBSCRIBE}; Lettuce subscribes
 * again by itself after a reconnect. On a Redis Cluster, <em>sharded</em> pub/sub
 * ({@code SPUBLISH}/{@code SSUBSCRIBE}): a message travels only within the shard that owns its
 * channel's slot, instead of to every master, and the nodes' channels spread over the shards by
 * their hash tags. Lettuce sends each {@code SSUBSCRIBE} to the master owning the slot but does not
 * follow a slot that moves (failover, resharding), so this bus subscribes again when Redis says a
 * channel was unsubscribed, and every few seconds (a repeated {@code SSUBSCRIBE} is harmless).
 */
public final class RedisNodeBus implements NodeBus {

    private static final Logger log = LoggerFactory.getLogger(RedisNodeBus.class);

    /** How often a cluster bus renews its sharded subscriptions. */
    static final Duration RESUBSCRIBE_EVERY = Duration.ofSeconds(5);

    private final RedisConnections redis;
    private final RedisKeys keys;
    private final String node;

    public RedisNodeBus(RedisConnections redis, RedisKeys keys, String node) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.node = Objects.requireNonNull(node, "node");
    }

    private String channelOf(String node) {
        return keys.tagged("node:" + node, "bus");
    }

    /** A node's urgent lane: its own channel (in the same slot as the node's other channel), its own connections. */
    private String urgentChannelOf(String node) {
        return keys.tagged("node:" + node, "bus:urgent");
    }

    private String everyone() {
        return keys.tagged("nodes", "bus");
    }

    @Override
    public CompletionStage<Void> start(Consumer<String> receiver) {
        // Two subscriptions on two connections: an urgent message is not read behind the other's backlog.
        return listen(List.of(channelOf(node), everyone()), receiver)
                .thenCompose(v -> listen(List.of(urgentChannelOf(node)), receiver));
    }

    /** Subscribes {@code channels} on a pub/sub connection of their own, delivering their messages to {@code receiver}. */
    private CompletionStage<Void> listen(List<String> channels, Consumer<String> receiver) {
        return redis.connectPubSub().thenCompose(connection -> {
            if (!redis.isCluster()) {
                connection.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        if (channels.contains(channel)) {
                            receiver.accept(message);
                        }
                    }
                });
                return connection.async().subscribe(channels.toArray(String[]::new));
            }
            StatefulRedisClusterPubSubConnection<String, String> sharded =
                    (StatefulRedisClusterPubSubConnection<String, String>) connection;
            sharded.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void smessage(String channel, String message) {
                    if (channels.contains(channel)) {
                        receiver.accept(message);
                    }
                }

                @Override
                public void sunsubscribed(String channel, long count) {
                    if (channels.contains(channel) && sharded.isOpen()) {
                        // Redis drops a sharded subscription whose slot moved: follow it.
                        subscribe(sharded, channel).exceptionally(e -> null);
                    }
                }
            });
            redis.every(
                    RESUBSCRIBE_EVERY,
                    () -> channels.forEach(channel -> subscribe(sharded, channel)
                            .exceptionally(e -> {
                                log.debug(
                                        "bus subscription not renewed ({})",
                                        e.getClass().getSimpleName());
                                return null;
                            })));
            return CompletableFuture.allOf(channels.stream()
                    .map(channel -> subscribe(sharded, channel))
                    .toArray(CompletableFuture[]::new));
        });
    }

    /**
     * Subscribes {@code channel} on the master owning its slot, opening the connection to that master
     * first (a command sent while it is being opened would be refused).
     */
    private static CompletableFuture<Void> subscribe(
            StatefulRedisClusterPubSubConnection<String, String> connection, String channel) {
        RedisClusterNode master = connection.getPartitions().getMasterBySlot(SlotHash.getSlot(channel));
        CompletionStage<?> ready = master == null
                ? CompletableFuture.completedFuture(null)
                : connection.getConnectionAsync(
                        master.getUri().getHost(), master.getUri().getPort());
        return ready.thenCompose(c -> connection.async().ssubscribe(channel)).toCompletableFuture();
    }

    @Override
    public CompletionStage<Void> send(String node, String message) {
        return publish(channelOf(node), message).thenApply(n -> null);
    }

    /**
     * Publishes as {@link #send}; on one Redis server, false when no subscriber of the node's channel
     * received it (Redis dropped a dead node's subscription with its connection). On a Redis
     * Cluster it cannot tell: {@code SPUBLISH} counts only the subscribers of the server that took
     * it, and after a failover a node may still listen on another server of the shard.
     */
    @Override
    public CompletionStage<Boolean> reach(String node, String message) {
        return redis.isCluster()
                ? send(node, message).thenApply(sent -> true)
                : publish(channelOf(node), message).thenApply(received -> received > 0);
    }

    /**
     * Publishes on the node's urgent channel, from the urgent connection: best effort (a node of an
     * earlier version does not listen there), the sender also sends it with {@link #send}.
     */
    @Override
    public CompletionStage<Void> sendUrgent(String node, String message) {
        String channel = urgentChannelOf(node);
        CompletionStage<Long> urgent = redis.isCluster()
                ? redis.urgentCommands().spublish(channel, message)
                : redis.urgentCommands().publish(channel, message);
        return urgent.thenApply(received -> null);
    }

    /** Completes with the subscribers of the broadcast channel: every node subscribes once. */
    @Override
    public CompletionStage<Long> broadcast(String message) {
        return publish(everyone(), message);
    }

    /** Completes with how many subscribers received it (in the channel's shard, on a cluster). */
    private CompletionStage<Long> publish(String channel, String message) {
        return redis.isCluster()
                ? redis.commands().spublish(channel, message)
                : redis.commands().publish(channel, message);
    }

    @Override
    public boolean isUp() {
        return redis.isUp();
    }
}
