package org.haven.server.redis;

import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.haven.server.cluster.Leases;

/**
 * Leases in Redis: one key per lease holding the holder's node id with a time-to-live, taken with
 * {@code SET NX PX} semantics and renewed (or released) only by the node whose id it holds, each in
 * one script. Times are Redis' clock, so nodes' clocks do not matter. Each lease's key carries its
 * name as hash tag: on a Redis Cluster, organisations' leases spread over the masters.
 */
public final class RedisLeases implements Leases {

    private static final RedisScript ACQUIRE_OR_RENEW = new RedisScript("""
            local holder = redis.call('GET', KEYS[1])
            if not holder then
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
              return ARGV[1]
            end
            if holder == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return holder
            """);

    private static final RedisScript RELEASE = new RedisScript("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """);

    private final RedisConnections redis;
    private final RedisKeys keys;
    private final String node;
    private final Duration ttl;

    /** Leases taken by node {@code node} (unique among running nodes), lasting {@code ttl} unless renewed. */
    public RedisLeases(RedisConnections redis, RedisKeys keys, String node, Duration ttl) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.node = Objects.requireNonNull(node, "node");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
    }

    @Override
    public String node() {
        return node;
    }

    private String key(String name) {
        return keys.tagged(name, "lease");
    }

    @Override
    public CompletionStage<String> acquireOrRenew(String name) {
        return ACQUIRE_OR_RENEW.<String>run(
                redis.commands(),
                ScriptOutputType.VALUE,
                new String[] {key(name)},
                node,
                Long.toString(ttl.toMillis()));
    }

    @Override
    public CompletionStage<Optional<String>> holder(String name) {
        return redis.commands().get(key(name)).thenApply(Optional::ofNullable);
    }

    @Override
    public CompletionStage<Void> release(String name) {
        return RELEASE.<Long>run(redis.commands(), ScriptOutputType.INTEGER, new String[] {key(name)}, node)
                .thenApply(n -> null);
    }
}
