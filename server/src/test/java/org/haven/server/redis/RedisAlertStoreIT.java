package org.haven.server.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.haven.protocol.Alerts;
import org.haven.server.alert.AlertSearch;
import org.haven.server.alert.AlertStore;
import org.haven.server.alert.AlertStoreContract;
import org.haven.server.alert.StoredAlert;
import org.haven.server.storage.StoredJson;
import org.haven.server.testing.RedisServers;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisAlertStore} keeps the {@link AlertStore} contract on one Redis server and on a three-master cluster. */
class RedisAlertStoreIT {

    @RegisterExtension
    static final RedisServers redis = new RedisServers();

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /**
     * A closed alert's key expires after the retention; an open one's never, nor a reopened one's. The
     * purge then takes the expired ones out of the indexes.
     */
    private static void closedAlertsExpire(RedisConnections connections) throws Exception {
        RedisKeys keys = RedisServers.freshKeys();
        RedisAlertKeys alertKeys = new RedisAlertKeys(keys);
        AlertStore store = new RedisAlertStore(connections, keys, Duration.ofMillis(300));
        await(store.save(AlertStoreContract.alert("demo", "closed", Alerts.State.CLOSED, 2)));
        await(store.save(AlertStoreContract.alert("demo", "reopened", Alerts.State.CLOSED, 2)));
        await(store.save(AlertStoreContract.alert("demo", "reopened", Alerts.State.RAISED, 3)));
        await(store.saveNew(AlertStoreContract.alert("demo", "stood-in", Alerts.State.CLOSED, 2)));
        await(store.save(AlertStoreContract.alert("demo", "open", Alerts.State.RAISED, 1)));
        assertThat(await(store.find("demo", "closed"))).isPresent();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while ((await(store.find("demo", "closed")).isPresent()
                        || await(store.find("demo", "stood-in")).isPresent())
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(await(store.find("demo", "closed"))).isEmpty();
        assertThat(await(store.find("demo", "stood-in"))).isEmpty();
        assertThat(await(store.find("demo", "reopened"))).isPresent();
        assertThat(await(store.unclosed("demo")))
                .extracting(a -> a.view().id())
                .containsExactlyInAnyOrder("open", "reopened");
        assertThat(await(connections.commands().zrange(alertKeys.closed("demo"), 0, -1)))
                .containsExactlyInAnyOrder("closed", "stood-in");
        assertThat(await(store.purgeClosed(java.time.Instant.MAX)))
                .as("they expired already")
                .isZero();
        assertThat(await(connections.commands().zrange(alertKeys.closed("demo"), 0, -1)))
                .isEmpty();
        assertThat(await(connections.commands().zrange(alertKeys.raised("demo"), 0, -1)))
                .containsExactlyInAnyOrder("open", "reopened");
    }

    /**
     * An alert in the open set is never purged, even one the closed set still lists: a node of the
     * version before this index reopened it (it knows only the open set).
     */
    private static void anAlertInTheOpenSetIsNeverPurged(RedisConnections connections) throws Exception {
        RedisKeys keys = RedisServers.freshKeys();
        RedisAlertKeys alertKeys = new RedisAlertKeys(keys);
        AlertStore store = new RedisAlertStore(connections, keys);
        await(store.save(AlertStoreContract.alert("demo", "a-1", Alerts.State.CLOSED, 2)));
        await(connections.commands().sadd(alertKeys.open("demo"), "a-1"));
        assertThat(await(store.purgeClosed(java.time.Instant.MAX))).isZero();
        assertThat(await(store.find("demo", "a-1"))).isPresent();
        assertThat(await(connections.commands().zrange(alertKeys.closed("demo"), 0, -1)))
                .isEmpty();
    }

    /**
     * Pages of every size, walked one, two or three members at a time, each page after the last alert
     * of the one before: every alert once, in order, ties across batches included (seven alerts in one
     * millisecond), filtered or not; a member whose alert is gone is passed over, then taken out.
     */
    private static void walksInSmallBatchesNeverSkipNorRepeat(RedisConnections connections) throws Exception {
        RedisKeys keys = RedisServers.freshKeys();
        RedisAlertKeys alertKeys = new RedisAlertKeys(keys);
        AlertStore store = new RedisAlertStore(connections, keys);
        Instant day = Instant.parse("2030-03-01T00:00:00Z");
        List<StoredAlert> stored = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            Instant raisedAt =
                    i < 7 ? day.plusNanos(i * 1_000L) : day.plusMillis(i / 3).plusNanos(i % 3 * 1_000L);
            StoredAlert a = AlertStoreContract.alertAt(
                    "demo",
                    "a-%02d".formatted((i * 7) % 25),
                    "alice",
                    i % 3 == 0 ? Alerts.State.CLOSED : Alerts.State.RAISED,
                    raisedAt);
            await(store.save(a));
            stored.add(a);
        }
        StoredAlert gone = AlertStoreContract.alertAt("demo", "gone", "alice", Alerts.State.RAISED, day.plusMillis(4));
        await(store.save(gone));
        await(connections.commands().del(alertKeys.alert("demo", "gone")));

        for (Alerts.State state : new Alerts.State[] {null, Alerts.State.RAISED}) {
            List<String> expected = stored.stream()
                    .filter(a -> state == null || a.view().state() == state)
                    .sorted(AlertSearch.NEWEST_FIRST)
                    .map(a -> a.view().id())
                    .toList();
            for (int batch = 1; batch <= 3; batch++) {
                RedisAlertSearch search = new RedisAlertSearch(connections, alertKeys, batch);
                for (int limit : new int[] {1, 2, 4, 10, 30}) {
                    AlertSearch first =
                            new AlertSearch("demo", day, day.plusSeconds(60), state, null, null, null, limit);
                    assertThat(paged(search, first))
                            .as("batches of %s, pages of %s, state %s", batch, limit, state)
                            .containsExactlyElementsOf(expected);
                }
            }
        }
        assertThat(await(connections.commands().zscore(alertKeys.raised("demo"), "gone")))
                .as("taken out of the index")
                .isNull();
    }

    private static List<String> paged(RedisAlertSearch search, AlertSearch first) throws Exception {
        List<String> found = new ArrayList<>();
        AlertSearch next = first;
        for (int i = 0; i < 100; i++) {
            List<StoredAlert> page = await(search.search(next));
            assertThat(page.size()).isLessThanOrEqualTo(first.limit());
            if (page.isEmpty()) {
                return found;
            }
            page.forEach(a -> found.add(a.view().id()));
            next = next.after(page.get(page.size() - 1));
        }
        throw new AssertionError("no end after 100 pages");
    }

    /**
     * A store over {@code alerts} written as the version before the search wrote them: each alert's
     * key (a closed one's with its expiry), the open sets, the organisations; no sorted set by time.
     */
    private static AlertStore storeWithEarlierAlerts(RedisConnections connections, List<StoredAlert> alerts)
            throws Exception {
        RedisKeys keys = RedisServers.freshKeys();
        RedisAlertKeys alertKeys = new RedisAlertKeys(keys);
        var c = connections.commands();
        for (StoredAlert a : alerts) {
            String key = alertKeys.alert(a.org(), a.view().id());
            String json = StoredJson.write(a);
            if (a.view().state() == Alerts.State.CLOSED) {
                await(c.set(key, json, SetArgs.Builder.px(AlertStore.DEFAULT_RETENTION.toMillis())));
            } else {
                await(c.set(key, json));
                await(c.sadd(alertKeys.open(a.org()), a.view().id()));
                await(c.sadd(
                        alertKeys.openOf(a.org(), a.view().client()), a.view().id()));
            }
            await(c.sadd(alertKeys.orgs(), a.org()));
        }
        await(c.set(keys.org("demo", "alerts:open:alert:x"), "not an alert key"));
        return new RedisAlertStore(connections, keys);
    }

    @Nested
    class OneServer extends AlertStoreContract {
        @Override
        protected AlertStore newStore() {
            return new RedisAlertStore(redis.standalone(), RedisServers.freshKeys());
        }

        @Override
        protected AlertStore storeWithEarlierAlerts(List<StoredAlert> alerts) throws Exception {
            return RedisAlertStoreIT.storeWithEarlierAlerts(redis.standalone(), alerts);
        }

        @Test
        void closedAlertsExpireAfterTheRetention() throws Exception {
            closedAlertsExpire(redis.standalone());
        }

        @Test
        void anAlertInTheOpenSetIsNeverPurged() throws Exception {
            RedisAlertStoreIT.anAlertInTheOpenSetIsNeverPurged(redis.standalone());
        }

        @Test
        void walksInSmallBatchesNeverSkipNorRepeat() throws Exception {
            RedisAlertStoreIT.walksInSmallBatchesNeverSkipNorRepeat(redis.standalone());
        }
    }

    @Nested
    class Cluster extends AlertStoreContract {
        @Override
        protected AlertStore newStore() {
            return new RedisAlertStore(redis.cluster(), RedisServers.freshKeys());
        }

        @Override
        protected AlertStore storeWithEarlierAlerts(List<StoredAlert> alerts) throws Exception {
            return RedisAlertStoreIT.storeWithEarlierAlerts(redis.cluster(), alerts);
        }

        @Test
        void closedAlertsExpireAfterTheRetention() throws Exception {
            closedAlertsExpire(redis.cluster());
        }

        @Test
        void anAlertInTheOpenSetIsNeverPurged() throws Exception {
            RedisAlertStoreIT.anAlertInTheOpenSetIsNeverPurged(redis.cluster());
        }

        @Test
        void walksInSmallBatchesNeverSkipNorRepeat() throws Exception {
            RedisAlertStoreIT.walksInSmallBatchesNeverSkipNorRepeat(redis.cluster());
        }
    }
}
