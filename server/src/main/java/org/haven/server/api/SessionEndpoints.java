package org.haven.server.api;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.Member;
import org.haven.protocol.Sessions;
import org.haven.server.auth.ServicePrincipal;
import org.haven.server.room.LiveRoom;
import org.haven.server.room.OrganisationSessions;
import org.jspecify.annotations.Nullable;

/**
 * The organisation's live sessions through the API, for a scheduling system or an integrator: its
 * rooms with their rosters, and a session ended, a member removed, a notice posted
 * ({@link OrganisationSessions}: the end and the removal are a facilitator's {@code session.end} and
 * {@code room.remove}, with the same checks and the same frames to the members). A room is always of
 * the service's own organisation. The audit subject names opaque ids only, never the reason or the
 * notice's text.
 *
 * <p>Threading: stateless; runs on the API's thread, the rooms answer on their own executors.
 */
final class SessionEndpoints {

    /** The request id the protocol's records are built with (they carry one; nothing answers it). */
    private static final String REQUEST_ID = "api";

    /** {@code POST …/end}: why, as in {@code session.end} (members are told it). */
    record EndBody(@Nullable String reason) {}

    /** {@code POST …/notice}: what to tell the room. */
    record NoticeBody(@Nullable String text) {}

    /** A live room: its session and its roster, members as a joiner's snapshot shows them. */
    record RoomView(
            String room,
            Sessions.RoomKind kind,
            Sessions.State state,
            boolean pausedForCoverage,
            boolean requiresAdmission,
            List<Member> members,
            List<Member> waiting) {

        static RoomView of(LiveRoom r) {
            return new RoomView(
                    r.room(),
                    r.kind(),
                    r.state(),
                    r.pausedForCoverage(),
                    r.requiresAdmission(),
                    r.members(),
                    r.waiting());
        }
    }

    /** The organisation's live rooms, by id. */
    record RoomList(List<RoomView> rooms) {}

    /** The session is over. */
    record Ended(String room, Sessions.State state) {}

    /** The member is out of the session. */
    record Removed(String room, String user) {}

    /** The notice as posted: the room's sequence number of it, and when. */
    record NoticePosted(String room, long seq, Instant sentAt) {}

    private final OrganisationSessions sessions;

    SessionEndpoints(OrganisationSessions sessions) {
        this.sessions = sessions;
    }

    CompletionStage<RoomList> list(ApiCall call) {
        return sessions.list(call.service().org())
                .thenApply(
                        rooms -> new RoomList(rooms.stream().map(RoomView::of).toList()));
    }

    CompletionStage<RoomView> read(ApiCall call) {
        return sessions.read(call.service().org(), call.param("room")).thenApply(RoomView::of);
    }

    CompletionStage<Ended> end(ApiCall call) {
        EndBody body = call.body(EndBody.class);
        ClientMessage.SessionEnd message =
                call.validated(() -> new ClientMessage.SessionEnd(REQUEST_ID, call.param("room"), body.reason()));
        return sessions.end(call.service(), message.room(), message.reason())
                .thenApply(v -> new Ended(message.room(), Sessions.State.ENDED));
    }

    CompletionStage<Removed> remove(ApiCall call) {
        ServicePrincipal service = call.service();
        String room = call.param("room");
        String user = call.param("user");
        call.subject("user:" + service.org() + "/" + user);
        return sessions.remove(service, room, user).thenApply(v -> new Removed(room, user));
    }

    CompletionStage<NoticePosted> notice(ApiCall call) {
        NoticeBody body = call.body(NoticeBody.class);
        String text = body.text();
        if (text == null) {
            throw new ApiRefusal(ApiError.INVALID_MESSAGE, "text: missing");
        }
        return sessions.notice(call.service(), call.param("room"), text)
                .thenApply(n -> new NoticePosted(n.room(), n.seq(), n.sentAt()));
    }
}
