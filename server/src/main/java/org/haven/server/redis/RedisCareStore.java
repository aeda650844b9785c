package org.haven.server.redis;

import com.fasterxml.jackson.databind.JavaType;
import io.lettuce.core.ScriptOutputType;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.haven.protocol.Care;
import org.haven.server.care.CareStore;
import org.haven.server.presence.UserRef;
import org.haven.server.storage.StoredJson;

/**
 * {@link CareStore} in Redis, shared by every node. Per client (hash tag {@code {org:user}}): a hash
 * of the latest check-in per room, and a list per record kind (emergency contacts, safety plan)
 * holding every version in order — version {@code n} is the list's {@code n}-th entry, appended by
 * one atomic {@code RPUSH}, so two nodes appending at once get versions {@code n} and {@code n+1}.
 *
 * <p>These are health data: Redis must be private to Haven, over TLS where the network is not.
 */
public final class RedisCareStore implements CareStore {

    /** One version as stored; its number is its place in the list. */
    private record Revision<T>(T value, String updatedBy, Instant updatedAt) {}

    private static final RedisScript LATEST = new RedisScript("""
            local n = redis.call('LLEN', KEYS[1])
            if n == 0 then
              return {0}
            end
            return {n, redis.call('LINDEX', KEYS[1], -1)}
            """);

    private static final JavaType CONTACTS =
            StoredJson.type(Revision.class, StoredJson.listOf(Care.EmergencyContact.class));
    private static final JavaType PLAN = StoredJson.type(Revision.class, StoredJson.type(Care.SafetyPlan.class));

    private final RedisConnections redis;
    private final RedisKeys keys;

    public RedisCareStore(RedisConnections redis, RedisKeys keys) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
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
        return append(keys.user(client, "contacts"), List.copyOf(contacts), by, at);
    }

    @Override
    public CompletionStage<Optional<Care.Versioned<List<Care.EmergencyContact>>>> contacts(UserRef client) {
        return latest(keys.user(client, "contacts"), CONTACTS);
    }

    @Override
    public CompletionStage<Care.Versioned<Care.SafetyPlan>> appendPlan(
            UserRef client, Care.SafetyPlan plan, String by, Instant at) {
        return append(keys.user(client, "plan"), plan, by, at);
    }

    @Override
    public CompletionStage<Optional<Care.Versioned<Care.SafetyPlan>>> plan(UserRef client) {
        return latest(keys.user(client, "plan"), PLAN);
    }

    private <T> CompletionStage<Care.Versioned<T>> append(String key, T value, String by, Instant at) {
        return redis.commands()
                .rpush(key, StoredJson.write(new Revision<>(value, by, at)))
                .thenApply(version -> new Care.Versioned<>(version, value, by, at));
    }

    private <T> CompletionStage<Optional<Care.Versioned<T>>> latest(String key, JavaType revisionType) {
        return LATEST.<List<Object>>run(redis.commands(), ScriptOutputType.MULTI, new String[] {key})
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
