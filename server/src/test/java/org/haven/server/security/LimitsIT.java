package org.haven.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.haven.client.HavenClient;
import org.haven.client.HavenErrorException;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.CloseCode;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Role;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Documented limits, enforced: connections per user and per node, rooms per connection, members per room. */
class LimitsIT {

    @RegisterExtension
    final TestServer haven = new TestServer(b -> b.maxConnectionsPerUser(2)
            .maxConnections(6)
            .maxRoomsPerConnection(2)
            .maxMembersPerRoom(2));

    @Test
    void tooManyConnectionsForOneUser() throws Exception {
        haven.login("alice", Role.CLIENT, "demo", "group-1");
        haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient third = haven.connect();
        third.hello(haven.token("alice", Role.CLIENT, "demo", "group-1"));
        assertThat(third.closeFuture().get(5, TimeUnit.SECONDS).code())
                .isEqualTo(CloseCode.TOO_MANY_CONNECTIONS.code());
        haven.login("bo", Role.CLINICIAN, "demo", "group-1"); // others are not affected
    }

    @Test
    void aFullNodeRefusesNewConnections() throws Exception {
        for (int i = 0; i < 6; i++) {
            haven.login("user-" + i, Role.CLIENT, "demo", "group-1");
        }
        assertThatThrownBy(() -> haven.connect()).isInstanceOf(Exception.class);
    }

    @Test
    void roomsPerConnectionAndMembersPerRoom() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "r1", "r2", "r3");
        haven.join(bo, "r1");
        haven.join(bo, "r2");
        assertError(bo, id -> new ClientMessage.RoomJoin(id, "r3"), ErrorCode.LIMIT_REACHED);

        HavenClient cy = haven.login("dr-cy", Role.CLINICIAN, "demo", "r1");
        haven.join(cy, "r1");
        HavenClient dee = haven.login("dr-dee", Role.CLINICIAN, "demo", "r1");
        assertError(dee, id -> new ClientMessage.RoomJoin(id, "r1"), ErrorCode.LIMIT_REACHED);
    }

    private static void assertError(
            HavenClient client, java.util.function.Function<String, ClientMessage> message, ErrorCode code) {
        assertThatThrownBy(() -> client.request(message).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(HavenErrorException.class)
                .extracting(e -> ((HavenErrorException) e).code())
                .isEqualTo(code);
    }
}
