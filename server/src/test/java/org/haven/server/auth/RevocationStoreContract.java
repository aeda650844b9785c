package org.haven.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.haven.server.presence.UserRef;
import org.junit.jupiter.api.Test;

/** What every {@link RevocationStore} keeps: revocations until their end, the later end winning. */
public abstract class RevocationStoreContract {

    protected abstract RevocationStore newStore();

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    private static List<Revocation> active(RevocationStore store, Instant at) throws Exception {
        return store.active(at).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void keepsTokenAndUserRevocationsUntilTheirEnd() throws Exception {
        RevocationStore store = newStore();
        Revocation token = Revocation.ofToken("jti-1:with{odd}chars", NOW.plus(Duration.ofHours(1)));
        Revocation user = Revocation.ofUser(new UserRef("org:a", "user}b"), NOW.plus(Duration.ofHours(2)));
        store.add(token).toCompletableFuture().get(5, TimeUnit.SECONDS);
        store.add(user).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(active(store, NOW)).containsExactlyInAnyOrder(token, user);
        assertThat(active(store, NOW.plus(Duration.ofMinutes(90)))).containsExactly(user);
        assertThat(active(store, NOW.plus(Duration.ofHours(3)))).isEmpty();
    }

    @Test
    void revokingAgainKeepsTheLaterEnd() throws Exception {
        RevocationStore store = newStore();
        store.add(Revocation.ofToken("t", NOW.plus(Duration.ofHours(2))))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        store.add(Revocation.ofToken("t", NOW.plus(Duration.ofHours(1))))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        assertThat(active(store, NOW)).containsExactly(Revocation.ofToken("t", NOW.plus(Duration.ofHours(2))));
    }
}
