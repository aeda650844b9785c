package org.haven.server.room;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Refusal;
import org.haven.protocol.ServerMessage;
import org.haven.server.audit.AuditEvent;
import org.haven.server.audit.AuditTrail;
import org.haven.server.auth.ServicePrincipal;
import org.haven.server.presence.UserRef;

/**
 * An organisation's live sessions as its backend (a scheduling system, an integrator) sees and runs
 * them through the server API: the rooms with their rosters; a session ended and a member removed
 * exactly as a facilitator's {@code session.end} and {@code room.remove} do ({@link SessionControl}:
 * members are told the same way, and the end holds the same way); and a notice posted to a room
 * ({@code room.notice}), which members stepped out into a breakout receive there. Each change is
 * audited as it is over the protocol ({@code session.end}, {@code room.remove}, {@code room.notice}),
 * with the service as actor.
 *
 * <p>Only the service's own organisation is reachable: every room is looked up under it, so another
 * organisation's room of the same id is simply not there ({@code not_found}). Breakouts are not
 * sessions of their own here: their members show as stepped out of their group, which the end
 * ends with its breakouts. It acts on this node's rooms: those of the organisations it serves, where
 * the API's call runs.
 *
 * <p>Threading: entry points from any thread; each reads or changes a room on the room's executor
 * and completes there, once what it changed is delivered (recorded first, when journaled).
 */
public final class OrganisationSessions {

    private final RoomService rooms;
    private final SessionControl control;
    private final AuditTrail audit;
    private final int maxNoticeChars;

    /** Over the node's rooms; a notice is at most {@code maxNoticeChars} (the group chat's limit). */
    public OrganisationSessions(RoomService rooms, SessionControl control, AuditTrail audit, int maxNoticeChars) {
        if (maxNoticeChars <= 0) {
            throw new IllegalArgumentException("maxNoticeChars: " + maxNoticeChars + " (expected: > 0)");
        }
        this.rooms = rooms;
        this.control = control;
        this.audit = audit;
        this.maxNoticeChars = maxNoticeChars;
    }

    /**
     * The live rooms of {@code org} on this node (groups, not their breakouts), by id; once the rooms
     * being taken up after a move of the organisation are back.
     */
    public CompletionStage<List<LiveRoom>> list(String org) {
        return rooms.restored(org).thenCompose(v -> {
            List<CompletableFuture<Optional<LiveRoom>>> reads = new ArrayList<>();
            for (RoomKey key : registry().keys()) {
                if (key.org().equals(org) && !key.isBreakout()) {
                    reads.add(onRoom(key, done -> {
                        Room room = registry().get(key);
                        done.complete(room == null ? Optional.empty() : Optional.of(LiveRoom.of(room)));
                    }));
                }
            }
            return CompletableFuture.allOf(reads.toArray(CompletableFuture<?>[]::new))
                    .thenApply(all -> reads.stream()
                            .map(CompletableFuture::join)
                            .flatMap(Optional::stream)
                            .sorted(Comparator.comparing(LiveRoom::room))
                            .toList());
        });
    }

    /** The live room {@code room} of {@code org}; refused {@code not_found} when there is none. */
    public CompletionStage<LiveRoom> read(String org, String room) {
        RoomKey key = new RoomKey(org, room);
        return rooms.restored(org).thenCompose(v -> onRoom(key, done -> done.complete(LiveRoom.of(live(key)))));
    }

    /**
     * Ends the session of {@code room} and its breakouts, as a facilitator's {@code session.end}:
     * every member, waiting clients and breakouts included, is told with {@code reason}, and the room
     * stays closed for {@link RoomRegistry#ENDED_HOLD}. A session that ended within that hold is
     * answered the same, with nothing to do (a retry's answer). Refused {@code not_found} otherwise.
     */
    public CompletionStage<Void> end(ServicePrincipal service, String room, String reason) {
        RoomKey key = new RoomKey(service.org(), room);
        return rooms.restored(key.org())
                .thenCompose(v -> onRoom(key, done -> {
                    if (registry().get(key) == null
                            && !key.isBreakout()
                            && registry().recentlyEnded(key)) {
                        done.complete(null);
                        return;
                    }
                    Room live = live(key);
                    control.endSession(live, reason);
                    record(service, "session.end", key, Map.of());
                    live.afterEvents(() -> done.complete(null));
                }));
    }

    /**
     * Removes {@code user} from {@code room} for the rest of the session, as a facilitator's
     * {@code room.remove}: they receive {@code room.removed}, the others {@code room.member_left},
     * and joining again is {@code forbidden}. A user already removed from this session is answered
     * the same, with nothing to do. Refused {@code not_found} when the room is not live or the user
     * is not a member.
     */
    public CompletionStage<Void> remove(ServicePrincipal service, String room, String user) {
        RoomKey key = new RoomKey(service.org(), room);
        UserRef target = new UserRef(service.org(), user);
        return rooms.restored(key.org())
                .thenCompose(v -> onRoom(key, done -> {
                    Room live = live(key);
                    if (live.member(target) == null && live.wasRemoved(target)) {
                        done.complete(null);
                        return;
                    }
                    control.removeMember(live, target);
                    record(service, "room.remove", key, Map.of("user", user));
                    live.afterEvents(() -> done.complete(null));
                }));
    }

    /**
     * Posts {@code text} to {@code room} as a {@code room.notice} from {@code service:<name>}: to the
     * members present, and in each of its breakouts to those stepped out there. Completes with the
     * group's notice once delivered. Refused {@code invalid_message} for a blank text or one longer
     * than the notice's limit (the group chat's), {@code not_found} when the room is not live.
     */
    public CompletionStage<ServerMessage.RoomNotice> notice(ServicePrincipal service, String room, String text) {
        if (text.isBlank() || text.length() > maxNoticeChars) {
            throw new Refusal(ErrorCode.INVALID_MESSAGE, "text: 1.." + maxNoticeChars + " characters, not blank");
        }
        RoomKey key = new RoomKey(service.org(), room);
        return rooms.restored(key.org())
                .thenCompose(v -> onRoom(key, done -> {
                    Room live = live(key);
                    ServerMessage.RoomNotice posted = live.notice(service.actor(), text);
                    for (RoomKey b : List.copyOf(live.breakouts())) {
                        Room breakout = registry().get(b);
                        if (breakout != null) {
                            breakout.notice(service.actor(), text); // on the group's executor, which is the breakout's
                        }
                    }
                    record(service, "room.notice", key, Map.of());
                    live.afterEvents(() -> done.complete(posted));
                }));
    }

    /** The live group room of {@code key}; refused {@code not_found} otherwise. Room thread. */
    private Room live(RoomKey key) {
        Room room = registry().get(key);
        if (room == null || key.isBreakout()) {
            throw new Refusal(ErrorCode.NOT_FOUND, "no live session of that id");
        }
        return room;
    }

    /**
     * Runs {@code task} on the room's executor; it completes the stage, or throws (a refusal) to fail
     * it. A node whose room threads have stopped fails it too.
     */
    private <T> CompletableFuture<T> onRoom(RoomKey key, Consumer<CompletableFuture<T>> task) {
        CompletableFuture<T> done = new CompletableFuture<>();
        try {
            rooms.requests.execute(key, () -> {
                try {
                    task.accept(done);
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (RuntimeException stopped) {
            done.completeExceptionally(stopped);
        }
        return done;
    }

    private void record(ServicePrincipal service, String action, RoomKey key, Map<String, String> details) {
        audit.record(new AuditEvent(key.org(), service.actor(), action, "room:" + key, "ok", details));
    }

    private RoomRegistry registry() {
        return rooms.registry;
    }
}
