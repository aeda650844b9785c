package org.haven.server.redis;

import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.haven.protocol.Alerts;
import org.haven.server.alert.AlertStore;
import org.haven.server.alert.StoredAlert;
import org.haven.server.storage.StoredJson;

/**
 * {@link AlertStore} in Redis, shared by every node. Per organisation (hash tag {@code {org}}): one
 * key per alert holding its JSON, and the set of its alerts not yet closed; one set lists the
 * organisations that have alerts. An alert and its place in the open set change together in one
 * Lua script, so {@link #unclosed()} never misses a stored open alert. One sorted set holds every
 * open alert's next deadline (score: epoch milliseconds; member: {@code org:id}), written after the
 * alert on every save: every node reads the overdue ones on a timer ({@link #overdue}).
 *
 * <p>Alerts carry health data (location, contacts, safety plan): Redis must be private to Haven,
 * over TLS where the network is not. A closed alert's key expires after the retention (set with the
 * save that closes it; a save of an open alert clears it): Redis deletes it by itself, so {@link
 * #purgeClosed} has nothing to do.
 */
public final class RedisAlertStore implements AlertStore {

    /** ARGV: the alert, its id, '1' when open, the retention of a closed one in milliseconds. */
    private static final RedisScript SAVE = new RedisScript("""
            if ARGV[3] == '1' then
              redis.call('SET', KEYS[1], ARGV[1])
              redis.call('SADD', KEYS[2], ARGV[2])
              redis.call('SADD', KEYS[3], ARGV[2])
            else
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
              redis.call('SREM', KEYS[2], ARGV[2])
              redis.call('SREM', KEYS[3], ARGV[2])
            end
            return 1
            """);

    private static final RedisScript SAVE_NEW = new RedisScript("""
            if redis.call('EXISTS', KEYS[1]) == 1 then
              return 0
            end
            if ARGV[3] == '1' then
              redis.call('SET', KEYS[1], ARGV[1])
              redis.call('SADD', KEYS[2], ARGV[2])
              redis.call('SADD', KEYS[3], ARGV[2])
            else
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
            end
            return 1
            """);

    private final RedisConnections redis;
    private final RedisAlertKeys keys;
    private final Duration retention;

    /** Closed alerts kept for {@link #DEFAULT_RETENTION}. */
    public RedisAlertStore(RedisConnections redis, RedisKeys keys) {
        this(redis, keys, DEFAULT_RETENTION);
    }

    /** Closed alerts kept for {@code retention} after their closing (positive). */
    public RedisAlertStore(RedisConnections redis, RedisKeys keys, Duration retention) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = new RedisAlertKeys(keys);
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive");
        }
        this.retention = retention;
    }

    @Override
    public CompletionStage<Void> save(StoredAlert alert) {
        RedisClusterAsyncCommands<String, String> c = redis.commands();
        String id = alert.view().id();
        boolean open = alert.view().state() != Alerts.State.CLOSED;
        // Both are sent at once, in this order, on the same connections: later saves stay behind them.
        CompletionStage<Long> listed = c.sadd(keys.orgs(), alert.org());
        CompletionStage<Long> stored = SAVE.run(
                c,
                ScriptOutputType.INTEGER,
                new String[] {
                    keys.alert(alert.org(), id),
                    keys.open(alert.org()),
                    keys.openOf(alert.org(), alert.view().client())
                },
                StoredJson.write(alert),
                id,
                open ? "1" : "0",
                Long.toString(retention.toMillis()));
        // The deadline index is in a slot of its own: updated after the alert, in the same order as saves.
        String member = RedisKeys.escape(alert.org()) + ":" + RedisKeys.escape(id);
        Instant due = alert.nextDeadline();
        CompletionStage<Long> indexed =
                due == null ? c.zrem(keys.due(), member) : c.zadd(keys.due(), (double) due.toEpochMilli(), member);
        return listed.thenCombine(stored, (a, b) -> null).thenCombine(indexed, (a, b) -> null);
    }

    @Override
    public CompletionStage<Boolean> saveNew(StoredAlert alert) {
        RedisClusterAsyncCommands<String, String> c = redis.commands();
        String id = alert.view().id();
        boolean open = alert.view().state() != Alerts.State.CLOSED;
        CompletionStage<Long> listed = c.sadd(keys.orgs(), alert.org());
        CompletionStage<Long> stored = SAVE_NEW.run(
                c,
                ScriptOutputType.INTEGER,
                new String[] {
                    keys.alert(alert.org(), id),
                    keys.open(alert.org()),
                    keys.openOf(alert.org(), alert.view().client())
                },
                StoredJson.write(alert),
                id,
                open ? "1" : "0",
                Long.toString(retention.toMillis()));
        return listed.thenCombine(stored, (a, isNew) -> isNew == 1L).thenCompose(isNew -> {
            Instant due = alert.nextDeadline();
            if (!isNew || due == null) {
                return CompletableFuture.completedFuture(isNew);
            }
            // Only a new alert enters the deadline index here; a stored one's entry is its saver's.
            String member = RedisKeys.escape(alert.org()) + ":" + RedisKeys.escape(id);
            return redis.commands()
                    .zadd(keys.due(), (double) due.toEpochMilli(), member)
                    .thenApply(n -> true);
        });
    }

    @Override
    public CompletionStage<Optional<StoredAlert>> find(String org, String id) {
        return redis.commands()
                .get(keys.alert(org, id))
                .thenApply(json -> json == null
                        ? Optional.<StoredAlert>empty()
                        : Optional.of(StoredJson.read(json, StoredAlert.class)));
    }

    @Override
    public CompletionStage<List<StoredAlert>> unclosed() {
        RedisClusterAsyncCommands<String, String> c = redis.commands();
        return c.smembers(keys.orgs()).thenCompose(orgs -> {
            List<CompletableFuture<List<StoredAlert>>> perOrg = new ArrayList<>();
            for (String org : orgs) {
                perOrg.add(unclosed(c, org).toCompletableFuture());
            }
            return CompletableFuture.allOf(perOrg.toArray(CompletableFuture[]::new))
                    .thenApply(done -> {
                        List<StoredAlert> all = new ArrayList<>();
                        perOrg.forEach(f -> all.addAll(f.join()));
                        return List.copyOf(all);
                    });
        });
    }

    @Override
    public CompletionStage<List<StoredAlert>> unclosed(String org) {
        return unclosed(redis.commands(), org);
    }

    /** Nothing: a closed alert's key expires by itself after the retention. */
    @Override
    public CompletionStage<Integer> purgeClosed(Instant before) {
        return CompletableFuture.completedFuture(0);
    }

    @Override
    public CompletionStage<Set<String>> overdue(Instant before, int limit) {
        return redis.commands()
                .zrangebyscore(
                        keys.due(),
                        Range.create(Double.NEGATIVE_INFINITY, (double) (before.toEpochMilli() - 1)),
                        Limit.create(0, limit))
                .thenApply(members -> {
                    Set<String> orgs = new LinkedHashSet<>();
                    for (String member : members) {
                        orgs.add(RedisKeys.unescape(member.substring(0, member.indexOf(':'))));
                    }
                    return Set.copyOf(orgs);
                });
    }

    private CompletionStage<List<StoredAlert>> unclosed(RedisClusterAsyncCommands<String, String> c, String org) {
        return c.smembers(keys.open(org)).thenCompose(ids -> unclosed(c, org, ids));
    }

    /** The alerts {@code ids} of {@code org} that are stored and not closed. */
    private CompletionStage<List<StoredAlert>> unclosed(
            RedisClusterAsyncCommands<String, String> c, String org, Set<String> ids) {
        if (ids.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        String[] alertKeys = ids.stream().map(id -> keys.alert(org, id)).toArray(String[]::new);
        return c.mget(alertKeys)
                .thenApply(values -> values.stream()
                        .filter(KeyValue::hasValue)
                        .map(kv -> StoredJson.read(kv.getValue(), StoredAlert.class))
                        .filter(a -> a.view().state() != Alerts.State.CLOSED)
                        .toList());
    }

    @Override
    public CompletionStage<List<StoredAlert>> unclosedOf(String org, String client) {
        RedisClusterAsyncCommands<String, String> c = redis.commands();
        return c.smembers(keys.openOf(org, client)).thenCompose(ids -> unclosed(c, org, ids));
    }
}
