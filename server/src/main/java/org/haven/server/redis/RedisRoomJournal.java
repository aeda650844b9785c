package org.haven.server.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.haven.server.room.RoomJournal;
import org.haven.server.room.RoomKey;

/**
 * {@link RoomJournal} in Redis. Every key of an organisation's rooms carries the hash tag of the
 * organisation's lease ({@code {org:<id>}}), so on a Redis Cluster they share its slot and one Lua
 * script checks the lease and writes the entry atomically (the fence). Per room: a list of its
 * recent events ({@code seq:at:frame}), a hash with its last sequence number and session state,
 * a hash of its members; per organisation, the set of its recorded rooms. A write marked
 * {@code refresh} renews their time-to-live.
 *
 * <p>Members' display names and chat text are in these records: Redis must be private to Haven,
 * over TLS where the network is not (as for alerts and care records).
 */
public final class RedisRoomJournal implements RoomJournal {

    /** How long a room's record lasts after its last write. */
    public static final Duration RECORD_TTL = Duration.ofHours(1);

    /**
     * KEYS: lease, index, events, meta, members. ARGV: node, max events, time-to-live (ms), room id,
     * then each entry: seq, prevSeq, at, frame ('' none: the header alone changed), header ('' unchanged), reset ('1'/'0'), refresh
     * ('1'/'0'), number of members, (user, member)..., number gone, user... Returns 0 written, 1 out of
     * step, 2 not serving. Most entries are a chat message: lease check, contiguity check, append,
     * trim, last number; the time-to-live and the index are renewed only on a refresh.
     */
    private static final RedisScript APPEND = new RedisScript("""
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then
              return 2
            end
            local i = 5
            local last = redis.call('HGET', KEYS[4], 'last')
            local header = nil
            local refresh = false
            while i <= #ARGV do
              if ARGV[i + 5] == '1' then
                redis.call('DEL', KEYS[3], KEYS[4], KEYS[5])
              elseif last ~= ARGV[i + 1] then
                redis.call('DEL', KEYS[3], KEYS[4], KEYS[5])
                redis.call('SREM', KEYS[2], ARGV[4])
                return 1
              end
              if ARGV[i + 3] ~= '' then
                redis.call('RPUSH', KEYS[3], ARGV[i] .. ':' .. ARGV[i + 2] .. ':' .. ARGV[i + 3])
              end
              last = ARGV[i]
              if ARGV[i + 4] ~= '' then
                header = ARGV[i + 4]
              end
              if ARGV[i + 5] == '1' and header then
                redis.call('HSET', KEYS[4], 'header', header)
              end
              if ARGV[i + 6] == '1' then
                refresh = true
              end
              local n = tonumber(ARGV[i + 7])
              i = i + 8
              if n > 0 then
                for _ = 1, n do
                  redis.call('HSET', KEYS[5], ARGV[i], ARGV[i + 1])
                  i = i + 2
                end
                redis.call('PEXPIRE', KEYS[5], ARGV[3])
              end
              n = tonumber(ARGV[i])
              i = i + 1
              for _ = 1, n do
                redis.call('HDEL', KEYS[5], ARGV[i])
                i = i + 1
              end
            end
            redis.call('LTRIM', KEYS[3], -tonumber(ARGV[2]), -1)
            redis.call('HSET', KEYS[4], 'last', last)
            if header then
              redis.call('HSET', KEYS[4], 'header', header)
            end
            if refresh then
              redis.call('SADD', KEYS[2], ARGV[4])
              for k = 2, 5 do
                redis.call('PEXPIRE', KEYS[k], ARGV[3])
              end
            end
            return 0
            """);

    private static final RedisScript FORGET = new RedisScript("""
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then
              return 0
            end
            redis.call('DEL', KEYS[3], KEYS[4], KEYS[5])
            redis.call('SREM', KEYS[2], ARGV[2])
            return 1
            """);

    private final RedisConnections redis;
    private final RedisKeys keys;
    private final String node;
    private final int maxEvents;

    /** The journal written by node {@code node}, keeping at most {@code maxEvents} events per room. */
    public RedisRoomJournal(RedisConnections redis, RedisKeys keys, String node, int maxEvents) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.node = Objects.requireNonNull(node, "node");
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents: " + maxEvents + " (expected: > 0)");
        }
        this.maxEvents = maxEvents;
    }

    @Override
    public CompletionStage<Appended> append(RoomKey key, List<Entry> entries) {
        List<String> args = new ArrayList<>(4 + 10 * entries.size());
        args.add(node);
        args.add(Integer.toString(maxEvents));
        args.add(Long.toString(RECORD_TTL.toMillis()));
        args.add(key.room());
        for (Entry entry : entries) {
            args.add(Long.toString(entry.seq()));
            args.add(Long.toString(entry.prevSeq()));
            args.add(Long.toString(entry.at()));
            args.add(entry.frame() == null ? "" : entry.frame());
            args.add(entry.header() == null ? "" : entry.header());
            args.add(entry.reset() ? "1" : "0");
            args.add(entry.refresh() ? "1" : "0");
            args.add(Integer.toString(entry.members().size()));
            entry.members().forEach((user, member) -> {
                args.add(user);
                args.add(member);
            });
            args.add(Integer.toString(entry.gone().size()));
            args.addAll(entry.gone());
        }
        return APPEND.<Long>run(redis.commands(), ScriptOutputType.INTEGER, keysOf(key), args.toArray(String[]::new))
                .thenApply(r -> switch (r.intValue()) {
                    case 0 -> Appended.WRITTEN;
                    case 1 -> Appended.OUT_OF_STEP;
                    default -> Appended.NOT_SERVING;
                });
    }

    @Override
    public CompletionStage<List<Recorded>> load(String org) {
        RedisClusterAsyncCommands<String, String> c = redis.commands();
        return c.smembers(index(org)).thenCompose(ids -> {
            List<CompletableFuture<Recorded>> rooms = new ArrayList<>(ids.size());
            for (String room : ids) {
                String[] k = keysOf(new RoomKey(org, room));
                CompletableFuture<Map<String, String>> meta = c.hgetall(k[3]).toCompletableFuture();
                CompletableFuture<Map<String, String>> members = c.hgetall(k[4]).toCompletableFuture();
                CompletableFuture<List<String>> events = c.lrange(k[2], 0, -1).toCompletableFuture();
                rooms.add(CompletableFuture.allOf(meta, members, events).thenApply(v -> {
                    String header = meta.join().get("header");
                    if (header == null) {
                        return null; // expired, or dropped meanwhile
                    }
                    List<Event> parsed = new ArrayList<>(events.join().size());
                    for (String e : events.join()) {
                        int a = e.indexOf(':');
                        int b = e.indexOf(':', a + 1);
                        parsed.add(new Event(
                                Long.parseLong(e.substring(0, a)),
                                Long.parseLong(e.substring(a + 1, b)),
                                e.substring(b + 1)));
                    }
                    return new Recorded(room, header, members.join(), parsed);
                }));
            }
            return CompletableFuture.allOf(rooms.toArray(CompletableFuture[]::new))
                    .thenApply(v -> {
                        List<Recorded> out = new ArrayList<>(rooms.size());
                        rooms.forEach(r -> {
                            if (r.join() != null) {
                                out.add(r.join());
                            }
                        });
                        return out;
                    });
        });
    }

    @Override
    public CompletionStage<Void> forget(RoomKey key) {
        return FORGET.<Long>run(redis.commands(), ScriptOutputType.INTEGER, keysOf(key), node, key.room())
                .thenApply(r -> null);
    }

    private String tag(String org) {
        return "org:" + org;
    }

    private String index(String org) {
        return keys.tagged(tag(org), "rooms");
    }

    /** lease, index, events, meta, members: all in the slot of the organisation's lease. */
    private String[] keysOf(RoomKey key) {
        String tag = tag(key.org());
        String room = "room:" + RedisKeys.escape(key.room());
        return new String[] {
            keys.tagged(tag, "lease"),
            index(key.org()),
            keys.tagged(tag, room + ":events"),
            keys.tagged(tag, room + ":meta"),
            keys.tagged(tag, room + ":members")
        };
    }
}
