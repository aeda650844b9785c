package org.haven.server.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.cluster.SlotHash;
import org.haven.server.presence.UserRef;
import org.junit.jupiter.api.Test;

/** Keys keep one user in one cluster slot, spread users over slots, and cannot be confused by odd ids. */
class RedisKeysTest {

    private final RedisKeys keys = new RedisKeys("haven");

    @Test
    void aUsersKeysShareOneSlot() {
        UserRef alice = new UserRef("demo", "alice");
        assertThat(keys.user(alice, "connections")).isEqualTo("haven:{demo:alice}:connections");
        assertThat(SlotHash.getSlot(keys.user(alice, "mailbox", "phone")))
                .isEqualTo(SlotHash.getSlot(keys.user(alice, "status")));
    }

    @Test
    void idsThatLookLikeKeySyntaxAreEscaped() {
        UserRef tricky = new UserRef("a:b", "}c{");
        assertThat(keys.user(tricky, "status")).isEqualTo("haven:{a%3Ab:%7Dc%7B}:status");
        assertThat(keys.user(tricky, "status")).isNotEqualTo(keys.user(new UserRef("a", "b:}c{"), "status"));
        assertThat(SlotHash.getSlot(keys.user(tricky, "status"))).isEqualTo(SlotHash.getSlot(keys.user(tricky, "x")));
    }

    @Test
    void escapingIsReversible() {
        for (String id : new String[] {"plain", "%", "%25", "a:b", "{x}", "%3A", "100%:{}%7B"}) {
            assertThat(RedisKeys.unescape(RedisKeys.escape(id))).isEqualTo(id);
        }
    }

    @Test
    void usersSpreadOverTheSlotsOfThreeMasters() {
        int[] perMaster = new int[3];
        for (int i = 0; i < 3000; i++) {
            int slot = SlotHash.getSlot(keys.user(new UserRef("demo", "user-" + i), "connections"));
            perMaster[slot * 3 / SlotHash.SLOT_COUNT]++;
        }
        for (int n : perMaster) {
            assertThat(n).isBetween(800, 1200);
        }
    }

    @Test
    void theNamespaceCannotHoldAHashTag() {
        assertThatThrownBy(() -> new RedisKeys("ha{ven}")).hasMessageStartingWith("namespace:");
        assertThatThrownBy(() -> new RedisKeys("")).hasMessageStartingWith("namespace:");
    }
}
