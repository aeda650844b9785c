package org.haven.server.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.haven.protocol.Alerts;
import org.haven.server.alert.AlertStore;
import org.haven.server.alert.AlertStoreContract;
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

    @Nested
    class OneServer extends AlertStoreContract {
        @Override
        protected AlertStore newStore() {
            return new RedisAlertStore(redis.standalone(), RedisServers.freshKeys());
        }

        @Test
        void closedAlertsExpireAfterTheRetention() throws Exception {
            closedAlertsExpire(redis.standalone());
        }

        @Test
        void anAlertInTheOpenSetIsNeverPurged() throws Exception {
            RedisAlertStoreIT.anAlertInTheOpenSetIsNeverPurged(redis.standalone());
        }
    }

    @Nested
    class Cluster extends AlertStoreContract {
        @Override
        protected AlertStore newStore() {
            return new RedisAlertStore(redis.cluster(), RedisServers.freshKeys());
        }

        @Test
        void closedAlertsExpireAfterTheRetention() throws Exception {
            closedAlertsExpire(redis.cluster());
        }

        @Test
        void anAlertInTheOpenSetIsNeverPurged() throws Exception {
            RedisAlertStoreIT.anAlertInTheOpenSetIsNeverPurged(redis.cluster());
        }
    }
}
