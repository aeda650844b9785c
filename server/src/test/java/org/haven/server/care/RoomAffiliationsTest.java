package org.haven.server.care;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.haven.server.presence.UserRef;
import org.junit.jupiter.api.Test;

/** A client's affiliations are bounded: their most recent rooms are kept, the longest unused go. */
class RoomAffiliationsTest {

    private final UserRef alice = new UserRef("demo", "alice");

    @Test
    void aClientKeepsTheirMostRecentRooms() {
        RoomAffiliations affiliations = new RoomAffiliations();
        affiliations.add(alice, "group-0");
        for (int i = 1; i <= RoomAffiliations.MAX_ROOMS_PER_CLIENT + 5; i++) {
            affiliations.add(alice, "group-" + i);
            affiliations.add(alice, "group-0"); // used again: stays
        }
        assertThat(affiliations.roomsOf(alice)).hasSize(RoomAffiliations.MAX_ROOMS_PER_CLIENT);
        assertThat(affiliations.isAffiliated(alice, "group-0")).isTrue();
        assertThat(affiliations.isAffiliated(alice, "group-1")).isFalse();
        assertThat(affiliations.isAffiliated(alice, "group-" + (RoomAffiliations.MAX_ROOMS_PER_CLIENT + 5)))
                .isTrue();
        assertThat(affiliations.sharesAny(alice, Set.of("group-7", "group-37"))).isTrue();
        assertThat(affiliations.sharesAny(new UserRef("demo", "bob"), Set.of("group-0")))
                .isFalse();
    }
}
