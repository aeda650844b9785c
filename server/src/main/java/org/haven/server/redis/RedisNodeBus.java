package org.haven.server.redis;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.haven.server.cluster.NodeBus;

/**
 * The node bus on Redis pub/sub: one channel per node, one for broadcasts, each under a hash tag of
 * its own. Lettuce subscribes again by itself after a reconnect. On a Redis Cluster, PUBLISH reaches
 * subscribers on every master (classic pub/sub is cluster-wide).
 */
public final class RedisNodeBus implements NodeBus {

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

    private String everyone() {
        return keys.tagged("nodes", "bus");
    }

    @Override
    public CompletionStage<Void> start(Consumer<String> receiver) {
        String mine = channelOf(node);
        String all = everyone();
        return redis.connectPubSub().thenCompose(connection -> {
            connection.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    if (channel.equals(mine) || channel.equals(all)) {
                        receiver.accept(message);
                    }
                }
            });
            return connection.async().subscribe(mine, all);
        });
    }

    @Override
    public CompletionStage<Void> send(String node, String message) {
        return redis.commands().publish(channelOf(node), message).thenApply(n -> null);
    }

    @Override
    public CompletionStage<Void> broadcast(String message) {
        return redis.commands().publish(everyone(), message).thenApply(n -> null);
    }

    @Override
    public boolean isUp() {
        return redis.isUp();
    }
}
