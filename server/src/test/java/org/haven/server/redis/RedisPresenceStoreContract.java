package org.haven.server.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.haven.server.presence.Presence;
import org.haven.server.presence.PresenceStore;
import org.haven.server.presence.PresenceStoreContract;
import org.haven.server.presence.UserRef;
import org.haven.server.testing.RedisServers;
import org.junit.jupiter.api.Test;

/**
 * The {@link PresenceStore} contract, plus what only a shared store has: nodes die, and the
 * survivors find out. Runs with a one-second time-to-live so a death is noticed quickly.
 */
public abstract class RedisPresenceStoreContract extends PresenceStoreContract {

    private static final Duration TTL = Duration.ofSeconds(1);

    private final RedisKeys keys = RedisServers.freshKeys();
    private final UserRef alice = new UserRef("demo", "alice");
    private final UserRef bob = new UserRef("demo:x", "bob{1}");
    private final UserRef carol = new UserRef("demo", "carol");

    /** Connections to the Redis under test. */
    protected abstract RedisConnections connections();

    @Override
    protected PresenceStore newStore() {
        return node("node-a");
    }

    /** Another node's store over the same keys. */
    private RedisPresenceStore node(String id) {
        return new RedisPresenceStore(connections(), keys, id, TTL);
    }

    private static <T> T done(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** Keeps {@code survivor} alive and reaping until it has reported {@code count} users. */
    private static List<UserRef> reapUntil(RedisPresenceStore survivor, int count) {
        List<UserRef> reported = new CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    assertThat(done(survivor.heartbeat()))
                            .as("the survivor stays registered")
                            .isTrue();
                    reported.addAll(done(survivor.reapDeadNodes()));
                    return reported.size() >= count;
                });
        return reported;
    }

    @Test
    void theUsersOfADeadNodeAreReportedOfflineByASurvivor() throws Exception {
        RedisPresenceStore dying = node("node-a");
        RedisPresenceStore survivor = node("node-b");
        assertThat(done(dying.heartbeat())).isTrue();
        assertThat(done(survivor.heartbeat())).isTrue();
        done(dying.connect(alice, "c-1"));
        done(dying.connect(alice, "c-2"));
        done(dying.connect(bob, "c-3"));
        done(dying.connect(carol, "c-4"));
        done(survivor.connect(carol, "c-5"));

        // node-a stops its heartbeat: it died.
        assertThat(reapUntil(survivor, 2)).containsExactlyInAnyOrder(alice, bob);

        assertThat(done(survivor.get(alice)).online()).isFalse();
        assertThat(done(survivor.get(bob)).online()).isFalse();
        Presence stillHere = done(survivor.get(carol));
        assertThat(stillHere.connections())
                .as("carol's connection on the survivor remains")
                .isEqualTo(1);
        assertThat(done(survivor.reapDeadNodes()))
                .as("a dead node is reaped once")
                .isEmpty();
    }

    @Test
    void aLiveNodeIsNeverReaped() throws Exception {
        RedisPresenceStore a = node("node-a");
        RedisPresenceStore b = node("node-b");
        done(a.heartbeat());
        done(b.heartbeat());
        done(a.connect(alice, "c-1"));
        await().during(TTL.multipliedBy(3))
                .atMost(TTL.multipliedBy(5))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    boolean bothAlive = done(a.heartbeat()) && done(b.heartbeat());
                    return bothAlive
                            && done(b.reapDeadNodes()).isEmpty()
                            && done(a.reapDeadNodes()).isEmpty();
                });
        assertThat(done(b.get(alice)).online()).isTrue();
    }

    @Test
    void aNodeDeclaredDeadLearnsItAtItsNextHeartbeatAndRegistersAgain() throws Exception {
        RedisPresenceStore paused = node("node-a");
        RedisPresenceStore survivor = node("node-b");
        done(paused.heartbeat());
        done(paused.connect(alice, "c-1"));
        String firstLife = paused.life();

        assertThat(reapUntil(survivor, 1)).containsExactly(alice);

        assertThat(done(paused.heartbeat())).as("its entries were lost").isFalse();
        assertThat(paused.life()).isNotEqualTo(firstLife);
        assertThat(done(paused.connect(alice, "c-1")).online()).isTrue();
        await().during(TTL.multipliedBy(2))
                .atMost(TTL.multipliedBy(4))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> done(paused.heartbeat())
                        && done(survivor.heartbeat())
                        && done(survivor.reapDeadNodes()).isEmpty());
        assertThat(done(survivor.get(alice)).connections()).isEqualTo(1);
    }

    @Test
    void aNodeWhoseUsersAllLeftDiesWithoutAnnouncingAnyone() throws Exception {
        RedisPresenceStore leaving = node("node-a");
        RedisPresenceStore survivor = node("node-b");
        done(leaving.heartbeat());
        done(leaving.connect(alice, "c-1"));
        done(leaving.disconnect(alice, "c-1"));
        List<UserRef> reported = new CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    done(survivor.heartbeat());
                    reported.addAll(done(survivor.reapDeadNodes()));
                    return forgotten(leaving.life());
                });
        assertThat(reported).isEmpty();
    }

    /** Whether a node life is neither live nor being reaped. */
    private boolean forgotten(String life) throws Exception {
        var redis = connections().commands();
        return done(redis.zscore(keys.tagged("nodes", "live"), life)) == null
                && done(redis.zscore(keys.tagged("nodes", "reaping"), life)) == null;
    }
}
