package org.haven.server.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.haven.protocol.Role;
import org.haven.server.presence.UserRef;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The guarantees of {@link PushSubscriptions}, run against every implementation: extend it and supply
 * a fresh, empty store (and, for a durable one, the same store opened again).
 */
public abstract class PushSubscriptionsContract {

    /** A new, empty store. */
    protected abstract PushSubscriptions newStore();

    /**
     * The store of the last {@link #newStore()} as another node, or this one after a restart, opens
     * it (the same database or Redis, a new instance); null for a store that does not outlive its
     * process.
     */
    protected @Nullable PushSubscriptions sameStoreAgain() {
        return null;
    }

    private PushSubscriptions store;

    private PushSubscriptions store() {
        if (store == null) {
            store = newStore();
        }
        return store;
    }

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    /** Ids with the characters stores must escape. */
    private final UserRef alice = new UserRef("org:a{1}", "alice%:x");

    private final UserRef bob = new UserRef("org:a{1}", "bob");
    private final UserRef carol = new UserRef("org-b", "carol");

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static PushSubscription subscription(UserRef user, String device, int endpoint, Instant at) {
        return new PushSubscription(
                user.org(),
                user.user(),
                device,
                Role.CLINICIAN,
                Set.of("group-1", "group:2"),
                false,
                URI.create("https://push.example/wpush/v2/e-" + endpoint + "?x=1"),
                "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
                "BTBZMqHH6r4Tts7J_aSIgg",
                at);
    }

    @Test
    void nothingIsThereAtFirst() throws Exception {
        assertThat(await(store().list(alice))).isEmpty();
        assertThat(await(store().inOrg(alice.org()))).isEmpty();
        assertThat(await(store().remove(alice, "d"))).isEmpty();
        assertThat(await(store().removeByEndpoint(URI.create("https://push.example/nothing"))))
                .isFalse();
        await(store().setOnCall(alice, true));
        assertThat(await(store().list(alice))).isEmpty();
    }

    @Test
    void keepsEveryFieldToTheMillisecondAndListsTheOldestFirst() throws Exception {
        PushSubscription laptop = new PushSubscription(
                alice.org(),
                alice.user(),
                "laptop:{firefox}%",
                Role.SUPERVISOR,
                Set.of("group-1", "group:2", "{x}"),
                true,
                URI.create("https://fcm.googleapis.com/fcm/send/dGhpcy1pcy1hLXRlc3Q:APA91b?x=%2F&y=z"),
                "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
                "BTBZMqHH6r4Tts7J_aSIgg",
                T0.plusNanos(123_456_789));
        PushSubscription phone =
                subscription(alice, "phone", 2, T0.minusSeconds(60)).withOnCall(true);
        assertThat(await(store().save(laptop))).isEmpty();
        assertThat(await(store().save(phone))).isEmpty();

        assertThat(laptop.subscribedAt()).isEqualTo(T0.plusMillis(123));
        assertThat(await(store().list(alice))).containsExactly(phone, laptop);
        assertThat(await(store().list(bob))).isEmpty();
        assertThat(laptop.service()).isEqualTo("fcm.googleapis.com");
        assertThat(laptop.toString()).doesNotContain("dGhpcy1pcy1hLXRlc3Q", "BTBZMqHH6r4Tts7J_aSIgg");
    }

    @Test
    void aSecondSubscriptionOfTheSameDeviceReplacesTheFirst() throws Exception {
        await(store().save(subscription(alice, "laptop", 1, T0)));
        PushSubscription again = subscription(alice, "laptop", 2, T0.plusSeconds(5));
        assertThat(await(store().save(again))).isEmpty();
        assertThat(await(store().list(alice))).containsExactly(again);
        // The first endpoint went with it.
        assertThat(await(store().removeByEndpoint(
                                subscription(alice, "laptop", 1, T0).endpoint())))
                .isFalse();
        assertThat(await(store().list(alice))).containsExactly(again);
    }

    @Test
    void pastTheBoundTheUsersOldestIsRemovedNeverTheOneSaved() throws Exception {
        List<PushSubscription> ten = IntStream.range(0, PushSubscriptions.MAX_PER_USER)
                .mapToObj(i -> subscription(alice, "d-" + i, i, T0.plusSeconds(i)))
                .toList();
        for (PushSubscription s : ten) {
            assertThat(await(store().save(s))).isEmpty();
        }
        await(store().save(subscription(bob, "d-0", 100, T0.minusSeconds(100))));

        PushSubscription eleventh = subscription(alice, "d-new", 50, T0.plusSeconds(60));
        assertThat(await(store().save(eleventh))).containsExactly(ten.get(0));
        // Saved with a time older than all (another node's clock): still kept, the oldest other goes.
        PushSubscription skewed = subscription(alice, "d-skewed", 51, T0.minusSeconds(60));
        assertThat(await(store().save(skewed))).containsExactly(ten.get(1));

        List<PushSubscription> kept = await(store().list(alice));
        assertThat(kept).hasSize(PushSubscriptions.MAX_PER_USER).contains(eleventh, skewed);
        assertThat(kept.get(0)).isEqualTo(skewed);
        assertThat(await(store().list(bob))).hasSize(1);
        // Replacing a device at the bound removes nothing else.
        assertThat(await(store().save(subscription(alice, "d-5", 5, T0.plusSeconds(70)))))
                .isEmpty();
        assertThat(await(store().list(alice))).hasSize(PushSubscriptions.MAX_PER_USER);
    }

    @Test
    void anEndpointSubscribedByAnotherUserOrDeviceLeavesTheEarlierOne() throws Exception {
        PushSubscription alices = subscription(alice, "shared-pc", 7, T0);
        await(store().save(alices));
        PushSubscription carols = subscription(carol, "front-desk", 7, T0.plusSeconds(1));
        assertThat(await(store().save(carols))).containsExactly(alices);
        assertThat(await(store().list(alice))).isEmpty();
        assertThat(await(store().list(carol))).containsExactly(carols);

        PushSubscription carolsOtherDevice = subscription(carol, "renamed", 7, T0.plusSeconds(2));
        assertThat(await(store().save(carolsOtherDevice))).containsExactly(carols);
        assertThat(await(store().list(carol))).containsExactly(carolsOtherDevice);
    }

    @Test
    void anEndpointItsPushServiceSaysIsGoneIsRemovedWhereverItIs() throws Exception {
        PushSubscription gone = subscription(carol, "phone", 9, T0);
        PushSubscription kept = subscription(carol, "laptop", 10, T0);
        await(store().save(gone));
        await(store().save(kept));
        await(store().save(subscription(alice, "laptop", 11, T0)));

        assertThat(await(store().removeByEndpoint(gone.endpoint()))).isTrue();
        assertThat(await(store().removeByEndpoint(gone.endpoint()))).isFalse();
        assertThat(await(store().list(carol))).containsExactly(kept);
        assertThat(await(store().list(alice))).hasSize(1);
    }

    @Test
    void removingADeviceIsIdempotentAndTouchesNoOther() throws Exception {
        PushSubscription laptop = subscription(alice, "laptop", 1, T0);
        PushSubscription phone = subscription(alice, "phone", 2, T0.plusSeconds(1));
        await(store().save(laptop));
        await(store().save(phone));
        await(store().save(subscription(bob, "laptop", 3, T0)));

        assertThat(await(store().remove(alice, "laptop"))).contains(laptop);
        assertThat(await(store().remove(alice, "laptop"))).isEmpty();
        assertThat(await(store().list(alice))).containsExactly(phone);
        assertThat(await(store().list(bob))).hasSize(1);
        // Its endpoint went with it: subscribing it again elsewhere removes nothing.
        assertThat(await(store().save(subscription(bob, "tablet", 1, T0)))).isEmpty();
    }

    @Test
    void anOrganisationsSubscriptionsAreEveryUsersOfItAndNoOther() throws Exception {
        PushSubscription a1 = subscription(alice, "laptop", 1, T0.plusSeconds(2));
        PushSubscription a2 = subscription(alice, "phone", 2, T0);
        PushSubscription b1 = subscription(bob, "laptop", 3, T0.plusSeconds(1));
        await(store().save(a1));
        await(store().save(a2));
        await(store().save(b1));
        await(store().save(subscription(carol, "laptop", 4, T0)));

        assertThat(await(store().inOrg(alice.org()))).containsExactly(a2, a1, b1);
        assertThat(await(store().inOrg(carol.org()))).hasSize(1);
        assertThat(await(store().inOrg("org"))).isEmpty();
    }

    @Test
    void onCallIsTheUsersOnEveryOfTheirSubscriptions() throws Exception {
        await(store().save(subscription(alice, "laptop", 1, T0)));
        await(store().save(subscription(alice, "phone", 2, T0.plusSeconds(1))));
        await(store().save(subscription(bob, "laptop", 3, T0)));

        await(store().setOnCall(alice, true));
        assertThat(await(store().list(alice)))
                .extracting(PushSubscription::onCall)
                .containsExactly(true, true);
        assertThat(await(store().list(bob)))
                .extracting(PushSubscription::onCall)
                .containsExactly(false);
        assertThat(await(store().inOrg(alice.org())))
                .extracting(PushSubscription::onCall)
                .containsExactly(true, true, false);

        // A subscription saved later carries what it is saved with, for the user's others too.
        await(store().save(subscription(alice, "tablet", 4, T0.plusSeconds(2))));
        assertThat(await(store().list(alice)))
                .extracting(PushSubscription::onCall)
                .containsExactly(false, false, false);
        await(store().save(subscription(alice, "tablet", 4, T0.plusSeconds(3)).withOnCall(true)));
        assertThat(await(store().list(alice)))
                .extracting(PushSubscription::onCall)
                .containsExactly(true, true, true);
        await(store().setOnCall(alice, false));
        assertThat(await(store().list(alice)))
                .extracting(PushSubscription::onCall)
                .containsExactly(false, false, false);
    }

    @Test
    void subscriptionsOutliveTheNodeThatSavedThem() throws Exception {
        PushSubscription laptop = subscription(alice, "laptop", 1, T0).withOnCall(true);
        PushSubscription phone = subscription(carol, "phone", 2, T0);
        await(store().save(laptop));
        await(store().save(phone));

        PushSubscriptions again = sameStoreAgain();
        assumeTrue(again != null, "a store in memory does not outlive its process");
        assertThat(await(again.list(alice))).containsExactly(laptop);
        assertThat(await(again.inOrg(carol.org()))).containsExactly(phone);
        assertThat(await(again.removeByEndpoint(phone.endpoint()))).isTrue();
        assertThat(await(again.list(carol))).isEmpty();
    }
}
