package org.haven.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.haven.protocol.E2e;
import org.haven.server.presence.UserRef;
import org.junit.jupiter.api.Test;

/**
 * The guarantees of {@link Mailbox}, run against every implementation: extend it and supply a
 * fresh, empty mailbox with the given bound.
 */
public abstract class MailboxContract {

    /** How many messages per device the mailbox under test holds. */
    protected static final int BOUND = 3;

    /** A new, empty mailbox holding at most {@code perDevice} messages per device. */
    protected abstract Mailbox newMailbox(int perDevice);

    private Mailbox mailbox;

    protected final Mailbox mailbox() {
        if (mailbox == null) {
            mailbox = newMailbox(BOUND);
        }
        return mailbox;
    }

    private static final Instant T0 = Instant.parse("2030-01-02T03:04:05Z");
    private static final Duration TTL = Duration.ofHours(1);
    private final UserRef bob = new UserRef("demo", "bob");

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static E2e.DirectMessage message(String id, Instant sentAt) {
        String b64 = Base64.getEncoder().encodeToString(new byte[32]);
        String nonce = Base64.getEncoder().encodeToString(new byte[12]);
        return new E2e.DirectMessage(
                id, "alice", new E2e.Envelope("phone", "laptop", E2e.X25519_AES_GCM, b64, null, nonce, b64), sentAt);
    }

    private boolean put(String device, String id, Instant sentAt) throws Exception {
        return await(mailbox().put(bob, device, message(id, sentAt), sentAt.plus(TTL)));
    }

    private List<String> pending(String device, Instant now) throws Exception {
        return await(mailbox().pending(bob, device, now)).stream()
                .map(E2e.DirectMessage::message)
                .toList();
    }

    @Test
    void anEmptyMailboxHasRoomForTheBound() throws Exception {
        assertThat(pending("phone", T0)).isEmpty();
        assertThat(await(mailbox().space(bob, "phone", T0))).isEqualTo(BOUND);
    }

    @Test
    void messagesComeBackWholeInTheOrderPut() throws Exception {
        assertThat(put("phone", "m-2", T0)).isTrue();
        assertThat(put("phone", "m-1", T0.plusSeconds(1))).isTrue();
        assertThat(put("phone", "m-3", T0.plusSeconds(2))).isTrue();
        assertThat(pending("phone", T0.plusSeconds(3))).containsExactly("m-2", "m-1", "m-3");
        assertThat(await(mailbox().pending(bob, "phone", T0)).get(0)).isEqualTo(message("m-2", T0));
    }

    @Test
    void aFullMailboxRefusesAndKeepsWhatItHas() throws Exception {
        for (int i = 0; i < BOUND; i++) {
            assertThat(put("phone", "m-" + i, T0)).isTrue();
        }
        assertThat(put("phone", "m-late", T0)).isFalse();
        assertThat(await(mailbox().space(bob, "phone", T0))).isZero();
        assertThat(pending("phone", T0)).containsExactly("m-0", "m-1", "m-2");
    }

    @Test
    void acknowledgedMessagesAreGoneAndFreeRoom() throws Exception {
        put("phone", "m-1", T0);
        put("phone", "m-2", T0);
        put("phone", "m-3", T0);
        await(mailbox().acknowledge(bob, "phone", List.of("m-1", "m-3", "unknown")));
        assertThat(pending("phone", T0)).containsExactly("m-2");
        assertThat(await(mailbox().space(bob, "phone", T0))).isEqualTo(BOUND - 1);
        assertThat(put("phone", "m-4", T0)).isTrue();
        assertThat(pending("phone", T0)).containsExactly("m-2", "m-4");
    }

    @Test
    void expiredMessagesAreGoneAndFreeRoom() throws Exception {
        put("phone", "m-old", T0);
        put("phone", "m-new", T0.plus(Duration.ofMinutes(30)));
        Instant later = T0.plus(TTL);
        assertThat(pending("phone", later)).containsExactly("m-new");
        assertThat(await(mailbox().space(bob, "phone", later))).isEqualTo(BOUND - 1);
    }

    @Test
    void aFullMailboxTakesNewMessagesOnceOldOnesExpire() throws Exception {
        for (int i = 0; i < BOUND; i++) {
            put("phone", "m-" + i, T0);
        }
        assertThat(put("phone", "m-next", T0.plus(TTL))).isTrue();
        assertThat(pending("phone", T0.plus(TTL))).containsExactly("m-next");
    }

    @Test
    void devicesUsersAndOrganisationsAreSeparate() throws Exception {
        put("phone", "m-1", T0);
        assertThat(pending("laptop", T0)).isEmpty();
        assertThat(await(mailbox().pending(new UserRef("other", "bob"), "phone", T0)))
                .isEmpty();
        assertThat(await(mailbox().pending(new UserRef("demo", "alice"), "phone", T0)))
                .isEmpty();
    }

    @Test
    void putsAtOnceNeverExceedTheBound() throws Exception {
        List<CompletionStage<Boolean>> puts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            puts.add(mailbox().put(bob, "phone", message("m-" + i, T0), T0.plus(TTL)));
        }
        int stored = 0;
        for (CompletionStage<Boolean> p : puts) {
            stored += await(p) ? 1 : 0;
        }
        assertThat(stored).isEqualTo(BOUND);
        assertThat(pending("phone", T0)).hasSize(BOUND);
    }
}
