package org.haven.server.redis;

import io.lettuce.core.Range;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ZAddArgs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.haven.server.auth.Revocation;
import org.haven.server.auth.RevocationStore;
import org.haven.server.presence.UserRef;

/**
 * Revocations in one sorted set ({@code ns:{revocations}:entries}): the member names the token id
 * ({@code t:<id>}) or the user ({@code u:<org>:<user>}, escaped), the score is when the revocation
 * ends (epoch milliseconds). Adding keeps the later end ({@code ZADD GT}); reading drops ended ones.
 */
public final class RedisRevocationStore implements RevocationStore {

    private final RedisConnections redis;
    private final String key;

    public RedisRevocationStore(RedisConnections redis, RedisKeys keys) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.key = keys.tagged("revocations", "entries");
    }

    @Override
    public CompletionStage<Void> add(Revocation revocation) {
        String token = revocation.tokenId();
        String member;
        if (token != null) {
            member = "t:" + RedisKeys.escape(token);
        } else {
            UserRef user = Objects.requireNonNull(revocation.user(), "a revocation names a token id or a user");
            member = "u:" + RedisKeys.escape(user.org()) + ":" + RedisKeys.escape(user.user());
        }
        return redis.commands()
                .zadd(key, ZAddArgs.Builder.gt(), (double) revocation.until().toEpochMilli(), member)
                .thenApply(n -> null);
    }

    @Override
    public CompletionStage<List<Revocation>> active(Instant now) {
        double ms = now.toEpochMilli();
        return redis.commands()
                .zremrangebyscore(key, Range.create(Double.NEGATIVE_INFINITY, ms))
                .thenCompose(n -> redis.commands()
                        .zrangebyscoreWithScores(
                                key, Range.from(Range.Boundary.excluding(ms), Range.Boundary.unbounded())))
                .thenApply(RedisRevocationStore::parse);
    }

    private static List<Revocation> parse(List<ScoredValue<String>> entries) {
        List<Revocation> out = new ArrayList<>(entries.size());
        for (ScoredValue<String> e : entries) {
            Instant until = Instant.ofEpochMilli((long) e.getScore());
            String member = e.getValue();
            if (member.startsWith("t:")) {
                out.add(Revocation.ofToken(RedisKeys.unescape(member.substring(2)), until));
            } else if (member.startsWith("u:")) {
                String[] parts = member.substring(2).split(":", 2);
                out.add(Revocation.ofUser(
                        new UserRef(RedisKeys.unescape(parts[0]), RedisKeys.unescape(parts[1])), until));
            }
        }
        return out;
    }
}
