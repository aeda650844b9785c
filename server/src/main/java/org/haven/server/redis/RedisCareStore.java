package org.haven.server.redis;

import com.fasterxml.jackson.databind.JavaType;
import io.lettuce.core.ScriptOutputType;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.LongStream;
import org.haven.protocol.Care;
import org.haven.server.care.CareStore;
import org.haven.server.presence.UserRef;
import org.haven.server.storage.StoredJson;

/**
 * {@link CareStore} in Redis, shared by every node. Per client (hash tag {@code {org:user}}): a hash
 * of the latest check-in per room (no superseded check-in is kept), and per record kind (emergency
 * contacts, safety plan, risk) a list of its last {@link #versionsKept()} versions in order beside a
 * counter of versions: one atomic script increments the counter, appends and trims the list to the
 * quota, so two nodes appending at once get versions {@code n} and {@code n+1} and the list never
 * holds more than the quota. The newest entry's version is the counter (the list's length for a list
 * written before there was a counter: version {@code n} was then the {@code n}-th entry).
 *
 * <p>History is bounded by the quota only: the retention of superseded versions by time is the SQL
 * database's ({@link #purgeSuperseded} deletes nothing here; scanning every client's keys on a timer
 * would cost a cluster more than the quota's at most {@code versionsKept} entries per record).
 *
 * <p>These are health data: Redis must be private to Haven, over TLS where the network is not.
 */
public final class RedisCareStore implements CareStore {

    /** One version as stored; its number is its place in the list. */
    private record Revision<T>(T value, String updatedBy, Instant updatedAt) {}

    /** Returns {newest version, its entry}, or {0}. KEYS: the list, its counter. */
    private static final RedisScript LATEST = new RedisScript("""
            local n = redis.call('LLEN', KEYS[1])
            if n == 0 then
              return {0}
            end
            local v = tonumber(redis.call('GET', KEYS[2]) or n)
            return {v, redis.call('LINDEX', KEYS[1], -1)}
            """);

    /**
     * Appends ARGV[1] as the next version, keeps the last ARGV[2] entries; returns the version.
     * KEYS: the list, its counter. A list without a counter (written before there was one) starts
     * counting from its length.
     */
    private static final RedisScript APPEND = new RedisScript("""
            if redis.call('EXISTS', KEYS[2]) == 0 then
              redis.call('SET', KEYS[2], redis.call('LLEN', KEYS[1]))
            end
            local v = redis.call('INCR', KEYS[2])
            redis.call('RPUSH', KEYS[1], ARGV[1])
            redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
            return v
            """);

    /** Returns {newest version, entries kept}. KEYS: the list, its counter. */
    private static final RedisScript KEPT = new RedisScript("""
            local n = redis.call('LLEN', KEYS[1])
            return {tonumber(redis.call('GET', KEYS[2]) or n), n}
            """);

    private static final JavaType CONTACTS =
            StoredJson.type(Revision.class, StoredJson.listOf(Care.EmergencyContact.class));
    private static final JavaType PLAN = StoredJson.type(Revision.class, StoredJson.type(Care.SafetyPlan.class));
    private static final JavaType RISK = StoredJson.type(Revision.class, StoredJson.type(Care.Risk.class));

    private final RedisConnections redis;
    private final RedisKeys keys;
    private final int versionsKept;

    /** With the default quota ({@link #DEFAULT_VERSIONS_KEPT}). */
    public RedisCareStore(RedisConnections redis, RedisKeys keys) {
        this(redis, keys, DEFAULT_VERSIONS_KEPT);
    }

    /** Keeping at most {@code versionsKept} (at least 1) versions of each record of each client. */
    public RedisCareStore(RedisConnections redis, RedisKeys keys, int versionsKept) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
        if (versionsKept < 1) {
            throw new IllegalArgumentException("versionsKept must be at least 1");
        }
        this.versionsKept = versionsKept;
    }

    @Override
    public int versionsKept() {
        return versionsKept;
    }

    @Override
    public CompletionStage<Care.CheckIn> recordCheckIn(UserRef client, Care.CheckIn checkIn) {
        return redis.commands()
                .hset(keys.user(client, "checkins"), checkIn.room(), StoredJson.write(checkIn))
                .thenApply(added -> checkIn);
    }

    @Override
    public CompletionStage<Optional<Care.CheckIn>> latestCheckIn(UserRef client, String room) {
        return redis.commands()
                .hget(keys.user(client, "checkins"), room)
                .thenApply(json -> Optional.ofNullable(json).map(j -> StoredJson.read(j, Care.CheckIn.class)));
    }

    @Override
    public CompletionStage<Care.Versioned<List<Care.EmergencyContact>>> appendContacts(
            UserRef client, List<Care.EmergencyContact> contacts, String by, Instant at) {
        return append(client, "contacts", List.copyOf(contacts), by, at);
    }

    @Override
    public CompletionStage<Optional<Care.Versioned<List<Care.EmergencyContact>>>> contacts(UserRef client) {
        return latest(client, "contacts", CONTACTS);
    }

    @Override
    public CompletionStage<Care.Versioned<Care.SafetyPlan>> appendPlan(
            UserRef client, Care.SafetyPlan plan, String by, Instant at) {
        return append(client, "plan", plan, by, at);
    }

    @Override
    public CompletionStage<Optional<Care.Versioned<Care.SafetyPlan>>> plan(UserRef client) {
        return latest(client, "plan", PLAN);
    }

    @Override
    public CompletionStage<Care.Versioned<Care.Risk>> appendRisk(
            UserRef client, Care.Risk risk, String by, Instant at) {
        return append(client, "risk", risk, by, at);
    }

    @Override
    public CompletionStage<Optional<Care.Versioned<Care.Risk>>> risk(UserRef client) {
        return latest(client, "risk", RISK);
    }

    @Override
    public CompletionStage<List<Long>> versions(UserRef client, Part part) {
        String kind = switch (part) {
            case CONTACTS -> "contacts";
            case PLAN -> "plan";
            case RISK -> "risk";
        };
        return KEPT.<List<Object>>run(redis.commands(), ScriptOutputType.MULTI, record(client, kind))
                .thenApply(reply -> {
                    long newest = (Long) reply.get(0);
                    long n = (Long) reply.get(1);
                    return LongStream.rangeClosed(newest - n + 1, newest)
                            .boxed()
                            .toList();
                });
    }

    @Override
    public CompletionStage<Integer> checkInCount(UserRef client, String room) {
        return redis.commands().hexists(keys.user(client, "checkins"), room).thenApply(found -> found ? 1 : 0);
    }

    /** Nothing: in Redis history is bounded by the quota (see the class). */
    @Override
    public CompletionStage<Integer> purgeSuperseded(Instant before) {
        return CompletableFuture.completedFuture(0);
    }

    /** A record's keys: its list of versions and their counter (one hash slot, the client's). */
    private String[] record(UserRef client, String kind) {
        return new String[] {keys.user(client, kind), keys.user(client, kind + ":versions")};
    }

    private <T> CompletionStage<Care.Versioned<T>> append(UserRef client, String kind, T value, String by, Instant at) {
        return APPEND.<Long>run(
                        redis.commands(),
                        ScriptOutputType.INTEGER,
                        record(client, kind),
                        StoredJson.write(new Revision<>(value, by, at)),
                        Integer.toString(versionsKept))
                .thenApply(version -> new Care.Versioned<>(version, value, by, at));
    }

    private <T> CompletionStage<Optional<Care.Versioned<T>>> latest(
            UserRef client, String kind, JavaType revisionType) {
        return LATEST.<List<Object>>run(redis.commands(), ScriptOutputType.MULTI, record(client, kind))
                .thenApply(reply -> {
                    long version = (Long) reply.get(0);
                    if (version == 0) {
                        return Optional.empty();
                    }
                    Revision<T> r = StoredJson.read((String) reply.get(1), revisionType);
                    return Optional.of(new Care.Versioned<>(version, r.value(), r.updatedBy(), r.updatedAt()));
                });
    }
}
