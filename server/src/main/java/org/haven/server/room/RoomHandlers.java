package org.haven.server.room;

import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Refusal;
import org.haven.server.auth.Principal;
import org.haven.server.presence.UserRef;
import org.haven.server.request.Handlers;
import org.haven.server.request.Request;

/**
 * The room feature's requests: group chat, presence in a room, a facilitator's control of the
 * session, breakouts and signalling. Each checks that the token grants the room (a breakout: its
 * group) before the room's own checks of membership and role.
 *
 * <p>Threading: the handlers run on the connection's thread and hand the work to the room's
 * executor.
 */
public final class RoomHandlers {

    private RoomHandlers() {}

    /** Registers the handlers of the room feature; chat texts longer than {@code maxChatChars} are refused. */
    public static void register(Handlers handlers, RoomService rooms, SessionControl control, int maxChatChars) {
        handlers.on(ClientMessage.ChatSend.class, r -> {
            RoomKey key = granted(r, r.message().room());
            if (r.message().text().length() > maxChatChars) {
                r.reply().refuse(ErrorCode.TOO_LARGE, "text longer than " + maxChatChars + " characters");
                return;
            }
            rooms.chat(participant(r), key, r.message().text(), r.reply());
        });
        handlers.on(
                ClientMessage.PresenceQuery.class,
                r -> rooms.presence(participant(r), granted(r, r.message().room()), r.reply()));
        handlers.on(
                ClientMessage.SessionConfigure.class,
                r -> control.configure(
                        participant(r),
                        granted(r, r.message().room()),
                        r.message().kind(),
                        r.message().requiresAdmission(),
                        r.reply()));
        handlers.on(
                ClientMessage.SessionPause.class,
                r -> control.pause(participant(r), granted(r, r.message().room()), r.reply()));
        handlers.on(
                ClientMessage.SessionResume.class,
                r -> control.resume(participant(r), granted(r, r.message().room()), r.reply()));
        handlers.on(
                ClientMessage.SessionEnd.class,
                r -> control.end(
                        participant(r),
                        granted(r, r.message().room()),
                        r.message().reason(),
                        r.reply()));
        handlers.on(
                ClientMessage.RoomAdmit.class,
                r -> control.admit(
                        participant(r),
                        granted(r, r.message().room()),
                        r.message().user(),
                        r.reply()));
        handlers.on(
                ClientMessage.RoomDecline.class,
                r -> control.decline(
                        participant(r),
                        granted(r, r.message().room()),
                        r.message().user(),
                        r.reply()));
        handlers.on(
                ClientMessage.RoomRemove.class,
                r -> control.remove(
                        participant(r),
                        granted(r, r.message().room()),
                        r.message().user(),
                        r.reply()));
        handlers.on(
                ClientMessage.BreakoutStart.class,
                r -> control.startBreakout(
                        participant(r),
                        granted(r, r.message().room()),
                        r.message().client(),
                        r.message().clinician(),
                        r.message().alert(),
                        r.reply()));
        handlers.on(
                ClientMessage.BreakoutReturn.class,
                r -> control.endBreakout(participant(r), granted(r, r.message().breakout()), r.reply()));
        handlers.on(
                ClientMessage.RtcSignal.class,
                r -> control.signal(
                        participant(r),
                        granted(r, r.message().room()),
                        r.message().to(),
                        r.message().signal(),
                        r.message().payload(),
                        r.reply()));
    }

    /** The caller, as a room knows them. */
    public static Participant participant(Request<?> r) {
        Principal p = r.principal();
        return new Participant(new UserRef(p.org(), p.user()), p.role(), p.name(), r.connection());
    }

    /** The room's key, once the token is checked to grant it (a breakout: its group). */
    public static RoomKey granted(Request<?> r, String room) {
        Principal p = r.principal();
        RoomKey key = RoomKey.of(new UserRef(p.org(), p.user()), room);
        if (!p.isGranted(key.grantRoom())) {
            throw new Refusal(ErrorCode.FORBIDDEN, "the token does not grant this room");
        }
        return key;
    }
}
