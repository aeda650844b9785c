package org.haven.server.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.haven.protocol.PresenceStatus;
import org.junit.jupiter.api.Test;

/**
 * The guarantees of {@link PresenceStore}, run against every implementation: extend it and supply
 * a fresh store.
 */
public abstract class PresenceStoreContract {

    /** A new, empty store. */
    protected abstract PresenceStore newStore();

    private PresenceStore store;

    protected final PresenceStore store() {
        if (store == null) {
            store = newStore();
        }
        return store;
    }

    private final UserRef alice = new UserRef("demo", "alice");

    private static Presence await(java.util.concurrent.CompletionStage<Presence> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void anUnknownUserIsOffline() throws Exception {
        Presence p = await(store().get(alice));
        assertThat(p.online()).isFalse();
        assertThat(p.status()).isEqualTo(PresenceStatus.AVAILABLE);
    }

    @Test
    void aUserIsOnlineWhileAnyConnectionIsOpen() throws Exception {
        PresenceStore store = store();
        assertThat(await(store.connect(alice, "c1")).connections()).isEqualTo(1);
        assertThat(await(store.connect(alice, "c2")).connections()).isEqualTo(2);
        assertThat(await(store.connect(alice, "c2")).connections())
                .as("idempotent")
                .isEqualTo(2);
        assertThat(await(store.disconnect(alice, "c1")).online()).isTrue();
        assertThat(await(store.disconnect(alice, "c2")).online()).isFalse();
        assertThat(await(store.get(alice)).online()).isFalse();
    }

    @Test
    void theStatusLastsWhileOnlineAndResetsWhenOffline() throws Exception {
        PresenceStore store = store();
        await(store.connect(alice, "c1"));
        assertThat(await(store.setStatus(alice, PresenceStatus.BUSY)).status()).isEqualTo(PresenceStatus.BUSY);
        await(store.connect(alice, "c2"));
        assertThat(await(store.get(alice)).status()).isEqualTo(PresenceStatus.BUSY);
        await(store.disconnect(alice, "c1"));
        await(store.disconnect(alice, "c2"));
        await(store.connect(alice, "c3"));
        assertThat(await(store.get(alice)).status()).isEqualTo(PresenceStatus.AVAILABLE);
    }

    @Test
    void organisationsAreSeparate() throws Exception {
        PresenceStore store = store();
        await(store.connect(alice, "c1"));
        assertThat(await(store.get(new UserRef("other-org", "alice"))).online()).isFalse();
    }

    @Test
    void settingTheStatusOfAnOfflineUserDoesNotBringThemOnline() throws Exception {
        PresenceStore store = store();
        assertThat(await(store.setStatus(alice, PresenceStatus.AWAY)).online()).isFalse();
        assertThat(await(store.get(alice)).online()).isFalse();
    }
}
