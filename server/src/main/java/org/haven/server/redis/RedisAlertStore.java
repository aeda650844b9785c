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
import org.haven.server.alert.AlertSearch;
import org.haven.server.alert.AlertStore;
import org.haven.server.alert.StoredAlert;
import org.haven.server.storage.StoredJson;

/**
 * {@link AlertStore} in Redis, shared by every node. Per organisation (hash tag {@code {org}}): one
 * key per alert holding its JSON, the set of its alerts not yet closed, the sorted set of its alerts
 * by time of raising (for {@link #search}, see {@link RedisAlertSearch}) and the sorted set of its
 * closed alerts by time of closing (for {@link #purgeClosed}); one set lists the organisations that
 * have alerts. An alert and its places in these sets change together in one Lua script, so {@link
 * #unclosed()} never misses a stored open alert, nor a search a stored alert. One sorted set holds
 * every open alert's next deadline (score: epoch milliseconds; member: {@code org:id}), written after
 * the alert on every save: every node reads the overdue ones on a timer ({@link #overdue}).
 *
 * <p>Alerts carry health data (location, contacts, safety plan): Redis must be private to Haven,
 * over TLS where the network is not. A closed alert's key expires after the retention (set with the
 * save that closes it; a save of an open alert clears it), so Redis deletes it by itself even if no
 * node purges; {@link #purgeClosed} deletes those still there and takes every alert closed before
 * its time out of the indexes, reading only the closed ones of each organisation.
 */
public final class RedisAlertStore implements AlertStore {

    /**
     * KEYS: the alert, the organisation's open set, the client's open set, the organisation's alerts by
     * time raised, its closed alerts by time closed. ARGV: the alert, its id, '1' when open, the
     * retention of a closed one in milliseconds, its score by time raised, its time closed in epoch
     * milliseconds.
     */
    private static final RedisScript SAVE = new RedisScript("""
            redis.call('ZADD', KEYS[4], ARGV[5], ARGV[2])
            if ARGV[3] == '1' then
              redis.call('SET', KEYS[1], ARGV[1])
              redis.call('SADD', KEYS[2], ARGV[2])
              redis.call('SADD', KEYS[3], ARGV[2])
              redis.call('ZREM', KEYS[5], ARGV[2])
            else
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
              redis.call('SREM', KEYS[2], ARGV[2])
              redis.call('SREM', KEYS[3], ARGV[2])
              redis.call('ZADD', KEYS[5], ARGV[6], ARGV[2])
            end
            return 1
            """);

    /** As {@link #SAVE}, nothing when the alert is stored already. */
    private static final RedisScript SAVE_NEW = new RedisScript("""
            if redis.call('EXISTS', KEYS[1]) == 1 then
              return 0
            end
            redis.call('ZADD', KEYS[4], ARGV[5], ARGV[2])
            if ARGV[3] == '1' then
              redis.call('SET', KEYS[1], ARGV[1])
              redis.call('SADD', KEYS[2], ARGV[2])
              redis.call('SADD', KEYS[3], ARGV[2])
            else
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
              redis.call('ZADD', KEYS[5], ARGV[6], ARGV[2])
            end
            return 1
            """);

    /**
     * KEYS: the organisation's alerts by time raised, its closed alerts, its open set, then the key of
     * each alert in ARGV. ARGV: the time before which closed alerts go (epoch ms), then their ids.
     * Each is checked again here (it may have been reopened, or closed again later, since it was
     * read); one in the open set is never deleted, only taken out of the closed set. Returns how
     * many keys it deleted (one that expired already is not counted).
     */
    private static final RedisScript PURGE = new RedisScript("""
            local before = tonumber(ARGV[1])
            local deleted = 0
            for i = 2, #ARGV do
              local id = ARGV[i]
              local closedAt = redis.call('ZSCORE', KEYS[2], id)
              if closedAt and tonumber(closedAt) < before then
                if redis.call('SISMEMBER', KEYS[3], id) == 0 then
                  deleted = deleted + redis.call('DEL', KEYS[i + 2])
                  redis.call('ZREM', KEYS[1], id)
                end
                redis.call('ZREM', KEYS[2], id)
              end
            end
            return deleted
            """);

    /** How many closed alerts of one organisation one purge script takes at most. */
    static final int PURGE_BATCH = 200;

    private final RedisConnections redis;
    private final RedisAlertKeys keys;
    private final Duration retention;
    private final RedisAlertSearch searches;

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
        this.searches = new RedisAlertSearch(redis, this.keys);
    }

    @Override
    public CompletionStage<Void> save(StoredAlert alert) {
        RedisClusterAsyncCommands<String, String> c = redis.commands();
        String id = alert.view().id();
        // Both are sent at once, in this order, on the same connections: later saves stay behind them.
        CompletionStage<Long> listed = c.sadd(keys.orgs(), alert.org());
        CompletionStage<Long> stored = SAVE.run(c, ScriptOutputType.INTEGER, scriptKeys(alert), scriptArgs(alert));
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
        CompletionStage<Long> listed = c.sadd(keys.orgs(), alert.org());
        CompletionStage<Long> stored = SAVE_NEW.run(c, ScriptOutputType.INTEGER, scriptKeys(alert), scriptArgs(alert));
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

    private String[] scriptKeys(StoredAlert alert) {
        String org = alert.org();
        return new String[] {
            keys.alert(org, alert.view().id()),
            keys.open(org),
            keys.openOf(org, alert.view().client()),
            keys.raised(org),
            keys.closed(org)
        };
    }

    private String[] scriptArgs(StoredAlert alert) {
        boolean open = alert.view().state() != Alerts.State.CLOSED;
        return new String[] {
            StoredJson.write(alert),
            alert.view().id(),
            open ? "1" : "0",
            Long.toString(retention.toMillis()),
            Long.toString(RedisAlertKeys.raisedScore(alert)),
            Long.toString(alert.view().updatedAt().toEpochMilli())
        };
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

    /** Organisation by organisation, in batches of {@link #PURGE_BATCH}: one script each, on its slot. */
    @Override
    public CompletionStage<Integer> purgeClosed(Instant before) {
        long beforeMillis = before.isAfter(LAST_MILLISECOND) ? Long.MAX_VALUE : before.toEpochMilli();
        RedisClusterAsyncCommands<String, String> c = redis.commands();
        return c.smembers(keys.orgs()).thenCompose(orgs -> {
            CompletionStage<Integer> purged = CompletableFuture.completedFuture(0);
            for (String org : orgs) {
                purged = purged.thenCompose(sofar -> purge(c, org, beforeMillis, sofar));
            }
            return purged;
        });
    }

    private static final Instant LAST_MILLISECOND = Instant.ofEpochMilli(Long.MAX_VALUE);

    private CompletionStage<Integer> purge(
            RedisClusterAsyncCommands<String, String> c, String org, long beforeMillis, int sofar) {
        return c.zrangebyscore(
                        keys.closed(org),
                        Range.from(Range.Boundary.unbounded(), Range.Boundary.excluding(beforeMillis)),
                        Limit.create(0, PURGE_BATCH))
                .thenCompose(ids -> {
                    if (ids.isEmpty()) {
                        return CompletableFuture.completedFuture(sofar);
                    }
                    List<String> scriptKeys =
                            new ArrayList<>(List.of(keys.raised(org), keys.closed(org), keys.open(org)));
                    List<String> args = new ArrayList<>(List.of(Long.toString(beforeMillis)));
                    for (String id : ids) {
                        scriptKeys.add(keys.alert(org, id));
                        args.add(id);
                    }
                    return PURGE.<Long>run(
                                    c,
                                    ScriptOutputType.INTEGER,
                                    scriptKeys.toArray(String[]::new),
                                    args.toArray(String[]::new))
                            .thenCompose(deleted -> ids.size() < PURGE_BATCH
                                    ? CompletableFuture.completedFuture(sofar + deleted.intValue())
                                    : purge(c, org, beforeMillis, sofar + deleted.intValue()));
                });
    }

    @Override
    public CompletionStage<List<StoredAlert>> search(AlertSearch search) {
        return searches.search(search);
    }

    /** See {@link RedisAlertBackfill}. */
    @Override
    public CompletionStage<Integer> indexEarlierAlerts() {
        return new RedisAlertBackfill(redis, keys).run();
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
