package org.haven.server.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.haven.protocol.Alerts;
import org.haven.server.alert.AlertStoreContract;
import org.haven.server.alert.StoredAlert;
import org.haven.server.presence.UserRef;
import org.haven.server.testing.RedisProcess;
import org.haven.server.testing.RedisServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis killed (SIGKILL) and restarted under the engines: while it is down, calls fail at once with
 * a clear exception instead of hanging, and the health state says so; once it is back on the same
 * port, the same objects work again without being rebuilt — scripts are loaded again, and the
 * presence store learns at its next heartbeat that its entries were lost.
 */
class RedisRestartIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private RedisProcess process;
    private RedisConnections redis;
    private final RedisKeys keys = RedisServers.freshKeys();

    @BeforeEach
    void start() {
        process = RedisProcess.start();
        redis = RedisConnections.open(process.url(), TIMEOUT);
    }

    @AfterEach
    void stop() {
        redis.close();
        process.close();
    }

    private static <T> T done(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static StoredAlert alert(String id) {
        return AlertStoreContract.alert("demo", id, Alerts.State.RAISED, 1);
    }

    @Test
    void callsFailFastWhileRedisIsDownAndWorkOnceItIsBack() throws Exception {
        RedisAlertStore alerts = new RedisAlertStore(redis, keys);
        done(alerts.save(alert("a-1")));
        assertThat(redis.isUp()).isTrue();

        process.kill();
        await().atMost(Duration.ofSeconds(5)).until(() -> !redis.isUp());
        long started = System.nanoTime();
        assertThatThrownBy(() -> done(alerts.save(alert("a-2"))))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(RedisException.class)
                .hasMessageContaining("not connected");
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("refused at once, not after the time-out")
                .isLessThan(TIMEOUT.dividedBy(2));

        process.restart();
        await().atMost(Duration.ofSeconds(10)).until(redis::isUp);
        // The restarted server is empty and knows no script: the store loads it again by itself.
        done(alerts.save(alert("a-2")));
        assertThat(done(alerts.unclosed())).extracting(a -> a.view().id()).containsExactly("a-2");
    }

    @Test
    void aCallInFlightWhenRedisDiesFailsInsteadOfHanging() throws Exception {
        RedisAlertStore alerts = new RedisAlertStore(redis, keys);
        done(alerts.save(alert("a-1")));
        process.command("CLIENT PAUSE 10000 ALL");
        CompletionStage<Void> inFlight = alerts.save(alert("a-2"));
        process.kill();
        // Fails with the broken connection's error well before the time-out would have ended it.
        assertThatThrownBy(() -> inFlight.toCompletableFuture().get(TIMEOUT.toMillis() / 2, TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfAny(RedisException.class, IOException.class);
    }

    @Test
    void thePresenceStoreLearnsThatRedisLostItsEntriesAndRegistersAgain() throws Exception {
        RedisPresenceStore presence = new RedisPresenceStore(redis, keys, "node-a", Duration.ofSeconds(5));
        UserRef alice = new UserRef("demo", "alice");
        assertThat(done(presence.heartbeat())).isTrue();
        done(presence.connect(alice, "c-1"));

        process.kill();
        process.restart();
        await().atMost(Duration.ofSeconds(10)).until(redis::isUp);

        assertThat(done(presence.get(alice)).online())
                .as("Redis came back empty")
                .isFalse();
        assertThat(done(presence.heartbeat()))
                .as("the node is told to register its connections again")
                .isFalse();
        assertThat(done(presence.connect(alice, "c-1")).online()).isTrue();
        assertThat(done(presence.heartbeat())).isTrue();
    }

    @Test
    void anUnreachableRedisStopsTheStartWithAClearError() {
        process.kill();
        assertThatThrownBy(() -> RedisConnections.open(process.url(), TIMEOUT))
                .isInstanceOf(RedisConnectionException.class)
                .hasMessageContaining(":" + process.port());
    }
}
