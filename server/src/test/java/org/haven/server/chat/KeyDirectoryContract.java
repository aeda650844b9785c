package org.haven.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.haven.protocol.E2e;
import org.haven.server.presence.UserRef;
import org.junit.jupiter.api.Test;

/**
 * The guarantees of {@link KeyDirectory}, run against every implementation: extend it and supply a
 * fresh, empty directory.
 */
public abstract class KeyDirectoryContract {

    /** A new, empty directory. */
    protected abstract KeyDirectory newDirectory();

    private KeyDirectory directory;

    protected final KeyDirectory directory() {
        if (directory == null) {
            directory = newDirectory();
        }
        return directory;
    }

    private final UserRef alice = new UserRef("demo", "alice");

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static String key(int seed) {
        byte[] bytes = new byte[32];
        bytes[0] = (byte) seed;
        bytes[1] = (byte) (seed >> 8);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static E2e.DeviceBundle bundle(String device, String fingerprint) {
        return new E2e.DeviceBundle(
                device,
                new E2e.PublicKey(E2e.X25519, key(1)),
                new E2e.PublicKey(E2e.ED25519, key(2)),
                new E2e.Prekey(7, key(3), key(4)),
                null,
                fingerprint);
    }

    private static List<E2e.Prekey> prekeys(int first, int count) {
        return IntStream.range(first, first + count)
                .mapToObj(i -> new E2e.Prekey(i, key(100 + i), null))
                .toList();
    }

    @Test
    void anUnknownUserHasNoDevices() throws Exception {
        assertThat(await(directory().devices(alice))).isEmpty();
        assertThat(await(directory().fetch(alice))).isEmpty();
    }

    @Test
    void publishingReportsTheIdentityItReplaced() throws Exception {
        KeyDirectory directory = directory();
        assertThat(await(directory.publish(alice, bundle("phone", "fp-1"), prekeys(1, 2))))
                .isEmpty();
        assertThat(await(directory.publish(alice, bundle("phone", "fp-2"), prekeys(10, 2))))
                .contains("fp-1");
        assertThat(await(directory.publish(alice, bundle("laptop", "fp-3"), List.of())))
                .isEmpty();
        assertThat(await(directory.devices(alice))).containsExactlyInAnyOrder("phone", "laptop");
    }

    @Test
    void oneTimePrekeysAreHandedOutOnceInOrderThenRunOut() throws Exception {
        KeyDirectory directory = directory();
        E2e.DeviceBundle published = bundle("phone", "fp-1");
        await(directory.publish(alice, published, prekeys(1, 2)));
        E2e.DeviceBundle first = await(directory.fetch(alice)).get(0);
        assertThat(first)
                .isEqualTo(new E2e.DeviceBundle(
                        "phone",
                        published.identityKey(),
                        published.signingKey(),
                        published.signedPrekey(),
                        prekeys(1, 1).get(0),
                        "fp-1"));
        assertThat(await(directory.fetch(alice)).get(0).oneTimePrekey().keyId()).isEqualTo(2);
        E2e.DeviceBundle exhausted = await(directory.fetch(alice)).get(0);
        assertThat(exhausted.oneTimePrekey()).isNull();
        assertThat(exhausted.signedPrekey()).isEqualTo(published.signedPrekey());
    }

    @Test
    void republishingReplacesTheOneTimePrekeys() throws Exception {
        KeyDirectory directory = directory();
        await(directory.publish(alice, bundle("phone", "fp-1"), prekeys(1, 3)));
        await(directory.publish(alice, bundle("phone", "fp-2"), prekeys(50, 1)));
        E2e.DeviceBundle fetched = await(directory.fetch(alice)).get(0);
        assertThat(fetched.fingerprint()).isEqualTo("fp-2");
        assertThat(fetched.oneTimePrekey().keyId()).isEqualTo(50);
        assertThat(await(directory.fetch(alice)).get(0).oneTimePrekey()).isNull();
    }

    @Test
    void everyDeviceGivesOneOfItsOwnPrekeys() throws Exception {
        KeyDirectory directory = directory();
        await(directory.publish(alice, bundle("phone", "fp-1"), prekeys(1, 1)));
        await(directory.publish(alice, bundle("laptop", "fp-2"), prekeys(20, 1)));
        assertThat(await(directory.fetch(alice)))
                .extracting(b -> b.device() + "=" + b.oneTimePrekey().keyId())
                .containsExactlyInAnyOrder("phone=1", "laptop=20");
    }

    @Test
    void fetchesAtOnceNeverShareAPrekey() throws Exception {
        KeyDirectory directory = directory();
        await(directory.publish(alice, bundle("phone", "fp-1"), prekeys(1, 10)));
        List<CompletionStage<List<E2e.DeviceBundle>>> fetches = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            fetches.add(directory.fetch(alice));
        }
        List<Integer> handedOut = new ArrayList<>();
        for (CompletionStage<List<E2e.DeviceBundle>> f : fetches) {
            E2e.Prekey p = await(f).get(0).oneTimePrekey();
            handedOut.add(p == null ? null : p.keyId());
        }
        assertThat(handedOut.stream().filter(Objects::nonNull).toList())
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.rangeClosed(1, 10).boxed().toList());
    }

    @Test
    void usersAndOrganisationsAreSeparate() throws Exception {
        KeyDirectory directory = directory();
        await(directory.publish(alice, bundle("phone", "fp-1"), prekeys(1, 1)));
        assertThat(await(directory.devices(new UserRef("other", "alice")))).isEmpty();
        assertThat(await(directory.fetch(new UserRef("demo", "bob")))).isEmpty();
    }
}
