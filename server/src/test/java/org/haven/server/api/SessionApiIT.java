package org.haven.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.haven.client.ClientOptions;
import org.haven.client.HavenClient;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.ProtocolSchema;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.protocol.Sessions;
import org.haven.server.audit.AuditRecord;
import org.haven.server.audit.InMemoryAuditTrail;
import org.haven.server.auth.Scope;
import org.haven.server.testing.ApiClient;
import org.haven.server.testing.ApiClient.Answer;
import org.haven.server.testing.Replies;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sessions endpoints of the server API over real HTTP, with real WebSocket clients in the rooms:
 * what a scheduling system reads is what the members see, and what it does (end, remove, notice)
 * reaches the members as the protocol's frames, checked against its schema (every frame any client
 * receives is, by {@link TestServer}); every exchange is checked against docs/openapi.json
 * ({@link ApiClient}).
 */
class SessionApiIT {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    final TestServer haven = new TestServer();

    private final ApiClient api = haven.api();

    private String scheduler(Scope... scopes) {
        return haven.serviceToken("scheduler", "demo", scopes);
    }

    private List<AuditRecord> audited() {
        return ((InMemoryAuditTrail) haven.server().audit()).records();
    }

    @Test
    void theRosterShowsTheConnectedMembersWithTheirPresenceAndWhoWaits() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient carol = haven.login("carol", Role.CLIENT, "demo", "group-1");
        HavenClient otherOrg = haven.login("olga", Role.CLINICIAN, "other", "group-1", "group-9");
        haven.join(bo, "group-1");
        haven.join(alice, "group-1");
        haven.join(otherOrg, "group-9");
        alice.request(id -> new ClientMessage.PresenceSet(id, PresenceStatus.BUSY))
                .get(5, TimeUnit.SECONDS);
        bo.awaitEvent(ServerMessage.PresenceChanged.class, p -> p.user().equals("alice"), WAIT);
        bo.request(id -> new ClientMessage.SessionConfigure(id, "group-1", Sessions.RoomKind.GROUP, true))
                .get(5, TimeUnit.SECONDS);
        haven.checkIn(carol, "group-1");
        carol.call(id -> new ClientMessage.RoomJoin(id, "group-1"), Result.Waiting.class)
                .get(5, TimeUnit.SECONDS);
        String read = scheduler(Scope.SESSIONS_READ);

        Answer list = api.get("/api/v1/rooms", read);
        assertThat(list.status()).isEqualTo(200);
        JsonNode rooms = list.json().path("rooms");
        assertThat(rooms).hasSize(1); // not the other organisation's group-9
        JsonNode room = rooms.get(0);
        assertThat(room.path("room").asText()).isEqualTo("group-1");
        assertThat(room.path("kind").asText()).isEqualTo("group");
        assertThat(room.path("state").asText()).isEqualTo("live");
        assertThat(room.path("requiresAdmission").asBoolean()).isTrue();
        assertThat(room.path("members"))
                .extracting(m -> m.path("user").asText() + " " + m.path("name").asText() + " "
                        + m.path("role").asText() + " " + m.path("roomRole").asText() + " "
                        + m.path("status").asText() + " " + m.path("steppedOut").asBoolean())
                .containsExactly(
                        "dr-bo Name of dr-bo clinician facilitator available false",
                        "alice Name of alice client participant busy false");
        assertThat(room.path("waiting"))
                .extracting(m -> m.path("user").asText())
                .containsExactly("carol");

        Answer one = api.get("/api/v1/rooms/group-1", read);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json()).isEqualTo(room);

        // Someone who leaves is off the roster at once.
        alice.request(id -> new ClientMessage.RoomLeave(id, "group-1")).get(5, TimeUnit.SECONDS);
        assertThat(api.get("/api/v1/rooms/group-1", read).json().path("members"))
                .extracting(m -> m.path("user").asText())
                .containsExactly("dr-bo");
        assertThat(audited())
                .filteredOn(r -> r.actor().equals("service:scheduler"))
                .extracting(r -> r.action() + " " + r.subject() + " " + r.outcome())
                .contains("api.rooms.list org:demo ok", "api.rooms.read room:demo/group-1 ok");
    }

    @Test
    void endClosesTheSessionForItsMembersAsAFacilitatorsEndDoes() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient carol = haven.login("carol", Role.CLIENT, "demo", "group-1");
        haven.join(bo, "group-1");
        haven.join(alice, "group-1");
        haven.join(carol, "group-1");
        String breakout = bo.call(
                        id -> new ClientMessage.BreakoutStart(id, "group-1", "alice", null, null),
                        Result.BreakoutStarted.class)
                .get(5, TimeUnit.SECONDS)
                .breakout();
        String write = scheduler(Scope.SESSIONS_WRITE, Scope.SESSIONS_READ);

        Answer ended = api.post("/api/v1/rooms/group-1/end", write, "{\"reason\":\"the hour is over\"}");
        assertThat(ended.status()).isEqualTo(200);
        assertThat(ended.body()).isEqualTo("{\"room\":\"group-1\",\"state\":\"ended\"}");
        assertThat(alice.awaitEvent(
                        ServerMessage.SessionStateChanged.class,
                        s -> s.state() == Sessions.State.ENDED && s.room().equals(breakout),
                        WAIT))
                .isNotNull();
        for (HavenClient member : List.of(alice, carol, bo)) {
            ServerMessage.SessionStateChanged end = member.awaitEvent(
                    ServerMessage.SessionStateChanged.class,
                    s -> s.state() == Sessions.State.ENDED && s.room().equals("group-1"),
                    WAIT);
            assertThat(end.reason()).isEqualTo("the hour is over");
        }
        Replies.assertError(
                carol.request(id -> new ClientMessage.ChatSend(id, "group-1", "hello?")), ErrorCode.NOT_A_MEMBER);
        Replies.assertError(carol.request(id -> new ClientMessage.RoomJoin(id, "group-1")), ErrorCode.SESSION_ENDED);
        assertThat(api.get("/api/v1/rooms/group-1", write).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/rooms", write).json().path("rooms")).isEmpty();

        // A retry finds it ended: the same answer, nothing more sent.
        Answer again = api.post("/api/v1/rooms/group-1/end", write, "{\"reason\":\"the hour is over\"}");
        assertThat(again.body()).isEqualTo(ended.body());
        assertThat(audited())
                .filteredOn(r -> r.actor().equals("service:scheduler"))
                .extracting(r -> r.action() + " " + r.subject() + " " + r.outcome())
                .containsSubsequence(
                        "session.end room:demo/group-1 ok",
                        "api.rooms.end room:demo/group-1 ok",
                        "api.rooms.end room:demo/group-1 ok")
                .filteredOn(line -> line.startsWith("session.end"))
                .hasSize(1);
        assertThat(audited()).noneMatch(r -> r.toString().contains("the hour is over"));
    }

    @Test
    void removeTakesTheMemberOutOfTheSessionAndTellsThem() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        HavenClient carol = haven.login("carol", Role.CLIENT, "demo", "group-1");
        haven.join(bo, "group-1");
        haven.join(alice, "group-1");
        haven.join(carol, "group-1");
        String write = scheduler(Scope.SESSIONS_WRITE, Scope.SESSIONS_READ);

        Answer removed = api.post("/api/v1/rooms/group-1/members/carol/remove", write, "");
        assertThat(removed.status()).isEqualTo(200);
        assertThat(removed.body()).isEqualTo("{\"room\":\"group-1\",\"user\":\"carol\"}");
        assertThat(carol.awaitEvent(ServerMessage.Removed.class, r -> r.room().equals("group-1"), WAIT))
                .isNotNull();
        for (HavenClient other : List.of(alice, bo)) {
            assertThat(other.awaitEvent(
                            ServerMessage.MemberLeft.class, l -> l.user().equals("carol"), WAIT))
                    .isNotNull();
        }
        Replies.assertError(
                carol.request(id -> new ClientMessage.ChatSend(id, "group-1", "hey")), ErrorCode.NOT_A_MEMBER);
        Replies.assertError(carol.request(id -> new ClientMessage.RoomJoin(id, "group-1")), ErrorCode.FORBIDDEN);
        assertThat(api.get("/api/v1/rooms/group-1", write).json().path("members"))
                .extracting(m -> m.path("user").asText())
                .containsExactly("dr-bo", "alice");

        // A retry finds them removed already; someone who is not a member is not found.
        assertThat(api.post("/api/v1/rooms/group-1/members/carol/remove", write, "")
                        .body())
                .isEqualTo(removed.body());
        Answer nobody = api.post("/api/v1/rooms/group-1/members/nobody/remove", write, "");
        assertThat(nobody.status()).isEqualTo(404);
        assertThat(nobody.code()).isEqualTo("not_found");
        // A clinician can be removed too, as a facilitator's room.remove can.
        assertThat(api.post("/api/v1/rooms/group-1/members/dr-bo/remove", write, "")
                        .status())
                .isEqualTo(200);
        assertThat(bo.awaitEvent(ServerMessage.Removed.class, r -> true, WAIT)).isNotNull();

        assertThat(audited())
                .filteredOn(r -> r.actor().equals("service:scheduler"))
                .extracting(r -> r.action() + " " + r.subject() + " " + r.outcome() + " " + r.details())
                .contains(
                        "room.remove room:demo/group-1 ok {user=carol}",
                        "api.rooms.members.remove user:demo/carol ok {}",
                        "api.rooms.members.remove user:demo/nobody refused:not_found {}");
    }

    @Test
    void aNoticeReachesEveryMemberAndThoseInABreakoutThere() throws Exception {
        List<String> frames = new CopyOnWriteArrayList<>();
        HavenClient carol = haven.connect(ClientOptions.defaults().withFrameListener(frames::add));
        carol.hello(haven.token("carol", Role.CLIENT, "demo", "group-1")).get(5, TimeUnit.SECONDS);
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        haven.join(bo, "group-1");
        haven.join(alice, "group-1");
        haven.checkIn(carol, "group-1");
        carol.call(id -> new ClientMessage.RoomJoin(id, "group-1"), Result.RoomSnapshot.class)
                .get(5, TimeUnit.SECONDS);
        String breakout = bo.call(
                        id -> new ClientMessage.BreakoutStart(id, "group-1", "alice", null, null),
                        Result.BreakoutStarted.class)
                .get(5, TimeUnit.SECONDS)
                .breakout();
        bo.request(id -> new ClientMessage.SessionPause(id, "group-1")).get(5, TimeUnit.SECONDS);
        String write = scheduler(Scope.SESSIONS_WRITE);
        Map<String, String> key = Map.of("Idempotency-Key", "notice-group-1-ten-minutes");

        Answer posted = api.send(
                "POST", "/api/v1/rooms/group-1/notice", write, "{\"text\":\"The session ends in 10 minutes.\"}", key);
        assertThat(posted.status()).isEqualTo(200);
        assertThat(posted.json().path("room").asText()).isEqualTo("group-1");
        long seq = posted.json().path("seq").asLong();

        ServerMessage.RoomNotice notice = carol.awaitEvent(ServerMessage.RoomNotice.class, n -> true, WAIT);
        assertThat(notice.room()).isEqualTo("group-1");
        assertThat(notice.seq()).isEqualTo(seq);
        assertThat(notice.from()).isEqualTo("service:scheduler");
        assertThat(notice.text()).isEqualTo("The session ends in 10 minutes.");
        assertThat(notice.sentAt().toString())
                .isEqualTo(posted.json().path("sentAt").asText());
        assertThat(carol.lastSeq()).containsEntry("group-1", seq);
        assertThat(frames)
                .filteredOn(f -> f.contains("\"room.notice\""))
                .singleElement()
                .satisfies(f ->
                        assertThat(ProtocolSchema.instance().validateServer(f)).isEmpty());
        // Stepped out into the breakout, the two hear it there, in the breakout's own stream.
        for (HavenClient inBreakout : List.of(alice, bo)) {
            ServerMessage.RoomNotice there = inBreakout.awaitEvent(ServerMessage.RoomNotice.class, n -> true, WAIT);
            assertThat(there.room()).isEqualTo(breakout);
            assertThat(there.text()).isEqualTo("The session ends in 10 minutes.");
        }

        // A retry with the same key is answered from the first; the room hears it once.
        Answer retry = api.send(
                "POST", "/api/v1/rooms/group-1/notice", write, "{\"text\":\"The session ends in 10 minutes.\"}", key);
        assertThat(retry.body()).isEqualTo(posted.body());
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(carol.awaitEvent(ServerMessage.RoomNotice.class, n -> true, Duration.ofMillis(300)))
                .isNull();
        assertThat(audited())
                .filteredOn(r -> r.actor().equals("service:scheduler"))
                .extracting(r -> r.action() + " " + r.subject() + " " + r.outcome())
                .containsExactly(
                        "room.notice room:demo/group-1 ok",
                        "api.rooms.notice room:demo/group-1 ok",
                        "api.rooms.notice room:demo/group-1 ok");
        assertThat(audited())
                .filteredOn(r -> r.action().equals("api.rooms.notice"))
                .extracting(r -> r.details().getOrDefault("replayed", "false"))
                .containsExactly("false", "true");
        assertThat(audited()).noneMatch(r -> r.toString().contains("minutes"));
    }

    @Test
    void aNoticeMissedWhileDisconnectedIsRecoveredLikeEveryRoomEvent() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
        haven.join(bo, "group-1");
        haven.join(alice, "group-1");
        String resume = alice.resumeToken();
        Map<String, Long> seen = alice.lastSeq();
        alice.abort(); // the network drops: no close frame

        Answer posted = api.post(
                "/api/v1/rooms/group-1/notice", scheduler(Scope.SESSIONS_WRITE), "{\"text\":\"Back in 5 minutes.\"}");
        assertThat(posted.status()).isEqualTo(200);
        HavenClient back = haven.connect();
        back.hello(haven.token("alice", Role.CLIENT, "demo", "group-1"), null, resume, seen)
                .get(5, TimeUnit.SECONDS);

        assertThat(back.awaitEvent(ServerMessage.RoomResumed.class, r -> true, WAIT)
                        .recovered())
                .isTrue();
        ServerMessage.RoomNotice missed = back.awaitEvent(ServerMessage.RoomNotice.class, n -> true, WAIT);
        assertThat(missed.seq()).isEqualTo(posted.json().path("seq").asLong());
        assertThat(missed.text()).isEqualTo("Back in 5 minutes.");
    }

    @Test
    void anotherOrganisationsRoomIsNotFound() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        haven.join(bo, "group-1");
        String other = haven.serviceToken("scheduler", "other", Scope.SESSIONS_READ, Scope.SESSIONS_WRITE);

        assertThat(api.get("/api/v1/rooms", other).json().path("rooms")).isEmpty();
        for (Answer refused : List.of(
                api.get("/api/v1/rooms/group-1", other),
                api.post("/api/v1/rooms/group-1/end", other, "{\"reason\":\"over\"}"),
                api.post("/api/v1/rooms/group-1/members/dr-bo/remove", other, ""),
                api.post("/api/v1/rooms/group-1/notice", other, "{\"text\":\"hello\"}"))) {
            assertThat(refused.status()).isEqualTo(404);
            assertThat(refused.code()).isEqualTo("not_found");
        }
        // Nothing reached the room of the same id in demo.
        assertThat(bo.awaitEvent(ServerMessage.class, m -> true, Duration.ofMillis(300)))
                .isNull();
        assertThat(api.get("/api/v1/rooms/group-1", scheduler(Scope.SESSIONS_READ))
                        .json()
                        .path("state")
                        .asText())
                .isEqualTo("live");
    }

    @Test
    void aCredentialWithoutTheScopeIsForbiddenAndARevokedOneUnauthorized() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        haven.join(bo, "group-1");
        String read = scheduler(Scope.SESSIONS_READ);
        String write = scheduler(Scope.SESSIONS_WRITE);
        for (Answer forbidden : List.of(
                api.get("/api/v1/rooms", write),
                api.get("/api/v1/rooms/group-1", scheduler(Scope.CARE_READ)),
                api.post("/api/v1/rooms/group-1/end", read, "{\"reason\":\"over\"}"),
                api.post("/api/v1/rooms/group-1/members/dr-bo/remove", read, ""),
                api.post("/api/v1/rooms/group-1/notice", read, "{\"text\":\"hello\"}"))) {
            assertThat(forbidden.status()).isEqualTo(403);
            assertThat(forbidden.code()).isEqualTo("forbidden");
        }
        assertThat(audited())
                .extracting(r -> r.actor() + " " + r.action() + " " + r.outcome())
                .contains(
                        "service:scheduler api.rooms.list refused:forbidden",
                        "service:scheduler api.rooms.end refused:forbidden",
                        "service:scheduler api.rooms.notice refused:forbidden");

        String admin = haven.serviceToken("idp-sync", "demo", Scope.USERS_WRITE);
        assertThat(api.post("/api/v1/users/revoke", admin, "{\"tokenId\":\"" + ServiceApiIT.tokenId(write) + "\"}")
                        .status())
                .isEqualTo(200);
        Answer revoked = api.post("/api/v1/rooms/group-1/notice", write, "{\"text\":\"hello\"}");
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.code()).isEqualTo("unauthorized");
        assertThat(api.get("/api/v1/rooms", read).status()).isEqualTo(200); // another credential
        assertThat(bo.awaitEvent(ServerMessage.RoomNotice.class, n -> true, Duration.ofMillis(300)))
                .isNull();
    }

    @Test
    void badInputIsRefusedWithTheFieldNamedAndNothingSent() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        haven.join(bo, "group-1");
        String breakout = "group-1~b-1f";
        String write = scheduler(Scope.SESSIONS_WRITE, Scope.SESSIONS_READ);

        assertThat(api.get("/api/v1/rooms/group-2", write).code()).isEqualTo("not_found");
        assertThat(api.get("/api/v1/rooms/" + breakout, write).code()).isEqualTo("not_found");
        assertThat(api.post("/api/v1/rooms/group-2/end", write, "{\"reason\":\"over\"}")
                        .code())
                .isEqualTo("not_found");
        assertThat(api.post("/api/v1/rooms/" + breakout + "/end", write, "{\"reason\":\"over\"}")
                        .code())
                .isEqualTo("not_found");
        assertThat(api.post("/api/v1/rooms/group-2/notice", write, "{\"text\":\"hello\"}")
                        .code())
                .isEqualTo("not_found");

        String end = "/api/v1/rooms/group-1/end";
        Answer noReason = api.post(end, write, "{}");
        assertThat(noReason.code()).isEqualTo("invalid_message");
        assertThat(noReason.json().path("error").path("message").asText()).contains("reason");
        assertThat(api.post(end, write, "{\"reason\":\"" + "x".repeat(201) + "\"}")
                        .code())
                .isEqualTo("invalid_message");
        assertThat(api.post(end, write, "{\"reason\":\"   \"}").code()).isEqualTo("invalid_message");
        assertThat(api.post(end, write, "{\"reason\":").code()).isEqualTo("malformed_json");
        assertThat(api.post(end, write, "").code()).isEqualTo("malformed_json");

        String notice = "/api/v1/rooms/group-1/notice";
        Answer tooLong = api.post(notice, write, "{\"text\":\"" + "x".repeat(4001) + "\"}");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.code()).isEqualTo("invalid_message");
        assertThat(tooLong.json().path("error").path("message").asText()).contains("text");
        assertThat(api.post(notice, write, "{\"text\":\"   \"}").code()).isEqualTo("invalid_message");
        assertThat(api.post(notice, write, "{}").code()).isEqualTo("invalid_message");
        assertThat(api.post(notice, write, "{\"text\":").code()).isEqualTo("malformed_json");
        assertThat(api.post(notice, write, "").code()).isEqualTo("malformed_json");

        Answer longRoom = api.get("/api/v1/rooms/" + "r".repeat(129), write);
        assertThat(longRoom.status()).isEqualTo(400);
        assertThat(longRoom.code()).isEqualTo("invalid_message");
        assertThat(api.get("/api/v1/rooms/group%001", write).code()).isEqualTo("invalid_message");
        assertThat(api.post("/api/v1/rooms/group-1/members/" + "u".repeat(129) + "/remove", write, "")
                        .code())
                .isEqualTo("invalid_message");
        assertThat(api.post("/api/v1/rooms/group-1/members//remove", write, "").status())
                .isEqualTo(404);
        Answer method = api.send("DELETE", "/api/v1/rooms/group-1/members/dr-bo/remove", write, "", Map.of());
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.header("Allow")).isEqualTo("POST");

        assertThat(bo.awaitEvent(ServerMessage.RoomNotice.class, n -> true, Duration.ofMillis(300)))
                .isNull();
        assertThat(bo.awaitEvent(ServerMessage.SessionStateChanged.class, s -> true, Duration.ofMillis(100)))
                .isNull();
        assertThat(bo.awaitEvent(ServerMessage.Removed.class, r -> true, Duration.ofMillis(100)))
                .isNull();
        // At the limit, the notice is taken.
        assertThat(api.post(notice, write, "{\"text\":\"" + "x".repeat(4000) + "\"}")
                        .status())
                .isEqualTo(200);
        assertThat(bo.awaitEvent(ServerMessage.RoomNotice.class, n -> true, WAIT))
                .isNotNull();
        assertThat(api.get("/api/v1/rooms/group-1", write).json().path("state").asText())
                .isEqualTo("live");
    }
}
