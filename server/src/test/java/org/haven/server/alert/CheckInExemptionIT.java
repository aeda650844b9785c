package org.haven.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.haven.client.HavenClient;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Check-in is required per organisation: an exempt organisation's clients join without one. */
class CheckInExemptionIT {

    @RegisterExtension
    final TestServer haven = new TestServer(b -> b.checkInExemptOrgs(Set.of("clinic-without-checkin")));

    @Test
    void anExemptOrganisationJoinsWithoutACheckInWhileOthersStillNeedOne() throws Exception {
        HavenClient free = haven.login("alice", Role.CLIENT, "clinic-without-checkin", "group-1");
        Result.RoomSnapshot snapshot = free.call(
                        id -> new ClientMessage.RoomJoin(id, "group-1"), Result.RoomSnapshot.class)
                .get(5, TimeUnit.SECONDS);
        assertThat(snapshot.members())
                .extracting(org.haven.protocol.Member::user)
                .containsExactly("alice");

        HavenClient bound = haven.login("alice", Role.CLIENT, "demo", "group-1");
        org.haven.server.testing.Replies.assertError(
                bound.request(id -> new ClientMessage.RoomJoin(id, "group-1")),
                org.haven.protocol.ErrorCode.CHECK_IN_REQUIRED);
    }
}
