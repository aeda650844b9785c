package org.haven.server.redis;

import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.haven.server.cluster.NodeLease;

/**
 * The active node's lease in Redis: one key holding the node id with a time-to-live, taken with
 * {@code SET NX PX} semantics and renewed (or released) only by the node whose id it holds, each in
 * one script. The time-to-live is measured by Redis' clock, so nodes' clocks do not matter.
 */
public final class RedisNodeLease implements NodeLease {

    private static final RedisScript ACQUIRE_OR_RENEW = new RedisScript("""
            local holder = redis.call('GET', KEYS[1])
            if not holder then
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
              return 1
            end
            if holder == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return 1
            end
            return 0
            """);

    private static final RedisScript RELEASE = new RedisScript("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """);

    private final RedisConnections redis;
    private final String key;
    private final String nodeId;
    private final Duration ttl;

    /** The lease for node {@code nodeId} (unique among running nodes), lasting {@code ttl} unless renewed. */
    public RedisNodeLease(RedisConnections redis, RedisKeys keys, String nodeId, Duration ttl) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.key = keys.tagged("cluster", "active-node");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
    }

    @Override
    public CompletionStage<Boolean> acquireOrRenew() {
        return ACQUIRE_OR_RENEW.<Long>run(redis.commands(), ScriptOutputType.INTEGER, new String[] {key}, nodeId,
                Long.toString(ttl.toMillis())).thenApply(held -> held == 1L);
    }

    @Override
    public CompletionStage<Void> release() {
        return RELEASE.<Long>run(redis.commands(), ScriptOutputType.INTEGER, new String[] {key}, nodeId)
                .thenApply(n -> null);
    }
}
