package org.haven.server.redis;

import io.lettuce.core.ScriptOutputType;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.haven.server.presence.UserRef;
import org.haven.server.push.PushSubscription;
import org.haven.server.push.PushSubscriptions;
import org.haven.server.storage.StoredJson;
import org.jspecify.annotations.Nullable;

/**
 * {@link PushSubscriptions} in Redis, shared by every node. Per organisation (hash tag {@code
 * {org}}): a hash of its subscriptions ({@code push}, field {@code <user>:<device>}, the
 * subscription's JSON), per user a sorted set of their devices by when they subscribed ({@code
 * push-devices:<user>}), and the set of its users on call ({@code push-oncall}); one Lua script
 * changes them together, so the bound of {@link #MAX_PER_USER} and the user's on-call flag hold when
 * nodes save at once. Beside them, in a slot of its own, the index from each endpoint to its
 * subscription ({@code {push}:endpoints}), which a push service's "gone" is looked up in. The index
 * is kept after the organisation's keys, so it may name a subscription that has since changed: a
 * removal by endpoint checks the subscription still has that endpoint, and removes it only if it is
 * unchanged since it was read.
 */
public final class RedisPushSubscriptions implements PushSubscriptions {

    /**
     * KEYS: subscriptions, the user's devices, users on call; ARGV: user, device, JSON, score, on call
     * (1 or 0), bound. Replies the JSON it replaced ('' if none), then each subscription it removed
     * past the bound, the oldest first, never the one saved.
     */
    private static final RedisScript SAVE = new RedisScript("""
            local prefix = ARGV[1] .. ':'
            local old = redis.call('HGET', KEYS[1], prefix .. ARGV[2])
            redis.call('HSET', KEYS[1], prefix .. ARGV[2], ARGV[3])
            redis.call('ZADD', KEYS[2], ARGV[4], ARGV[2])
            if ARGV[5] == '1' then
              redis.call('SADD', KEYS[3], ARGV[1])
            else
              redis.call('SREM', KEYS[3], ARGV[1])
            end
            local out = {old or ''}
            local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[6])
            if over > 0 then
              for _, device in ipairs(redis.call('ZRANGE', KEYS[2], 0, over)) do
                if over > 0 and device ~= ARGV[2] then
                  out[#out + 1] = redis.call('HGET', KEYS[1], prefix .. device) or ''
                  redis.call('HDEL', KEYS[1], prefix .. device)
                  redis.call('ZREM', KEYS[2], device)
                  over = over - 1
                end
              end
            end
            return out
            """);

    /**
     * KEYS as {@link #SAVE}; ARGV: user, device, and the JSON it must still have ('' for any). Replies
     * the JSON removed and whether the user was on call; nothing when there was none (or it had changed).
     */
    private static final RedisScript REMOVE = new RedisScript("""
            local field = ARGV[1] .. ':' .. ARGV[2]
            local value = redis.call('HGET', KEYS[1], field)
            if not value or (ARGV[3] ~= '' and value ~= ARGV[3]) then
              return {}
            end
            local onCall = redis.call('SISMEMBER', KEYS[3], ARGV[1])
            redis.call('HDEL', KEYS[1], field)
            redis.call('ZREM', KEYS[2], ARGV[2])
            if redis.call('ZCARD', KEYS[2]) == 0 then
              redis.call('SREM', KEYS[3], ARGV[1])
            end
            return {value, onCall}
            """);

    /** KEYS as {@link #SAVE}; ARGV: user. Replies whether they are on call, then their subscriptions, the oldest first. */
    private static final RedisScript LIST = new RedisScript("""
            local out = {redis.call('SISMEMBER', KEYS[3], ARGV[1])}
            for _, device in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
              local value = redis.call('HGET', KEYS[1], ARGV[1] .. ':' .. device)
              if value then
                out[#out + 1] = value
              end
            end
            return out
            """);

    /** KEYS: subscriptions, users on call. Replies both, whole. */
    private static final RedisScript ORG = new RedisScript("""
            return {redis.call('HVALS', KEYS[1]), redis.call('SMEMBERS', KEYS[2])}
            """);

    /** KEYS: the user's devices, users on call; ARGV: user, on call (1 or 0). A user without subscriptions is not. */
    private static final RedisScript ON_CALL = new RedisScript("""
            if ARGV[2] == '1' and redis.call('ZCARD', KEYS[1]) > 0 then
              redis.call('SADD', KEYS[2], ARGV[1])
            else
              redis.call('SREM', KEYS[2], ARGV[1])
            end
            return 1
            """);

    /** KEYS: the index; ARGV: endpoint, the subscription it must still name. */
    private static final RedisScript UNINDEX = new RedisScript("""
            if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
              return redis.call('HDEL', KEYS[1], ARGV[1])
            end
            return 0
            """);

    private final RedisConnections redis;
    private final RedisKeys keys;
    private final String index;

    public RedisPushSubscriptions(RedisConnections redis, RedisKeys keys) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.index = keys.tagged("push", "endpoints");
    }

    @Override
    public CompletionStage<List<PushSubscription>> save(PushSubscription s) {
        String json = StoredJson.write(s.withOnCall(false));
        String named = indexEntry(s.owner(), s.device());
        String endpoint = s.endpoint().toString();
        // The endpoint's earlier subscription first (another user's or device's), then this one.
        return redis.commands()
                .hget(index, endpoint)
                .thenCompose(previous -> previous == null || previous.equals(named)
                        ? CompletableFuture.completedFuture(List.<PushSubscription>of())
                        : removeNamed(previous, s.endpoint()))
                .thenCompose(taken -> SAVE.<List<Object>>run(
                                redis.commands(),
                                ScriptOutputType.MULTI,
                                userKeys(s.owner()),
                                RedisKeys.escape(s.user()),
                                RedisKeys.escape(s.device()),
                                json,
                                Long.toString(s.subscribedAt().toEpochMilli()),
                                s.onCall() ? "1" : "0",
                                Integer.toString(MAX_PER_USER))
                        .thenCompose(reply -> {
                            List<PushSubscription> removed = new ArrayList<>(taken);
                            List<CompletionStage<?>> unindexed = new ArrayList<>();
                            String replaced = (String) reply.get(0);
                            if (!replaced.isEmpty()) {
                                PushSubscription old = read(replaced, false);
                                if (!old.endpoint().equals(s.endpoint())) {
                                    unindexed.add(unindex(old));
                                }
                            }
                            for (Object value : reply.subList(1, reply.size())) {
                                if (!((String) value).isEmpty()) {
                                    PushSubscription old = read((String) value, s.onCall());
                                    removed.add(old);
                                    unindexed.add(unindex(old));
                                }
                            }
                            unindexed.add(redis.commands().hset(index, endpoint, named));
                            return CompletableFuture.allOf(unindexed.stream()
                                            .map(CompletionStage::toCompletableFuture)
                                            .toArray(CompletableFuture[]::new))
                                    .thenApply(v -> List.copyOf(removed));
                        }));
    }

    @Override
    public CompletionStage<Optional<PushSubscription>> remove(UserRef user, String device) {
        return removeIf(user, device, "")
                .thenCompose(removed -> removed == null
                        ? CompletableFuture.completedFuture(Optional.<PushSubscription>empty())
                        : unindex(removed).thenApply(n -> Optional.of(removed)));
    }

    @Override
    public CompletionStage<Boolean> removeByEndpoint(URI endpoint) {
        return redis.commands()
                .hget(index, endpoint.toString())
                .thenCompose(named -> named == null
                        ? CompletableFuture.completedFuture(false)
                        : removeNamed(named, endpoint).thenCompose(removed -> {
                            // The entry goes, also when stale (its subscription changed since).
                            return UNINDEX.<Long>run(
                                            redis.commands(),
                                            ScriptOutputType.INTEGER,
                                            new String[] {index},
                                            endpoint.toString(),
                                            named)
                                    .thenApply(n -> !removed.isEmpty());
                        }));
    }

    @Override
    public CompletionStage<List<PushSubscription>> list(UserRef user) {
        return LIST.<List<Object>>run(
                        redis.commands(), ScriptOutputType.MULTI, userKeys(user), RedisKeys.escape(user.user()))
                .thenApply(reply -> {
                    boolean onCall = ((Long) reply.get(0)) == 1L;
                    List<PushSubscription> out = new ArrayList<>(reply.size() - 1);
                    for (Object value : reply.subList(1, reply.size())) {
                        out.add(read((String) value, onCall));
                    }
                    out.sort(OLDEST_FIRST);
                    return List.copyOf(out);
                });
    }

    @Override
    public CompletionStage<List<PushSubscription>> inOrg(String org) {
        return ORG.<List<Object>>run(
                        redis.commands(), ScriptOutputType.MULTI, new String[] {subscriptionsKey(org), onCallKey(org)})
                .thenApply(reply -> {
                    List<?> values = (List<?>) reply.get(0);
                    Set<String> onCall = new HashSet<>();
                    for (Object user : (List<?>) reply.get(1)) {
                        onCall.add((String) user);
                    }
                    List<PushSubscription> out = new ArrayList<>(values.size());
                    for (Object value : values) {
                        PushSubscription s = read((String) value, false);
                        out.add(s.withOnCall(onCall.contains(RedisKeys.escape(s.user()))));
                    }
                    out.sort(OLDEST_FIRST);
                    return List.copyOf(out);
                });
    }

    @Override
    public CompletionStage<Void> setOnCall(UserRef user, boolean onCall) {
        return ON_CALL.<Long>run(
                        redis.commands(),
                        ScriptOutputType.INTEGER,
                        new String[] {devicesKey(user), onCallKey(user.org())},
                        RedisKeys.escape(user.user()),
                        onCall ? "1" : "0")
                .thenApply(n -> null);
    }

    /**
     * Removes the subscription an index entry names when it still has {@code endpoint}; completes with
     * it (none when it had changed, or was gone).
     */
    private CompletionStage<List<PushSubscription>> removeNamed(String named, URI endpoint) {
        String[] parts = named.split(":", 3);
        if (parts.length != 3) {
            return CompletableFuture.completedFuture(List.of());
        }
        UserRef user = new UserRef(RedisKeys.unescape(parts[0]), RedisKeys.unescape(parts[1]));
        String device = RedisKeys.unescape(parts[2]);
        return redis.commands()
                .hget(subscriptionsKey(user.org()), RedisKeys.escape(user.user()) + ":" + RedisKeys.escape(device))
                .thenCompose(value -> {
                    if (value == null || !read(value, false).endpoint().equals(endpoint)) {
                        return CompletableFuture.completedFuture(List.<PushSubscription>of());
                    }
                    return removeIf(user, device, value)
                            .thenApply(removed -> removed == null ? List.<PushSubscription>of() : List.of(removed));
                });
    }

    /** Removes a subscription, when it is still {@code expected} ('' for any); completes with it, or null. */
    private CompletionStage<@Nullable PushSubscription> removeIf(UserRef user, String device, String expected) {
        return REMOVE.<List<Object>>run(
                        redis.commands(),
                        ScriptOutputType.MULTI,
                        userKeys(user),
                        RedisKeys.escape(user.user()),
                        RedisKeys.escape(device),
                        expected)
                .thenApply(reply -> reply.isEmpty() ? null : read((String) reply.get(0), ((Long) reply.get(1)) == 1L));
    }

    /** Drops the index entry of {@code s}'s endpoint, if it still names {@code s}. */
    private CompletionStage<Long> unindex(PushSubscription s) {
        return UNINDEX.run(
                redis.commands(),
                ScriptOutputType.INTEGER,
                new String[] {index},
                s.endpoint().toString(),
                indexEntry(s.owner(), s.device()));
    }

    private static PushSubscription read(String json, boolean onCall) {
        return StoredJson.read(json, PushSubscription.class).withOnCall(onCall);
    }

    private static String indexEntry(UserRef user, String device) {
        return RedisKeys.escape(user.org()) + ":" + RedisKeys.escape(user.user()) + ":" + RedisKeys.escape(device);
    }

    private String[] userKeys(UserRef user) {
        return new String[] {subscriptionsKey(user.org()), devicesKey(user), onCallKey(user.org())};
    }

    private String subscriptionsKey(String org) {
        return keys.org(org, "push");
    }

    private String devicesKey(UserRef user) {
        return keys.org(user.org(), "push-devices", user.user());
    }

    private String onCallKey(String org) {
        return keys.org(org, "push-oncall");
    }
}
