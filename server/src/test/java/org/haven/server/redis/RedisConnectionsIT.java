package org.haven.server.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.haven.server.testing.RedisClusterProcess;
import org.haven.server.testing.RedisProcess;
import org.haven.server.testing.RedisServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RedisConnections} against real servers: healthy when connected, publish/subscribe works on
 * one server and on a cluster, and closing releases everything (the leak check runs after the class).
 */
class RedisConnectionsIT {

    @RegisterExtension
    static final RedisServers redis = new RedisServers();

    @Test
    void oneServerAndAClusterReportThemselvesUp() {
        assertThat(redis.standalone().isUp()).isTrue();
        assertThat(redis.standalone().isCluster()).isFalse();
        assertThat(redis.cluster().isUp()).isTrue();
        assertThat(redis.cluster().isCluster()).isTrue();
    }

    @Test
    void publishAndSubscribeOnOneServer() throws Exception {
        roundTrip(redis.standalone());
    }

    @Test
    void publishAndSubscribeOnACluster() throws Exception {
        roundTrip(redis.cluster());
    }

    @Test
    void closingMakesItDownAndRefusesNewSubscribers() {
        try (RedisProcess process = RedisProcess.start()) {
            RedisConnections own = RedisConnections.open(process.url());
            own.close();
            assertThat(own.isUp()).isFalse();
            assertThat(own.connectPubSub().toCompletableFuture()).isCompletedExceptionally();
        }
    }

    @Test
    void aClusterUrlWithOneSeedFindsEveryMaster() throws Exception {
        try (RedisClusterProcess cluster = RedisClusterProcess.start();
                RedisConnections own = RedisConnections.open(
                        "redis-cluster://127.0.0.1:" + cluster.masters().get(0).port())) {
            for (int i = 0; i < 30; i++) {
                own.commands().set("{k" + i + "}", "v").toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
            for (RedisProcess master : cluster.masters()) {
                assertThat(Integer.parseInt(master.command("DBSIZE")))
                        .as("keys spread to every master")
                        .isPositive();
            }
        }
    }

    private static void roundTrip(RedisConnections connections) throws Exception {
        StatefulRedisPubSubConnection<String, String> subscriber =
                connections.connectPubSub().toCompletableFuture().get(5, TimeUnit.SECONDS);
        List<String> received = new CopyOnWriteArrayList<>();
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                received.add(channel + "=" + message);
            }
        });
        subscriber.async().subscribe("haven-test").toCompletableFuture().get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            connections
                    .commands()
                    .publish("haven-test", "hello")
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            return received.contains("haven-test=hello");
        });
    }
}
