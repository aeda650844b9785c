package org.haven.loadtest.wire;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.haven.protocol.Alerts;
import org.haven.protocol.Care;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.ProtocolCodec;
import org.haven.protocol.ProtocolVersion;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;

/**
 * A generator connection to Haven, in the published protocol, encoded and decoded with the
 * protocol module's {@link ProtocolCodec}: {@code hello} with the JWT, {@code checkin.submit} before
 * a client's {@code room.join}, {@code chat.send}, {@code alert.raise}, and {@code alert.confirm} of
 * every alert notice (as a responder's client must, or the server re-sends it).
 *
 * <p>Request ids tell the replies apart without bookkeeping for the many: {@code p…} for chat posts
 * (counted), {@code c…} for confirms (ignored unless refused), {@code r…} for the rest (awaited).
 */
public final class HavenPeer extends WirePeer {

    private static final ProtocolCodec CODEC = ProtocolCodec.instance();
    private static final Care.Address ADDRESS =
            new Care.Address("12 Elm Street", null, "Springfield", "IL", "62701", "US");
    private static final String PHONE = "+1 217 555 0100";

    private final AtomicLong ids = new AtomicLong();
    private final Map<String, CompletableFuture<ServerMessage.Ok>> pending = new ConcurrentHashMap<>();

    public HavenPeer(Identity identity, PeerEvents events) {
        super(identity, events);
    }

    @Override
    public CompletableFuture<Void> authenticate() {
        return request("hello", id -> new ClientMessage.Hello(id, identity().token(), ProtocolVersion.SUPPORTED));
    }

    @Override
    public CompletableFuture<Void> enterRoom(String room) {
        CompletableFuture<Void> checkedIn = identity().role() == Role.CLIENT
                ? request("checkin.submit", id -> new ClientMessage.CheckInSubmit(id, room, ADDRESS, null, PHONE, true))
                : CompletableFuture.completedFuture(null);
        return checkedIn.thenCompose(v -> request("room.join", id -> new ClientMessage.RoomJoin(id, room)));
    }

    @Override
    public void post(String room, String text) {
        send(CODEC.encode(new ClientMessage.ChatSend("p" + ids.incrementAndGet(), room, text)));
    }

    @Override
    public CompletableFuture<Void> raiseAlert(String room, String responder) {
        return request("alert.raise", id -> new ClientMessage.AlertRaise(id, room, null, Alerts.Severity.HIGH));
    }

    @Override
    public CompletableFuture<Void> goOnCall() {
        return request("presence.set", id -> new ClientMessage.PresenceSet(id, PresenceStatus.ON_CALL));
    }

    @Override
    protected void onText(String text) {
        ServerMessage message;
        try {
            message = CODEC.decodeServer(text);
        } catch (IllegalArgumentException e) {
            events.unexpected(this, "not a Haven server message");
            return;
        }
        long now = System.nanoTime();
        if (message instanceof ServerMessage.Ok ok) {
            answered(ok.re(), ok, null);
        } else if (message instanceof ServerMessage.Error error) {
            answered(error.re(), null, error);
        } else if (message instanceof ServerMessage.AlertNotice notice) {
            Alerts.View alert = notice.alert();
            send(CODEC.encode(
                    new ClientMessage.AlertConfirm("c" + ids.incrementAndGet(), alert.id(), alert.version())));
            events.alertNoticed(
                    this,
                    alert.client(),
                    notice.reason() == ServerMessage.AlertReason.RAISED,
                    now,
                    WallClock.toNanoTime(alert.raisedAt()));
        }
        // Room events (joins, leaves, presence) are work the server does, not measured here.
    }

    private void answered(String re, ServerMessage.Ok ok, ServerMessage.Error error) {
        if (re == null) {
            events.unexpected(this, "error without a request: " + error.code().wire());
        } else if (re.startsWith("p")) {
            events.postAnswered(this, error == null ? null : error.code().wire());
        } else if (re.startsWith("c")) {
            if (error != null) {
                events.unexpected(this, "alert.confirm refused: " + error.code().wire());
            }
        } else {
            CompletableFuture<ServerMessage.Ok> reply = pending.remove(re);
            if (reply == null) {
                events.unexpected(this, "answer to no request");
            } else if (error != null) {
                reply.completeExceptionally(
                        new IllegalStateException(error.code().wire() + ": " + error.message()));
            } else {
                reply.complete(ok);
            }
        }
    }

    private CompletableFuture<Void> request(String what, Function<String, ClientMessage> build) {
        String id = "r" + ids.incrementAndGet();
        CompletableFuture<ServerMessage.Ok> reply = new CompletableFuture<>();
        pending.put(id, reply);
        send(CODEC.encode(build.apply(id)));
        return reply.handle((ok, e) -> {
            if (e != null) {
                throw new IllegalStateException(what + " of " + user() + ": " + rootMessage(e), e);
            }
            return null;
        });
    }

    @Override
    protected void ended() {
        IllegalStateException gone =
                new IllegalStateException("connection closed (" + closeFuture().getNow(NO_CLOSE_FRAME) + ")");
        pending.values().forEach(f -> f.completeExceptionally(gone));
        pending.clear();
    }

    static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null
                ? cause.getMessage()
                : cause.getClass().getSimpleName();
    }
}
