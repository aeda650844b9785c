package org.haven.server.redis;

import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.haven.protocol.PresenceStatus;
import org.haven.server.presence.Presence;
import org.haven.server.presence.PresenceStore;
import org.haven.server.presence.UserRef;

/**
 * {@link PresenceStore} in Redis, shared by every node, which also notices nodes that died.
 *
 * <p>Layout. Per user (hash tag {@code {org:user}}): a hash from connection id to the node life
 * that holds it, and the user's status. Per node life (its own slot): the set of the connections
 * it holds. Shared (slot {@code {nodes}}): a sorted set of live node lives scored by the Redis-clock
 * time their heartbeat runs out, and a sorted set of dead lives being cleaned up, scored by when
 * that clean-up's lease ends. A <em>life</em> is this store's node id plus a random suffix; it is
 * replaced when the node learns it was declared dead, so nothing a survivor is still removing can
 * be confused with what the node registers afterwards.
 *
 * <p>Guarantees, besides those of {@link PresenceStore}: changes to one user are single Lua scripts,
 * sent in call order on the connection that serves the user's slot. A node that stops calling
 * {@link #heartbeat()} for {@code ttl} (at most 15 s) is dead: the next {@link #reapDeadNodes()} on
 * any surviving node removes the dead node's connections and reports every user left offline by
 * it. Each dead life is cleaned up by one survivor at a time, under a lease; if that survivor dies
 * too, another takes over once the lease ends, and users may then be reported twice (leaves are
 * announced at least once). With heartbeats every {@code ttl / 3} and reaping every second or two,
 * others see the leaves of a dead node within {@code ttl} plus one reaping interval.
 *
 * <p>Non-blocking and thread-safe. The server schedules {@link #heartbeat()} and
 * {@link #reapDeadNodes()}; connection ids must be unique across nodes.
 */
public final class RedisPresenceStore implements PresenceStore {

    /** Longest time-to-live allowed: others must see a dead node's leaves within 15 s. */
    public static final Duration MAX_TTL = Duration.ofSeconds(15);
    /** How long one survivor may take to clean up after a dead node before another takes over. */
    static final Duration REAP_LEASE = Duration.ofSeconds(30);

    private static final int REAP_BATCH = 500;

    /** ARGV: connection, life. Replies {connections, status}. KEYS: connections, status. */
    private static final RedisScript CONNECT = new RedisScript("""
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            return {redis.call('HLEN', KEYS[1]), redis.call('GET', KEYS[2]) or ''}
            """);

    /** ARGV: connection. */
    private static final RedisScript DISCONNECT = new RedisScript("""
            redis.call('HDEL', KEYS[1], ARGV[1])
            local n = redis.call('HLEN', KEYS[1])
            if n == 0 then
              redis.call('DEL', KEYS[2])
            end
            return {n, redis.call('GET', KEYS[2]) or ''}
            """);

    /** ARGV: status. */
    private static final RedisScript SET_STATUS = new RedisScript("""
            local n = redis.call('HLEN', KEYS[1])
            if n > 0 then
              redis.call('SET', KEYS[2], ARGV[1])
            end
            return {n, redis.call('GET', KEYS[2]) or ''}
            """);

    private static final RedisScript GET = new RedisScript("""
            return {redis.call('HLEN', KEYS[1]), redis.call('GET', KEYS[2]) or ''}
            """);

    /** Removes a connection only if the dead life still holds it. ARGV: connection, life. Replies 1 if the user went offline. */
    private static final RedisScript REAP_CONNECTION = new RedisScript("""
            if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then
              return 0
            end
            redis.call('HDEL', KEYS[1], ARGV[1])
            if redis.call('HLEN', KEYS[1]) > 0 then
              return 0
            end
            redis.call('DEL', KEYS[2])
            return 1
            """);

    /**
     * KEYS: live lives, lives being reaped. ARGV: life, ttl (ms), 'register' or 'renew'. Renewing
     * a life that is no longer live (declared dead, or lost with Redis' data) replies 0.
     */
    private static final RedisScript HEARTBEAT = new RedisScript("""
            local t = redis.call('TIME')
            local now = t[1] * 1000 + math.floor(t[2] / 1000)
            if ARGV[3] == 'renew' and not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
              return 0
            end
            redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
            return 1
            """);

    /**
     * Claims dead lives for clean-up: lives whose heartbeat ran out move to the reaping set under a
     * lease, and lives whose earlier lease ran out (their reaper died) get a new one. KEYS: live
     * lives, lives being reaped. ARGV: lease (ms), most to claim.
     */
    private static final RedisScript CLAIM_DEAD = new RedisScript("""
            local t = redis.call('TIME')
            local now = t[1] * 1000 + math.floor(t[2] / 1000)
            local until_ = now + tonumber(ARGV[1])
            local claimed = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
            for _, life in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))) do
              redis.call('ZREM', KEYS[1], life)
              claimed[#claimed + 1] = life
            end
            for _, life in ipairs(claimed) do
              redis.call('ZADD', KEYS[2], until_, life)
            end
            return claimed
            """);

    private final RedisConnections redis;
    private final RedisKeys keys;
    private final String nodeId;
    private final Duration ttl;
    private volatile String life;
    private volatile boolean registered;

    /**
     * A store for node {@code nodeId} (unique among running nodes, opaque), whose heartbeat lasts
     * {@code ttl} (more than 0, at most {@link #MAX_TTL}).
     */
    public RedisPresenceStore(RedisConnections redis, RedisKeys keys, String nodeId, Duration ttl) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0 and <= " + MAX_TTL + ")");
        }
        this.ttl = ttl;
        this.life = newLife();
    }

    @Override
    public CompletionStage<Presence> connect(UserRef user, String connectionId) {
        RedisClusterAsyncCommands<String, String> c = redis.commands();
        String holder = life;
        // Listed under the node first: a node that dies in between leaves nothing unreaped behind.
        CompletionStage<Long> listed = c.sadd(connectionsOf(holder), member(user, connectionId));
        CompletionStage<Presence> changed = run(CONNECT, user, connectionId, holder);
        return listed.thenCombine(changed, (n, presence) -> presence);
    }

    @Override
    public CompletionStage<Presence> disconnect(UserRef user, String connectionId) {
        CompletionStage<Presence> changed = run(DISCONNECT, user, connectionId);
        CompletionStage<Long> unlisted = redis.commands().srem(connectionsOf(life), member(user, connectionId));
        return changed.thenCombine(unlisted, (presence, n) -> presence);
    }

    @Override
    public CompletionStage<Presence> setStatus(UserRef user, PresenceStatus status) {
        return run(SET_STATUS, user, status.name());
    }

    @Override
    public CompletionStage<Presence> get(UserRef user) {
        return run(GET, user);
    }

    /**
     * Renews this node's heartbeat; the server calls it every {@code ttl / 3} or so. The first call
     * registers the node, and should come before the first {@link #connect}. Completes {@code true}
     * while the node's entries are intact, and {@code false} when they were lost — the node missed
     * its deadline and was declared dead, or Redis lost its data. The store has then started a new
     * life: the server must {@link #connect} every connection it still holds again (the others
     * were told these users left), and announce the joins. Not to be called concurrently with itself.
     */
    public CompletionStage<Boolean> heartbeat() {
        String current = life;
        String mode = registered ? "renew" : "register";
        return HEARTBEAT
                .<Long>run(
                        redis.commands(),
                        ScriptOutputType.INTEGER,
                        liveLivesKeys(),
                        current,
                        Long.toString(ttl.toMillis()),
                        mode)
                .thenCompose(alive -> {
                    if (alive == 1L) {
                        registered = true;
                        return CompletableFuture.completedFuture(true);
                    }
                    String next = newLife();
                    life = next;
                    return HEARTBEAT
                            .<Long>run(
                                    redis.commands(),
                                    ScriptOutputType.INTEGER,
                                    liveLivesKeys(),
                                    next,
                                    Long.toString(ttl.toMillis()),
                                    "register")
                            .thenApply(done -> false);
                });
    }

    /**
     * Cleans up after nodes whose heartbeat ran out: removes the connections they held and completes
     * with the users that are offline because of it (each once per call), so the server can announce
     * their leaves. Completes with an empty list when no node died.
     */
    public CompletionStage<List<UserRef>> reapDeadNodes() {
        return CLAIM_DEAD
                .<List<Object>>run(
                        redis.commands(),
                        ScriptOutputType.MULTI,
                        liveLivesKeys(),
                        Long.toString(REAP_LEASE.toMillis()),
                        Integer.toString(REAP_BATCH))
                .thenCompose(lives -> {
                    Set<UserRef> offline = ConcurrentHashMap.newKeySet();
                    CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
                    for (Object dead : lives) {
                        all = all.thenCompose(v -> reap((String) dead, offline));
                    }
                    return all.thenApply(v -> List.copyOf(new LinkedHashSet<>(offline)));
                });
    }

    /** The life this store registers connections under (tests). */
    String life() {
        return life;
    }

    private CompletableFuture<Void> reap(String deadLife, Set<UserRef> offline) {
        return reapFrom(deadLife, ScanCursor.INITIAL, offline)
                .thenCompose(v -> redis.commands().del(connectionsOf(deadLife)))
                .thenCompose(v -> redis.commands().zrem(reapingKey(), deadLife))
                .thenApply(v -> null);
    }

    private CompletableFuture<Void> reapFrom(String deadLife, ScanCursor cursor, Set<UserRef> offline) {
        RedisClusterAsyncCommands<String, String> c = redis.commands();
        return c.sscan(connectionsOf(deadLife), cursor, ScanArgs.Builder.limit(REAP_BATCH))
                .toCompletableFuture()
                .thenCompose(page -> {
                    List<CompletableFuture<Void>> removals =
                            new ArrayList<>(page.getValues().size());
                    for (String member : page.getValues()) {
                        String[] parts = member.split(":", 3);
                        UserRef user = new UserRef(RedisKeys.unescape(parts[0]), RedisKeys.unescape(parts[1]));
                        removals.add(REAP_CONNECTION
                                .<Long>run(c, ScriptOutputType.INTEGER, userKeys(user), parts[2], deadLife)
                                .thenAccept(wentOffline -> {
                                    if (wentOffline == 1L) {
                                        offline.add(user);
                                    }
                                })
                                .toCompletableFuture());
                    }
                    CompletableFuture<Void> batch = CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new));
                    return page.isFinished() ? batch : batch.thenCompose(v -> reapFrom(deadLife, page, offline));
                });
    }

    private CompletionStage<Presence> run(RedisScript script, UserRef user, String... args) {
        return script.<List<Object>>run(redis.commands(), ScriptOutputType.MULTI, userKeys(user), args)
                .thenApply(reply -> {
                    int connections = ((Long) reply.get(0)).intValue();
                    String status = (String) reply.get(1);
                    if (connections == 0) {
                        return Presence.offline(user);
                    }
                    return new Presence(
                            user,
                            status.isEmpty() ? PresenceStatus.AVAILABLE : PresenceStatus.valueOf(status),
                            connections);
                });
    }

    private String[] userKeys(UserRef user) {
        return new String[] {keys.user(user, "connections"), keys.user(user, "status")};
    }

    /** The sorted sets of live lives and of lives being reaped, in one slot. */
    private String[] liveLivesKeys() {
        return new String[] {keys.tagged("nodes", "live"), reapingKey()};
    }

    private String reapingKey() {
        return keys.tagged("nodes", "reaping");
    }

    private String connectionsOf(String nodeLife) {
        return keys.tagged("node:" + nodeLife, "connections");
    }

    private static String member(UserRef user, String connectionId) {
        return RedisKeys.escape(user.org()) + ":" + RedisKeys.escape(user.user()) + ":" + connectionId;
    }

    private String newLife() {
        return nodeId + "/" + UUID.randomUUID();
    }
}
