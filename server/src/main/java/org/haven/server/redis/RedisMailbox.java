package org.haven.server.redis;

import io.lettuce.core.ScriptOutputType;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.haven.protocol.E2e;
import org.haven.server.chat.Mailbox;
import org.haven.server.presence.UserRef;
import org.haven.server.storage.StoredJson;

/**
 * {@link Mailbox} in Redis, shared by every node. Per device (hash tag {@code {org:user}}): a hash
 * of messages by id, a sorted set giving their order of arrival, and a sorted set of their expiry
 * times. Each operation is one Lua script that first drops expired messages, so the bound and the
 * order hold when nodes write at once; the three keys expire by themselves once the last message
 * has, so an abandoned mailbox leaves nothing behind. Holds opaque envelopes only.
 *
 * <p>Times come from the caller (as with the in-memory mailbox); only the keys' own expiry is
 * relative, so a clock difference between Haven and Redis cannot make a mailbox vanish early.
 */
public final class RedisMailbox implements Mailbox {

    /** Drops expired messages; KEYS: messages, order, expiry. */
    private static final String PRUNE = """
            local function prune(now)
              local gone = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
              if #gone > 0 then
                redis.call('HDEL', KEYS[1], unpack(gone))
                redis.call('ZREM', KEYS[2], unpack(gone))
                redis.call('ZREM', KEYS[3], unpack(gone))
              end
            end
            """;

    /** ARGV: id, message, expires at (ms), now (ms), bound. Replies 1 when stored, 0 when full. */
    private static final RedisScript PUT = new RedisScript(PRUNE + """
            local now = tonumber(ARGV[4])
            prune(now)
            if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[5]) then
              return 0
            end
            if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
              local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
              local seq = 1
              if #last > 0 then
                seq = tonumber(last[2]) + 1
              end
              redis.call('ZADD', KEYS[2], seq, ARGV[1])
            end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
            local latest = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')
            local ttl = math.max(tonumber(latest[2]) - now, 1)
            for _, key in ipairs(KEYS) do
              redis.call('PEXPIRE', key, ttl)
            end
            return 1
            """);

    /** ARGV: now (ms). Replies the messages, oldest first. */
    private static final RedisScript PENDING = new RedisScript(PRUNE + """
            prune(tonumber(ARGV[1]))
            local ids = redis.call('ZRANGE', KEYS[2], 0, -1)
            if #ids == 0 then
              return {}
            end
            return redis.call('HMGET', KEYS[1], unpack(ids))
            """);

    /** ARGV: the ids to delete. */
    private static final RedisScript ACKNOWLEDGE = new RedisScript("""
            redis.call('HDEL', KEYS[1], unpack(ARGV))
            redis.call('ZREM', KEYS[2], unpack(ARGV))
            redis.call('ZREM', KEYS[3], unpack(ARGV))
            return 1
            """);

    /** ARGV: now (ms), bound. Replies the room left. */
    private static final RedisScript SPACE = new RedisScript(PRUNE + """
            prune(tonumber(ARGV[1]))
            return tonumber(ARGV[2]) - redis.call('HLEN', KEYS[1])
            """);

    private final RedisConnections redis;
    private final RedisKeys keys;
    private final int perDevice;

    /** A mailbox holding at most {@code perDevice} messages for each device. */
    public RedisMailbox(RedisConnections redis, RedisKeys keys, int perDevice) {
        if (perDevice < 1) {
            throw new IllegalArgumentException("perDevice: " + perDevice + " (expected: > 0)");
        }
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.perDevice = perDevice;
    }

    @Override
    public CompletionStage<Boolean> put(UserRef user, String device, E2e.DirectMessage message, Instant expiresAt) {
        return PUT.<Long>run(
                        redis.commands(),
                        ScriptOutputType.INTEGER,
                        keysOf(user, device),
                        message.message(),
                        StoredJson.write(message),
                        ms(expiresAt),
                        ms(message.sentAt()),
                        Integer.toString(perDevice))
                .thenApply(stored -> stored == 1L);
    }

    @Override
    public CompletionStage<List<E2e.DirectMessage>> pending(UserRef user, String device, Instant now) {
        return PENDING.<List<Object>>run(redis.commands(), ScriptOutputType.MULTI, keysOf(user, device), ms(now))
                .thenApply(reply -> reply.stream()
                        .map(json -> StoredJson.read((String) json, E2e.DirectMessage.class))
                        .toList());
    }

    @Override
    public CompletionStage<Void> acknowledge(UserRef user, String device, List<String> messageIds) {
        if (messageIds.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return ACKNOWLEDGE
                .<Long>run(
                        redis.commands(),
                        ScriptOutputType.INTEGER,
                        keysOf(user, device),
                        messageIds.toArray(String[]::new))
                .thenApply(done -> null);
    }

    @Override
    public CompletionStage<Integer> space(UserRef user, String device, Instant now) {
        return SPACE.<Long>run(
                        redis.commands(),
                        ScriptOutputType.INTEGER,
                        keysOf(user, device),
                        ms(now),
                        Integer.toString(perDevice))
                .thenApply(Long::intValue);
    }

    private String[] keysOf(UserRef user, String device) {
        return new String[] {
            keys.user(user, "mailbox", device),
            keys.user(user, "mailbox-order", device),
            keys.user(user, "mailbox-expiry", device)
        };
    }

    private static String ms(Instant instant) {
        return Long.toString(instant.toEpochMilli());
    }
}
