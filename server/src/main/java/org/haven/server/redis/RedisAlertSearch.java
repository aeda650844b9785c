package org.haven.server.redis;

import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.haven.server.alert.AlertSearch;
import org.haven.server.alert.AlertStore;
import org.haven.server.alert.StoredAlert;
import org.haven.server.storage.StoredJson;

/**
 * {@link AlertStore#search} in Redis: walks the organisation's sorted set by time raised ({@link
 * RedisAlertKeys#raised}) in the search's order, from the cursor or the end of the range, a batch at a
 * time, reading each batch's alerts with one {@code MGET} (one slot) and keeping those that match.
 *
 * <p>Cost: without a filter, one batch of the page's size (one more when the cursor's millisecond
 * holds earlier ties, or an alert expired). With a state or client filter, the alerts are read and
 * checked here, so a page of rare matches walks every alert raised in the range (at most {@link
 * AlertSearch#MAX_LIMIT} a batch); callers bound the range (31 days). Keeping a sorted set per state
 * and per client would bound that too, at the price of more writes on every save: not worth it while
 * filtered searches are rare.
 *
 * <p>Members whose alert is gone (its key expired before the hourly purge took it out) are passed
 * over, and taken out once the walk is done, if still gone. Threading: asynchronous; the short work
 * of each batch (parsing its JSON) runs on Lettuce's threads, as {@link RedisAlertStore}'s reads do.
 */
final class RedisAlertSearch {

    /** The smallest batch a filtered search reads: a filtered page usually needs more than its size. */
    static final int FILTERED_BATCH = 100;

    /** KEYS: the organisation's sorted sets by time raised and closed, then each alert's key; ARGV: the ids. */
    private static final RedisScript FORGET_GONE = new RedisScript("""
            for i = 1, #ARGV do
              if redis.call('EXISTS', KEYS[i + 2]) == 0 then
                redis.call('ZREM', KEYS[1], ARGV[i])
                redis.call('ZREM', KEYS[2], ARGV[i])
              end
            end
            return 1
            """);

    private final RedisConnections redis;
    private final RedisAlertKeys keys;
    private final int maxBatch;

    RedisAlertSearch(RedisConnections redis, RedisAlertKeys keys) {
        this(redis, keys, AlertSearch.MAX_LIMIT);
    }

    /** With batches of at most {@code maxBatch} members (tests walk one or two at a time). */
    RedisAlertSearch(RedisConnections redis, RedisAlertKeys keys, int maxBatch) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch: %s (expected: > 0)".formatted(maxBatch));
        }
        this.maxBatch = maxBatch;
    }

    CompletionStage<List<StoredAlert>> search(AlertSearch search) {
        // Scores are minus the time raised: [from, to) is (-to, -from], and ascending is newest first.
        Instant after = search.afterRaisedAt();
        Range.Boundary<Long> lower = after != null && after.isBefore(search.to())
                ? Range.Boundary.including(-after.toEpochMilli())
                : Range.Boundary.excluding(-search.to().toEpochMilli());
        boolean filtered = search.state() != null || search.client() != null;
        Walk walk = new Walk(
                redis.commands(),
                search,
                Range.Boundary.including(-search.from().toEpochMilli()),
                Math.min(maxBatch, filtered ? Math.max(search.limit(), FILTERED_BATCH) : search.limit()));
        return walk.from(lower, 0).thenCompose(found -> walk.forgetGone().thenApply(done -> List.copyOf(found)));
    }

    /** One search's walk: what it found so far and the members it found gone. */
    private final class Walk {
        private final RedisClusterAsyncCommands<String, String> c;
        private final AlertSearch search;
        private final Range.Boundary<Long> upper;
        private final int batch;
        private final List<StoredAlert> found = new ArrayList<>();
        private final List<String> gone = new ArrayList<>();

        Walk(RedisClusterAsyncCommands<String, String> c, AlertSearch search, Range.Boundary<Long> upper, int batch) {
            this.c = c;
            this.search = search;
            this.upper = upper;
            this.batch = batch;
        }

        /**
         * The batch from {@code lower}, past the first {@code skip} members at its score (those read
         * already: an offset, never a score, so a millisecond with more alerts than a batch is walked
         * whole), then the next batches until the page is full or the range ends.
         */
        CompletionStage<List<StoredAlert>> from(Range.Boundary<Long> lower, int skip) {
            String org = search.org();
            return c.zrangebyscoreWithScores(keys.raised(org), Range.from(lower, upper), Limit.create(skip, batch))
                    .thenCompose(members -> {
                        List<String> ids = new ArrayList<>();
                        for (ScoredValue<String> m : members) {
                            // The cursor's millisecond comes first, its ids up to the cursor's among them.
                            if (search.isAfterCursor(-(long) m.getScore(), m.getValue())) {
                                ids.add(m.getValue());
                            }
                        }
                        return read(ids).thenCompose(full -> {
                            if (full || members.size() < batch) {
                                return CompletableFuture.completedFuture(found);
                            }
                            long last = (long) members.get(members.size() - 1).getScore();
                            int atLast = (int) members.stream()
                                    .filter(m -> (long) m.getScore() == last)
                                    .count();
                            boolean sameScore =
                                    lower.getValue() != null && lower.isIncluding() && lower.getValue() == last;
                            return from(Range.Boundary.including(last), sameScore ? skip + atLast : atLast);
                        });
                    });
        }

        /** Reads the alerts {@code ids} and keeps those that match; completes true once the page is full. */
        private CompletionStage<Boolean> read(List<String> ids) {
            if (ids.isEmpty()) {
                return CompletableFuture.completedFuture(false);
            }
            String org = search.org();
            String[] alertKeys = ids.stream().map(id -> keys.alert(org, id)).toArray(String[]::new);
            return c.mget(alertKeys).thenApply(values -> {
                for (int i = 0; i < values.size() && found.size() < search.limit(); i++) {
                    KeyValue<String, String> v = values.get(i);
                    if (!v.hasValue()) {
                        gone.add(ids.get(i));
                        continue;
                    }
                    StoredAlert alert = StoredJson.read(v.getValue(), StoredAlert.class);
                    if (search.matches(alert)) {
                        found.add(alert);
                    }
                }
                return found.size() >= search.limit();
            });
        }

        /** Takes the members found gone out of the indexes, those still gone; a failure is left to the purge. */
        CompletionStage<Void> forgetGone() {
            if (gone.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            String org = search.org();
            List<String> scriptKeys = new ArrayList<>(List.of(keys.raised(org), keys.closed(org)));
            gone.forEach(id -> scriptKeys.add(keys.alert(org, id)));
            return FORGET_GONE
                    .<Long>run(
                            c, ScriptOutputType.INTEGER, scriptKeys.toArray(String[]::new), gone.toArray(String[]::new))
                    .handle((n, failure) -> null);
        }
    }
}
