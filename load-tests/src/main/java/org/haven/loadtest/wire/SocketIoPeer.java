package org.haven.loadtest.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.haven.protocol.Role;

/**
 * A generator connection to the Socket.IO peer ({@code load-tests/peers/socketio}), over a raw
 * WebSocket with Engine.IO v4 framing: the server opens with {@code 0{...}}, the connection answers
 * with a Socket.IO connect carrying the JWT ({@code 40{"token":...}}) and is in once the server's
 * {@code 40} comes back; events are {@code 42[name, payload]}, acknowledgements {@code 43<id>[reply]},
 * and every Engine.IO ping {@code 2} is answered with a pong {@code 3}.
 *
 * <p>Acknowledgement ids tell the replies apart without bookkeeping for the many: from {@value #POST_IDS}
 * for chat posts (counted), from {@value #CONFIRM_IDS} for confirms (ignored unless refused), below
 * them for the rest (awaited).
 */
public final class SocketIoPeer extends WirePeer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long POST_IDS = 1_000_000_000L;
    private static final long CONFIRM_IDS = 2_000_000_000L;
    private static final Map<String, Object> ADDRESS = Map.of(
            "street", "12 Elm Street", "city", "Springfield", "region", "IL", "postalCode", "62701", "country", "US");

    private final AtomicLong requestIds = new AtomicLong();
    private final AtomicLong postIds = new AtomicLong(POST_IDS);
    private final AtomicLong confirmIds = new AtomicLong(CONFIRM_IDS);
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> connected = new CompletableFuture<>();

    public SocketIoPeer(Identity identity, PeerEvents events) {
        super(identity, events);
    }

    @Override
    public CompletableFuture<Void> authenticate() {
        return connected;
    }

    @Override
    public CompletableFuture<Void> enterRoom(String room) {
        CompletableFuture<Void> checkedIn = identity().role() == Role.CLIENT
                ? request(
                        "checkin",
                        Map.of(
                                "room",
                                room,
                                "address",
                                ADDRESS,
                                "callbackPhone",
                                "+1 217 555 0100",
                                "privateSetting",
                                true))
                : CompletableFuture.completedFuture(null);
        return checkedIn.thenCompose(v -> request("join", Map.of("room", room)));
    }

    @Override
    public void post(String room, String text) {
        emit(postIds.incrementAndGet(), "chat", Map.of("room", room, "text", text));
    }

    @Override
    public CompletableFuture<Void> raiseAlert(String room, String responder) {
        return request("alert.raise", Map.of("room", room, "severity", "high"));
    }

    @Override
    public CompletableFuture<Void> goOnCall() {
        return request("presence.set", Map.of("status", "on_call"));
    }

    @Override
    protected void onText(String text) {
        if (text.equals("2")) {
            send("3");
        } else if (text.startsWith("0")) {
            send("40" + json(Map.of("token", identity().token())));
        } else if (text.startsWith("40")) {
            connected.complete(null);
        } else if (text.startsWith("44")) {
            connected.completeExceptionally(
                    new IllegalStateException("Socket.IO connect of " + user() + " refused: " + text.substring(2)));
        } else if (text.startsWith("43")) {
            onAck(text);
        } else if (text.startsWith("42")) {
            onEvent(text);
        } else if (!text.startsWith("41") && !text.startsWith("1")) {
            events.unexpected(this, "unknown Engine.IO packet");
        }
    }

    private void onAck(String text) {
        int bracket = text.indexOf('[');
        long id;
        JsonNode reply;
        try {
            id = Long.parseLong(text.substring(2, bracket));
            reply = JSON.readTree(text.substring(bracket)).path(0);
        } catch (RuntimeException | JsonProcessingException e) {
            events.unexpected(this, "malformed acknowledgement");
            return;
        }
        String error = reply.hasNonNull("error") ? reply.get("error").asText() : null;
        if (id >= CONFIRM_IDS) {
            if (error != null) {
                events.unexpected(this, "alert.confirm refused: " + error);
            }
        } else if (id >= POST_IDS) {
            events.postAnswered(this, error);
        } else {
            CompletableFuture<JsonNode> waiting = pending.remove(id);
            if (waiting == null) {
                events.unexpected(this, "acknowledgement of no request");
            } else if (error != null) {
                waiting.completeExceptionally(new IllegalStateException(error));
            } else {
                waiting.complete(reply);
            }
        }
    }

    private void onEvent(String text) {
        long now = System.nanoTime();
        JsonNode event;
        try {
            event = JSON.readTree(text.substring(2));
        } catch (JsonProcessingException e) {
            events.unexpected(this, "malformed event");
            return;
        }
        if (event.path(0).asText().equals("alert")) {
            JsonNode notice = event.path(1);
            JsonNode alert = notice.path("alert");
            emit(
                    confirmIds.incrementAndGet(),
                    "alert.confirm",
                    Map.of(
                            "alert",
                            alert.path("id").asText(),
                            "version",
                            alert.path("version").asLong()));
            events.alertNoticed(
                    this,
                    alert.path("client").asText(),
                    notice.path("reason").asText().equals("raised"),
                    now,
                    PeerEvents.NOT_STAMPED); // the peer's alert says when it was raised in ms only
        }
        // Room events (joins, leaves) are work the server does, not measured here.
    }

    private CompletableFuture<Void> request(String event, Map<String, Object> payload) {
        long id = requestIds.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        emit(id, event, payload);
        return reply.handle((ok, e) -> {
            if (e != null) {
                throw new IllegalStateException(event + " of " + user() + ": " + HavenPeer.rootMessage(e), e);
            }
            return null;
        });
    }

    private void emit(long ackId, String event, Map<String, Object> payload) {
        send("42" + ackId + json(List.of(event, payload)));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void ended() {
        IllegalStateException gone = new IllegalStateException("connection closed");
        connected.completeExceptionally(gone);
        pending.values().forEach(f -> f.completeExceptionally(gone));
        pending.clear();
    }
}
