package org.haven.server.redis;

import io.lettuce.core.KeyValue;
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

/**
 * {@link AlertStore} in Redis, shared by every node. Per organisation (hash tag {@code {org}}): one
 * key per alert holding its JSON, and the set of its alerts not yet closed; one set lists the
 * organisations that have alerts. An alert and its place in the open set change together in one
 * Lua script, so {@link #unclosed()} never misses a stored open alert.
 *
 * <p>Alerts carry health data (location, contacts, safety plan): Redis must be private to Haven,
 * over TLS where the network is not. Closed alerts are kept, as the contract requires; retention
 * beyond that is the operator's policy.
 */
public final class RedisAlertStore implements AlertStore {

    private static final RedisScript SAVE = new RedisScript("""
            redis.call('SET', KEYS[1], ARGV[1])
            if ARGV[3] == '1' then
              redis.call('SADD', KEYS[2], ARGV[2])
            else
              redis.call('SREM', KEYS[2], ARGV[2])
            end
            return 1
            """);

    private final RedisConnections redis;
    private final RedisKeys keys;

    public RedisAlertStore(RedisConnections redis, RedisKeys keys) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    @Override
    public CompletionStage<Void> save(StoredAlert alert) {
        RedisClusterAsyncCommands<String, String> c = redis.commands();
        String id = alert.view().id();
        boolean open = alert.view().state() != Alerts.State.CLOSED;
        // Both are sent at once, in this order, on the same connections: later saves stay behind them.
        CompletionStage<Long> listed = c.sadd(orgsKey(), alert.org());
        CompletionStage<Long> stored = SAVE.run(c, ScriptOutputType.INTEGER,
                new String[] {alertKey(alert.org(), id), openKey(alert.org())},
                RedisJson.write(alert), id, open ? "1" : "0");
        return listed.thenCombine(stored, (a, b) -> null);
    }

    @Override
    public CompletionStage<List<StoredAlert>> unclosed() {
        RedisClusterAsyncCommands<String, String> c = redis.commands();
        return c.smembers(orgsKey()).thenCompose(orgs -> {
            List<CompletableFuture<List<StoredAlert>>> perOrg = new ArrayList<>();
            for (String org : orgs) {
                perOrg.add(unclosed(c, org).toCompletableFuture());
            }
            return CompletableFuture.allOf(perOrg.toArray(CompletableFuture[]::new)).thenApply(done -> {
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

    @Override
    public CompletionStage<java.util.Set<String>> organisationsWithOpenAlerts() {
        RedisClusterAsyncCommands<String, String> c = redis.commands();
        return c.smembers(orgsKey()).thenCompose(orgs -> {
            List<String> listed = List.copyOf(orgs);
            List<CompletableFuture<Long>> counts = new ArrayList<>();
            for (String org : listed) {
                counts.add(c.scard(openKey(org)).toCompletableFuture());
            }
            return CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new)).thenApply(done -> {
                java.util.Set<String> open = new java.util.HashSet<>();
                for (int i = 0; i < listed.size(); i++) {
                    if (counts.get(i).join() > 0) {
                        open.add(listed.get(i));
                    }
                }
                return java.util.Set.copyOf(open);
            });
        });
    }

    private CompletionStage<List<StoredAlert>> unclosed(RedisClusterAsyncCommands<String, String> c, String org) {
        return c.smembers(openKey(org)).thenCompose(ids -> {
            if (ids.isEmpty()) {
                return CompletableFuture.completedFuture(List.of());
            }
            String[] alertKeys = ids.stream().map(id -> alertKey(org, id)).toArray(String[]::new);
            return c.mget(alertKeys).thenApply(values -> values.stream()
                    .filter(KeyValue::hasValue)
                    .map(kv -> RedisJson.read(kv.getValue(), StoredAlert.class))
                    .filter(a -> a.view().state() != Alerts.State.CLOSED)
                    .toList());
        });
    }

    private String orgsKey() {
        return keys.tagged("alerts", "orgs");
    }

    private String openKey(String org) {
        return keys.org(org, "alerts:open");
    }

    private String alertKey(String org, String id) {
        return keys.org(org, "alert:" + RedisKeys.escape(id));
    }
}
