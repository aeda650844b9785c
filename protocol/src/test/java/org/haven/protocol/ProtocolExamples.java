package org.haven.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One example of every message and result type: the contract test requires one per type. */
public final class ProtocolExamples {

    private ProtocolExamples() {}

    static final Instant AT = Instant.parse("2026-11-27T10:00:00Z");
    static final Member ALICE = new Member("u-alice", "Alice", Role.CLIENT, PresenceStatus.AVAILABLE);
    static final Member DR_BO = new Member("u-bo", null, Role.CLINICIAN, PresenceStatus.ON_CALL);

    public static final Map<Class<? extends ClientMessage>, ClientMessage> CLIENT = Map.of(
            ClientMessage.Hello.class, new ClientMessage.Hello("1", "eyJhbGciOi.x.y", List.of(1)),
            ClientMessage.TokenRefresh.class, new ClientMessage.TokenRefresh("2", "eyJhbGciOi.x.y"),
            ClientMessage.Ping.class, new ClientMessage.Ping("3"),
            ClientMessage.RoomJoin.class, new ClientMessage.RoomJoin("4", "group-1"),
            ClientMessage.RoomLeave.class, new ClientMessage.RoomLeave("5", "group-1"),
            ClientMessage.ChatSend.class, new ClientMessage.ChatSend("6", "group-1", "hello all"),
            ClientMessage.PresenceSet.class, new ClientMessage.PresenceSet("7", PresenceStatus.AWAY),
            ClientMessage.PresenceQuery.class, new ClientMessage.PresenceQuery("8", "group-1"));

    public static final Map<Class<? extends Result>, Result> RESULTS = Map.of(
            Result.Welcome.class, new Result.Welcome(1, "c-1f", "u-alice", "demo", Role.CLIENT, "Alice",
                    List.of("group-1"), AT, new Result.Limits(65536, 4000, 20, 40)),
            Result.TokenRefreshed.class, new Result.TokenRefreshed(AT),
            Result.RoomSnapshot.class, new Result.RoomSnapshot("group-1", 7, List.of(ALICE, DR_BO)),
            Result.ChatSent.class, new Result.ChatSent("group-1", 8),
            Result.PresenceList.class, new Result.PresenceList("group-1", List.of(ALICE)));

    public static final Map<Class<? extends ServerMessage>, ServerMessage> SERVER = Map.of(
            ServerMessage.Ok.class, new ServerMessage.Ok("4", null),
            ServerMessage.Error.class, new ServerMessage.Error("6", ErrorCode.NOT_A_MEMBER, "join the room first"),
            ServerMessage.MemberJoined.class, new ServerMessage.MemberJoined("group-1", 9, DR_BO),
            ServerMessage.MemberLeft.class, new ServerMessage.MemberLeft("group-1", 10, "u-bo"),
            ServerMessage.ChatMessage.class,
                    new ServerMessage.ChatMessage("group-1", 11, "u-alice", "Alice", "hello all", AT),
            ServerMessage.PresenceChanged.class,
                    new ServerMessage.PresenceChanged("group-1", 12, "u-alice", PresenceStatus.BUSY));
}
