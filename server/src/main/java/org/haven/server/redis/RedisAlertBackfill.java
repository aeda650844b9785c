package org.haven.server.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.haven.protocol.Alerts;
import org.haven.server.alert.AlertStore;
import org.haven.server.alert.StoredAlert;
import org.haven.server.storage.StoredJson;

/**
 * {@link AlertStore#indexEarlierAlerts} in Redis: puts the alerts stored before the sorted sets by
 * time raised and closed existed into them. Closed alerts are listed nowhere but in their own keys, so
 * this {@code SCAN}s the keyspace once (every master of a cluster), {@link #SCAN_COUNT} keys a step,
 * reading and indexing the alerts of each step before the next; then it sets a marker ({@link
 * RedisAlertKeys#earlierAlertsIndexed}) and later starts, of any node, do nothing. Indexing is
 * idempotent ({@code ZADD NX}), so nodes starting together may both run it.
 *
 * <p>Not covered: an alert raised and then closed by a node of the previous version after the marker
 * was set, during a rolling upgrade (one raised and saved again by a node of this version is
 * indexed by that save). To index those, delete the marker key after the upgrade and restart a node.
 *
 * <p>Threading: asynchronous; the short work of each step (parsing its alerts) runs on Lettuce's
 * threads.
 */
final class RedisAlertBackfill {

    /** Keys one {@code SCAN} step looks at (its {@code COUNT}). */
    static final int SCAN_COUNT = 500;

    /**
     * KEYS: the alert, the organisation's sorted sets by time raised and closed, its open set. ARGV: the
     * id, its score by time raised, its time closed (epoch ms) or '' when open. Nothing when the alert
     * is gone; never moves an entry a save wrote (NX); a closed alert goes into the closed set only
     * when not in the open set (a save reopened it since it was read). Returns 1 when it indexed it.
     */
    private static final RedisScript INDEX = new RedisScript("""
            if redis.call('EXISTS', KEYS[1]) == 0 then
              return 0
            end
            local added = redis.call('ZADD', KEYS[2], 'NX', ARGV[2], ARGV[1])
            if ARGV[3] ~= '' and redis.call('SISMEMBER', KEYS[4], ARGV[1]) == 0 then
              redis.call('ZADD', KEYS[3], 'NX', ARGV[3], ARGV[1])
            end
            return added
            """);

    private final RedisConnections redis;
    private final RedisAlertKeys keys;

    RedisAlertBackfill(RedisConnections redis, RedisAlertKeys keys) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** Indexes the earlier alerts unless done already; completes with how many it indexed. */
    CompletionStage<Integer> run() {
        RedisClusterAsyncCommands<String, String> c = redis.commands();
        return c.exists(keys.earlierAlertsIndexed())
                .thenCompose(done -> done > 0
                        ? CompletableFuture.completedFuture(0)
                        : from(c, ScanCursor.INITIAL, 0)
                                .thenCompose(n ->
                                        c.set(keys.earlierAlertsIndexed(), "1").thenApply(ok -> n)));
    }

    private CompletionStage<Integer> from(RedisClusterAsyncCommands<String, String> c, ScanCursor cursor, int sofar) {
        ScanArgs args = ScanArgs.Builder.matches(keys.everyAlert()).limit(SCAN_COUNT);
        return c.scan(cursor, args)
                .thenCompose((KeyScanCursor<String> step) -> indexAll(c, step.getKeys())
                        .thenCompose(n -> step.isFinished()
                                ? CompletableFuture.completedFuture(sofar + n)
                                : from(c, step, sofar + n)));
    }

    private CompletionStage<Integer> indexAll(RedisClusterAsyncCommands<String, String> c, List<String> alertKeys) {
        List<CompletableFuture<Long>> indexed = new ArrayList<>();
        for (String key : alertKeys) {
            indexed.add(c.get(key)
                    .thenCompose(json -> json == null ? CompletableFuture.completedFuture(0L) : index(c, key, json))
                    .toCompletableFuture());
        }
        return CompletableFuture.allOf(indexed.toArray(CompletableFuture[]::new))
                .thenApply(all ->
                        indexed.stream().mapToInt(f -> f.join().intValue()).sum());
    }

    private CompletionStage<Long> index(RedisClusterAsyncCommands<String, String> c, String key, String json) {
        StoredAlert alert;
        try {
            alert = StoredJson.read(json, StoredAlert.class);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(0L); // not an alert Haven wrote: nothing to index
        }
        String org = alert.org();
        String id = alert.view().id();
        if (!key.equals(keys.alert(org, id))) {
            return CompletableFuture.completedFuture(0L); // a key the pattern matched that is not an alert's
        }
        boolean closed = alert.view().state() == Alerts.State.CLOSED;
        return INDEX.run(
                c,
                ScriptOutputType.INTEGER,
                new String[] {key, keys.raised(org), keys.closed(org), keys.open(org)},
                id,
                Long.toString(RedisAlertKeys.raisedScore(alert)),
                closed ? Long.toString(alert.view().updatedAt().toEpochMilli()) : "");
    }
}
