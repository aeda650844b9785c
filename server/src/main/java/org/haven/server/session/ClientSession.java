package org.haven.server.session;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.haven.protocol.Alerts;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.CloseCode;
import org.haven.protocol.Decoded;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Refusal;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.protocol.Sessions;
import org.haven.server.auth.Principal;
import org.haven.server.auth.TokenRejectedException;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.haven.server.limit.RequestRateLimiter;
import org.haven.server.presence.UserRef;
import org.haven.server.request.Caller;
import org.haven.server.request.Handlers;
import org.haven.server.request.Reply;
import org.haven.server.request.Request;
import org.haven.server.room.Participant;
import org.haven.server.room.RoomKey;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authenticated connection: rate-limits every request, then hands it to the handler of its
 * type ({@link Handlers}), which authorizes it against the current token.
 *
 * <p>Some 450 lines (formatted), because a connection's life is one piece of state: the hello and
 * its resume (rooms taken up again, or from another node's journal), the token's refresh and
 * expiry, the rooms joined, presence, and the close, each reading what the others set. The
 * features' requests are elsewhere, in their own handlers.
 *
 * <p>Threading: its inbound methods are called by one thread at a time: the connection's event
 * loop, or, for a session whose connection is on another node, one of the relay's threads
 * ({@code haven-relay-N}, always the same for one session).
 */
public final class ClientSession implements Caller, Session {

    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);

    private final SessionService services;
    private final Connection connection;
    private final UserRef user;
    private final Set<RoomKey> joined = ConcurrentHashMap.newKeySet();
    private volatile Principal principal;
    private @Nullable ScheduledFuture<?> expiry;
    private boolean closed;
    private final String resumeToken;
    private boolean flooded;
    private final RequestRateLimiter.Bucket requests;

    ClientSession(SessionService services, Connection connection, Principal principal) {
        this.services = services;
        this.connection = connection;
        this.principal = principal;
        this.user = new UserRef(principal.org(), principal.user());
        this.requests = services.rateLimiter.bucket();
        this.resumeToken = services.resumptions.issue();
    }

    @Override
    public Connection connection() {
        return connection;
    }

    UserRef user() {
        return user;
    }

    /** The token or user was revoked: the connection ends with {@link CloseCode#REVOKED}. */
    void revoke() {
        connection.close(CloseCode.REVOKED, "revoked");
    }

    /** The principal of the current token. */
    @Override
    public Principal principal() {
        return principal;
    }

    void start(ClientMessage.Hello hello, int version) {
        scheduleExpiry();
        Resumptions.Departure previous = services.resumptions.take(hello.resumeToken());
        if (previous != null && !previous.user.equals(user)) {
            previous = null; // another user's token: worth nothing here
        }
        Resumptions.Departure resumed = previous;
        services.chat.userConnected(principal, connection);
        services.alerts.nameOf(user, principal.name());
        services.presence.connect(user, connection.id()).whenComplete((presence, failure) -> {
            PresenceStatus status = presence != null ? presence.status() : PresenceStatus.AVAILABLE;
            connection.send(Outbound.of(new ServerMessage.Ok(hello.id(), welcome(version))));
            resume(resumed, hello.lastSeq(), status);
            askForLostCheckIns(hello.lastSeq());
            // After the welcome: the responder then receives every open alert it may see.
            services.alerts.responderConnected(principal, connection, status);
            if (hello.device() != null) {
                services.chat.deviceConnected(principal, hello.device(), connection);
            }
        });
    }

    /**
     * Takes up the rooms of a connection that ended: with its departure not yet announced, quietly
     * in its place; otherwise joining again. Each room in {@code lastSeq} answers with
     * {@code room.resumed}: recovered (every missed event follows, once, in order) or not (a fresh
     * snapshot).
     */
    private void resume(
            Resumptions.@Nullable Departure previous, @Nullable Map<String, Long> lastSeq, PresenceStatus status) {
        if (lastSeq == null || lastSeq.isEmpty()) {
            if (previous != null && previous.claim()) {
                leaveQuietlyReplaced(previous, Set.of());
            }
            return;
        }
        // The lost connection, when this one takes its place quietly (its departure not yet announced).
        Resumptions.@Nullable Departure replaced = previous != null && previous.claim() ? previous : null;
        Set<RoomKey> taken = new HashSet<>();
        Participant self = participant();
        // A breakout is resumed with its group (the member is put back there): its last number goes along.
        Map<String, Long> breakoutSeqs = new HashMap<>();
        for (Map.Entry<String, Long> e : lastSeq.entrySet()) {
            RoomKey key = RoomKey.of(user, e.getKey());
            if (key.isBreakout()
                    && previous != null
                    && previous.rooms.contains(RoomKey.of(user, key.grantRoom()))
                    && principal.isGranted(key.grantRoom())
                    && lastSeq.containsKey(key.grantRoom())) {
                breakoutSeqs.put(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, Long> e : lastSeq.entrySet()) {
            RoomKey key = RoomKey.of(user, e.getKey());
            if (breakoutSeqs.containsKey(e.getKey())) {
                continue; // answered with its group's resume
            }
            if (previous == null
                    && principal.isGranted(key.grantRoom())
                    && !key.isBreakout()
                    && joined.size() < services.config.requests().maxRoomsPerConnection()
                    && joined.add(key)) {
                // The session is not known here (the node that served it stopped): the user takes up
                // their place if a room taken up from that node's journal lists them.
                services.rooms.resumeTakenUp(self, key, e.getValue(), status, () -> joined.remove(key));
                continue;
            }
            boolean wasMember = previous != null && previous.rooms.contains(key);
            if (!wasMember
                    || !principal.isGranted(key.grantRoom())
                    || key.isBreakout()
                    || joined.size() >= services.config.requests().maxRoomsPerConnection()) {
                // Only a room the lost connection was in can be taken up again without the checks of
                // a join (check-in, admission, roles, limits): anything else is not recovered, and
                // the client joins as usual.
                send(new ServerMessage.RoomResumed(e.getKey(), false, null, null));
                continue;
            }
            joined.add(key);
            taken.add(key);
            services.rooms.resume(
                    self,
                    key,
                    e.getValue(),
                    replaced != null ? replaced.participant.connection() : null,
                    status,
                    breakoutSeqs);
        }
        if (replaced != null) {
            leaveQuietlyReplaced(replaced, taken);
        }
    }

    /** The replaced connection leaves the rooms this one did not take over, and goes offline quietly. */
    private void leaveQuietlyReplaced(Resumptions.Departure previous, Set<RoomKey> taken) {
        for (RoomKey key : previous.rooms) {
            if (!taken.contains(key)) {
                services.rooms.leave(previous.participant, key, Reply.none());
            }
        }
        services.presence.disconnect(user, previous.participant.connection().id());
        services.alerts.responderDisconnected(previous.participant.connection());
    }

    private Result.Welcome welcome(int version) {
        Principal p = principal;
        return new Result.Welcome(
                version,
                connection.id(),
                p.user(),
                p.org(),
                p.role(),
                p.name(),
                p.rooms().stream().sorted().toList(),
                p.expiresAt(),
                services.limits,
                resumeToken,
                services.push.keyFor(p));
    }

    /**
     * Handles a well-formed request: admitted by the rate limit, then handed to the handler of its
     * type, which answers it (a failure is answered {@code internal}, never left unanswered).
     */
    @Override
    public void onMessage(ClientMessage message) {
        if (admit(message.id())) {
            services.handlers.dispatch(message, this);
        }
    }

    /** Registers the requests a session answers itself (they change the session's own state). */
    static void register(Handlers handlers) {
        handlers.on(
                        ClientMessage.Hello.class,
                        r -> r.reply().refuse(ErrorCode.ALREADY_AUTHENTICATED, "hello is accepted once per connection"))
                .on(ClientMessage.Ping.class, r -> r.reply().ok())
                .on(ClientMessage.TokenRefresh.class, r -> of(r).refresh(r.message(), r.reply()))
                .on(ClientMessage.RoomJoin.class, r -> of(r).join(r.message(), r.reply()))
                .on(ClientMessage.RoomLeave.class, r -> of(r).leave(r.message(), r.reply()))
                .on(ClientMessage.PresenceSet.class, r -> of(r).setStatus(r.message(), r.reply()));
    }

    /** The session a request came through: only sessions dispatch requests. */
    private static ClientSession of(Request<?> r) {
        return (ClientSession) r.caller();
    }

    /** Answers a frame that could not be decoded; it counts against the rate limit like any request. */
    @Override
    public void onInvalid(Decoded.Invalid invalid) {
        if (admit(invalid.id())) {
            send(invalid.toError());
        }
    }

    /**
     * The connection closed or broke. Leaving every room and going offline waits a short grace
     * period when it ended abruptly (the client may be back at once, with its resume token).
     * Idempotent.
     */
    @Override
    public void onClosed() {
        if (closed) {
            return;
        }
        closed = true;
        if (expiry != null) {
            expiry.cancel(false);
        }
        services.directory.remove(user, this);
        services.chat.connectionClosed(user, connection);
        Duration grace = connection.endedAbruptly() ? services.config.rooms().recoveryGrace() : Duration.ZERO;
        Participant self = participant();
        Set<RoomKey> rooms = Set.copyOf(joined);
        joined.clear();
        services.resumptions.departed(
                resumeToken,
                new Resumptions.Departure(user, self, rooms, () -> {
                    for (RoomKey key : rooms) {
                        services.rooms.leave(self, key, Reply.none());
                    }
                    services.alerts.responderDisconnected(connection);
                    services.presence.disconnect(user, connection.id()).thenAccept(presence -> {
                        if (!presence.online() && principal.role() == Role.CLIENT) {
                            services.alerts.clientDisconnected(user);
                        }
                    });
                }),
                grace);
        services.sessionLog.closed(connection.id(), user.user(), connection.endedAbruptly());
    }

    private boolean admit(String id) {
        if (closed || flooded) {
            return false;
        }
        RequestRateLimiter.Decision decision = requests.acquire();
        switch (decision) {
            case ALLOWED:
                return true;
            case LIMITED:
                new Reply(connection, id)
                        .refuse(
                                ErrorCode.RATE_LIMITED,
                                "rate limit: " + services.config.requests().requestsPerSecond()
                                        + " requests per second, bursts of "
                                        + services.config.requests().requestBurst());
                return false;
            default:
                flooded = true;
                log.warn("flood closed connection={} user={}", connection.id(), user.user());
                connection.close(CloseCode.RATE_LIMIT_FLOOD, "sustained flooding");
                return false;
        }
    }

    private void refresh(ClientMessage.TokenRefresh refresh, Reply reply) {
        Principal next;
        try {
            next = services.verifier.verify(refresh.token());
        } catch (TokenRejectedException e) {
            reply.refuse(ErrorCode.TOKEN_REJECTED, "token rejected: " + e.getMessage());
            return;
        }
        Principal current = principal;
        if (services.denyList.isRevoked(next)) {
            reply.refuse(ErrorCode.TOKEN_REJECTED, "token rejected: revoked");
            return;
        }
        if (!current.isSameUser(next)) {
            reply.refuse(ErrorCode.TOKEN_REJECTED, "the token names another user, organisation or role");
            return;
        }
        if (next.expiresAt().isBefore(current.expiresAt())) {
            reply.refuse(ErrorCode.TOKEN_REJECTED, "the token expires before the current one");
            return;
        }
        principal = next;
        scheduleExpiry();
        // Alerts and the discreet chat go by the grants of the token in force.
        services.alerts.responderRefreshed(next, connection);
        services.chat.userConnected(next, connection);
        // Grants may have shrunk: the connection leaves the rooms the new token no longer grants.
        Participant self = participant();
        for (RoomKey key : Set.copyOf(joined)) {
            if (!next.isGranted(key.room())) {
                joined.remove(key);
                services.rooms.leave(self, key, Reply.none());
            }
        }
        reply.ok(new Result.TokenRefreshed(next.expiresAt()));
    }

    private void join(ClientMessage.RoomJoin join, Reply reply) {
        if (!principal.isGranted(join.room())) {
            reply.refuse(ErrorCode.FORBIDDEN, "the token does not grant this room");
            return;
        }
        RoomKey key = RoomKey.of(user, join.room());
        if (!joined.contains(key) && joined.size() >= services.config.requests().maxRoomsPerConnection()) {
            reply.refuse(
                    ErrorCode.LIMIT_REACHED,
                    "at most " + services.config.requests().maxRoomsPerConnection() + " rooms per connection");
            return;
        }
        boolean added = joined.add(key);
        Participant self = participant();
        Runnable undo = () -> {
            if (added) {
                joined.remove(key);
            }
        };
        checkInGate(join.room())
                .thenCompose(checkedIn -> {
                    if (!checkedIn) {
                        undo.run();
                        services.alerts.raiseForCheckIn(
                                user, principal.name(), join.room(), Alerts.Source.CHECK_IN_MISSING);
                        throw new Refusal(
                                ErrorCode.CHECK_IN_REQUIRED,
                                "confirm where you are for this session (checkin.submit) before joining");
                    }
                    return services.presence.get(user);
                })
                .whenComplete((presence, failure) -> {
                    if (failure != null) {
                        undo.run();
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause()
                                : failure;
                        if (cause instanceof Refusal r) {
                            reply.refuse(r);
                        } else {
                            reply.fail(cause);
                        }
                    } else {
                        if (principal.role() == Role.CLIENT) {
                            services.care.affiliate(user, join.room());
                        }
                        services.rooms.join(self, key, presence.status(), reply, undo);
                    }
                });
    }

    /**
     * A client resuming its rooms is asked to check in again ({@code checkin.requested}) in each group
     * room it has no valid check-in for any more: a failure lost it (the store restarted empty and
     * the node that served the client died), and an alert must carry where the client is.
     */
    private void askForLostCheckIns(@Nullable Map<String, Long> lastSeq) {
        if (lastSeq == null || principal.role() != Role.CLIENT) {
            return;
        }
        for (String room : lastSeq.keySet()) {
            RoomKey key = RoomKey.of(user, room);
            if (key.isBreakout() || !principal.isGranted(room)) {
                continue;
            }
            checkInGate(room).whenComplete((valid, failure) -> {
                if (failure == null && !valid) {
                    log.info("check-in asked again connection={} user={}", connection.id(), principal.user());
                    send(new ServerMessage.CheckInRequested(room));
                }
            });
        }
    }

    /** Completes with whether the caller may enter {@code room} as far as check-in goes. */
    private CompletionStage<Boolean> checkInGate(String room) {
        if (principal.role() != Role.CLIENT
                || !services.care.requiresCheckIn(principal.org())
                || services.rooms.kindOf(RoomKey.of(user, room)) != Sessions.RoomKind.GROUP) {
            return CompletableFuture.completedFuture(true);
        }
        return services.care.hasValidCheckIn(user, room);
    }

    private void leave(ClientMessage.RoomLeave leave, Reply reply) {
        RoomKey key = RoomKey.of(user, leave.room());
        joined.remove(key);
        services.rooms.leave(participant(), key, reply);
    }

    private void setStatus(ClientMessage.PresenceSet set, Reply reply) {
        if (!set.status().allowedFor(principal.role())) {
            reply.refuse(ErrorCode.FORBIDDEN, "this status is for the care team only");
            return;
        }
        services.presence.setStatus(user, set.status()).whenComplete((presence, failure) -> {
            if (failure != null) {
                reply.fail(failure);
                return;
            }
            services.rooms.statusChanged(user, presence.status());
            services.alerts.statusChanged(user, presence.status());
            services.push.statusChanged(user, principal.role(), presence.status());
            reply.ok();
        });
    }

    private void scheduleExpiry() {
        if (expiry != null) {
            expiry.cancel(false);
        }
        Duration left = Duration.between(
                services.clock.instant(),
                principal.expiresAt().plus(services.config.auth().clockSkew()));
        expiry = services.timer.schedule(
                () -> {
                    log.info("token expired connection={} user={}", connection.id(), user.user());
                    connection.close(CloseCode.TOKEN_EXPIRED, "token expired");
                },
                Math.max(0, left.toMillis()),
                TimeUnit.MILLISECONDS);
    }

    private Participant participant() {
        Principal p = principal;
        return new Participant(user, p.role(), p.name(), connection);
    }

    private void send(ServerMessage message) {
        connection.send(Outbound.of(message));
    }
}
