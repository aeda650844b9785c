package org.haven.server.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.haven.server.presence.UserRef;
import org.haven.server.testing.RedisClusterProcess;
import org.haven.server.testing.RedisProcess;
import org.haven.server.testing.RedisServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One master of a three-master cluster killed and restarted under a store: users whose slot it
 * serves fail at once while it is down, the others are served throughout, and everyone is served
 * again once it is back. The cluster keeps serving partial coverage so the survivors stay usable.
 */
class RedisClusterRestartIT {

    private RedisClusterProcess cluster;
    private RedisConnections redis;
    private final RedisKeys keys = RedisServers.freshKeys();

    @BeforeEach
    void start() {
        cluster = RedisClusterProcess.start("--cluster-require-full-coverage", "no");
        redis = RedisConnections.open(cluster.url(), Duration.ofSeconds(1));
    }

    @AfterEach
    void stop() {
        redis.close();
        cluster.close();
    }

    private static <T> T done(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A user whose keys live on {@code master} ({@code owned}) or elsewhere. */
    private UserRef userOn(RedisProcess master, boolean owned) throws Exception {
        for (int i = 0; ; i++) {
            UserRef user = new UserRef("demo", "user-" + i);
            boolean isOwned;
            try {
                master.command("EXISTS " + keys.user(user, "connections"));
                isOwned = true;
            } catch (IOException moved) {
                isOwned = false;
            }
            if (isOwned == owned) {
                return user;
            }
        }
    }

    @Test
    void usersOnADeadMasterFailFastOthersAreServedAndAllRecover() throws Exception {
        RedisPresenceStore presence = new RedisPresenceStore(redis, keys, "node-a", Duration.ofSeconds(10));
        RedisProcess victim = cluster.masters().get(0);
        UserRef lost = userOn(victim, true);
        UserRef kept = userOn(victim, false);
        done(presence.connect(lost, "c-1"));
        done(presence.connect(kept, "c-2"));

        victim.kill();
        await().atMost(Duration.ofSeconds(5)).until(() -> !redis.isUp());
        long started = System.nanoTime();
        assertThatThrownBy(() -> done(presence.get(lost)))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(RedisException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(500));
        assertThat(done(presence.get(kept)).online())
                .as("the other masters still serve")
                .isTrue();

        victim.restart();
        await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(() -> redis.isUp() && !done(presence.get(lost)).online());
        assertThat(done(presence.connect(lost, "c-3")).online()).isTrue();
        assertThat(done(presence.get(kept)).connections()).isEqualTo(1);
    }
}
