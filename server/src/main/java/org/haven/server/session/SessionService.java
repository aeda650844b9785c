package org.haven.server.session;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.CloseCode;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.ProtocolVersion;
import org.haven.protocol.Result;
import org.haven.protocol.ServerMessage;
import org.haven.server.alert.AlertService;
import org.haven.server.auth.DenyList;
import org.haven.server.auth.Principal;
import org.haven.server.auth.Revocation;
import org.haven.server.auth.RevocationStore;
import org.haven.server.auth.ServicePrincipal;
import org.haven.server.auth.TokenRejectedException;
import org.haven.server.auth.TokenVerifier;
import org.haven.server.care.CareService;
import org.haven.server.chat.DirectChatService;
import org.haven.server.config.ServerConfig;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.haven.server.limit.RequestRateLimiter;
import org.haven.server.presence.PresenceStore;
import org.haven.server.presence.UserRef;
import org.haven.server.push.PushSubscriptionService;
import org.haven.server.request.Handlers;
import org.haven.server.room.RoomService;
import org.haven.server.room.SessionControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens sessions: checks a connection's {@code hello} (protocol version, token) and, when it is
 * accepted, creates the {@link ClientSession} that handles everything after it.
 *
 * <p>Threading: hellos arrive on connections' threads and the relay's; revocations on the bus's and
 * the timer's; its maps are concurrent.
 */
public final class SessionService implements Revocations, RelayedHellos {

    private static final Logger log = LoggerFactory.getLogger(SessionService.class);

    final ServerConfig config;
    final TokenVerifier verifier;
    final PresenceStore presence;
    final RoomService rooms;
    final RequestRateLimiter rateLimiter;
    final ScheduledExecutorService timer;
    final Clock clock;
    final Result.Limits limits;
    final CareService care;
    final AlertService alerts;

    final SessionControl control;
    final DirectChatService chat;
    /**
     * Paging: the welcome's {@code pushKey}, the on-call flag of subscriptions on {@code presence.set},
     * and a revoked user's subscriptions removed.
     */
    final PushSubscriptionService push;

    final Resumptions resumptions;
    /** The handler of every request type: this package's own, and each feature's. */
    final Handlers handlers;

    final SessionDirectory directory = new SessionDirectory();
    /** Sessions opened and closed, one line each until a storm: then counted ({@link #summariseSessionLog}). */
    final SessionLog sessionLog;

    final DenyList denyList;
    private final RevocationStore revocationStore;
    private final Serving ownership;

    public SessionService(
            ServerConfig config,
            TokenVerifier verifier,
            PresenceStore presence,
            RoomService rooms,
            SessionControl control,
            CareService care,
            AlertService alerts,
            DirectChatService chat,
            PushSubscriptionService push,
            RequestRateLimiter rateLimiter,
            RevocationStore revocationStore,
            Serving ownership,
            ScheduledExecutorService timer,
            Clock clock,
            Ticker ticker,
            Handlers handlers) {
        this.handlers = handlers;
        ClientSession.register(handlers);
        this.ownership = ownership;
        this.revocationStore = revocationStore;
        this.control = control;
        this.chat = chat;
        this.push = push;
        this.resumptions = new Resumptions(timer, config.rooms().recoveryWindow(), ticker);
        this.denyList = new DenyList(Duration.ofHours(24), clock, ticker);
        this.sessionLog = new SessionLog(log, LoggerFactory.getLogger(ClientSession.class), ticker::read);
        this.care = care;
        this.alerts = alerts;
        this.config = config;
        this.verifier = verifier;
        this.presence = presence;
        this.rooms = rooms;
        this.rateLimiter = rateLimiter;
        this.timer = timer;
        this.clock = clock;
        this.limits = new Result.Limits(
                config.transport().maxFrameBytes(),
                config.rooms().maxChatChars(),
                config.requests().requestsPerSecond(),
                config.requests().requestBurst());
    }

    /** Logs the count of session lines held back in the last second, if any: the node's timer calls it every second. */
    public void summariseSessionLog() {
        sessionLog.summarise();
    }

    /**
     * Handles the first message of a connection: checks the version and the token, then opens the
     * session here when this node serves the user's organisation (taking it up when no node does),
     * or answers {@link HelloOutcome.Relayed} with the node that serves it.
     */
    public CompletionStage<HelloOutcome> hello(Connection connection, ClientMessage.Hello hello) {
        return hello(connection, hello, true);
    }

    /**
     * The hello of a connection relayed from another node: opened here when this node serves the
     * organisation; {@link HelloOutcome.Relayed} (to be refused) when it moved meanwhile.
     */
    @Override
    public CompletionStage<HelloOutcome> helloAsOwner(Connection connection, ClientMessage.Hello hello) {
        return hello(connection, hello, false);
    }

    private CompletionStage<HelloOutcome> hello(Connection connection, ClientMessage.Hello hello, boolean mayRelay) {
        int version = ProtocolVersion.negotiate(hello.versions());
        if (version < 0) {
            connection.send(Outbound.of(new ServerMessage.Error(
                    hello.id(),
                    ErrorCode.INVALID_MESSAGE,
                    "no common protocol version; this server speaks " + ProtocolVersion.SUPPORTED)));
            return completed(new HelloOutcome.Refused(CloseCode.UNSUPPORTED_VERSION, "no common protocol version"));
        }
        Principal principal;
        try {
            principal = verifier.verify(hello.token());
        } catch (TokenRejectedException e) {
            log.info("hello refused connection={} reason={}", connection.id(), e.reason());
            return completed(new HelloOutcome.Refused(CloseCode.AUTH_FAILED, "token rejected: " + e.getMessage()));
        }
        if (denyList.isRevoked(principal)) {
            log.info("hello refused connection={} reason=revoked", connection.id());
            return completed(new HelloOutcome.Refused(CloseCode.REVOKED, "revoked"));
        }
        if (ownership.owns(principal.org())) {
            CompletionStage<Void> restored = rooms.restored(principal.org());
            return restored.toCompletableFuture().isDone()
                    ? completed(open(connection, hello, version, principal))
                    : restored.thenApply(v -> open(connection, hello, version, principal));
        }
        return ownership
                .ownerOf(principal.org())
                .thenCompose(owner -> owner.equals(ownership.node())
                        // Just taken up: the organisation's rooms come back from the journal before its first session.
                        ? rooms.restored(principal.org()).thenApply(v -> owner)
                        : completed(owner))
                .handle((owner, failure) -> {
                    if (failure != null) {
                        log.warn(
                                "hello refused connection={} reason=cluster_unreachable ({})",
                                connection.id(),
                                failure.getClass().getSimpleName());
                        return new HelloOutcome.Refused(
                                CloseCode.GOING_AWAY, "the cluster is unreachable; try again shortly");
                    }
                    if (owner.equals(ownership.node())) {
                        return open(connection, hello, version, principal);
                    }
                    if (!mayRelay) {
                        return new HelloOutcome.Relayed(owner, principal);
                    }
                    log.info("hello relayed connection={} node={}", connection.id(), owner);
                    return new HelloOutcome.Relayed(owner, principal);
                });
    }

    private HelloOutcome open(Connection connection, ClientMessage.Hello hello, int version, Principal principal) {
        ClientSession session = new ClientSession(this, connection, principal);
        if (!directory.add(session.user(), session, config.transport().maxConnectionsPerUser())) {
            log.info(
                    "hello refused connection={} user={} reason=too_many_connections",
                    connection.id(),
                    principal.user());
            return new HelloOutcome.Refused(
                    CloseCode.TOO_MANY_CONNECTIONS,
                    "at most " + config.transport().maxConnectionsPerUser() + " connections per user");
        }
        session.start(hello, version);
        sessionLog.opened(
                connection.id(),
                principal.user(),
                principal.org(),
                principal.role().wire());
        return new HelloOutcome.Accepted(session);
    }

    private static <T> CompletionStage<T> completed(T value) {
        return CompletableFuture.completedFuture(value);
    }

    /** Ends the sessions of organisation {@code org} here: another node serves it now. */
    public void handOver(String org) {
        int n = 0;
        for (ClientSession s : directory.all()) {
            if (s.user().org().equals(org)) {
                s.connection().close(CloseCode.GOING_AWAY, "the node serving your organisation changed; reconnect");
                n++;
            }
        }
        log.info("organisation handed over sessions={}", n);
    }

    /**
     * Takes up the revocations kept in the store (at start): what was revoked on a node that is
     * gone stays refused here.
     */
    public void loadRevocations() {
        revocationStore.active(clock.instant()).whenComplete((revocations, failure) -> {
            if (failure != null) {
                log.error(
                        "revocations could not be read ({}); those taken on other nodes are not enforced yet",
                        failure.getClass().getSimpleName());
                return;
            }
            denyList.load(revocations);
            if (!revocations.isEmpty()) {
                log.info("revocations loaded count={}", revocations.size());
            }
        });
    }

    /**
     * Registers every live connection of this node in the presence store again: the store lost
     * them (Redis restarted empty, or this node was taken for dead), and until then its users look
     * offline to everyone reading presence.
     */
    public void registerPresenceAgain() {
        List<ClientSession> live = directory.all();
        for (ClientSession s : live) {
            presence.connect(s.user(), s.connection().id()).whenComplete((p, failure) -> {
                if (failure != null) {
                    log.warn(
                            "presence not registered again connection={} ({})",
                            s.connection().id(),
                            failure.getClass().getSimpleName());
                }
            });
        }
        log.info("presence registered again connections={}", live.size());
    }

    /** Keeps a revocation in the store, so that it outlives this node. */
    private void keep(Revocation revocation) {
        revocationStore.add(revocation).whenComplete((v, failure) -> {
            if (failure != null) {
                log.error(
                        "revocation could not be stored ({}); it holds on this node only",
                        failure.getClass().getSimpleName());
            }
        });
    }

    /** Where this node's revocations go to reach the other nodes (set once at start; none alone). */
    private volatile Function<Revocation, CompletionStage<Integer>> peers = r -> CompletableFuture.completedFuture(0);

    /** Where this node's disconnects go to reach the other nodes (set once at start; none alone). */
    private volatile Function<UserRef, CompletionStage<Integer>> disconnectPeers =
            u -> CompletableFuture.completedFuture(0);

    /** Sends each revocation taken here to {@code peers} too: the other nodes end their sessions. */
    public void announceRevocationsTo(Function<Revocation, CompletionStage<Integer>> peers) {
        this.peers = peers;
    }

    /** Sends each disconnect asked here to {@code peers} too: the other nodes close that user's sessions. */
    public void announceDisconnectsTo(Function<UserRef, CompletionStage<Integer>> peers) {
        this.disconnectPeers = peers;
    }

    @Override
    public CompletionStage<Integer> disconnectUser(String org, String user) {
        UserRef who = new UserRef(org, user);
        int closed = disconnectedElsewhere(who);
        return disconnectPeers.apply(who).thenApply(elsewhere -> closed + elsewhere);
    }

    /** Closes {@code user}'s sessions on this node ({@code 4012}), revoking nothing; returns how many. */
    public int disconnectedElsewhere(UserRef user) {
        List<ClientSession> sessions = directory.of(user);
        for (ClientSession s : sessions) {
            s.connection().close(CloseCode.DISCONNECTED, "disconnected by the organisation");
        }
        log.info("user disconnected user={} closed={}", user.user(), sessions.size());
        return sessions.size();
    }

    @Override
    public boolean isRevoked(ServicePrincipal service) {
        return denyList.isRevoked(service);
    }

    @Override
    public CompletionStage<Integer> revokeToken(String tokenId) {
        Revocation revocation = denyList.revokeToken(tokenId);
        keep(revocation);
        int closed = endRevoked(revocation);
        return peers.apply(revocation).thenApply(elsewhere -> closed + elsewhere);
    }

    @Override
    public CompletionStage<Integer> revokeUser(String org, String user) {
        Revocation revocation = denyList.revokeUser(new UserRef(org, user));
        keep(revocation);
        push.revoked(new UserRef(org, user)); // a revoked user is paged no more
        int closed = endRevoked(revocation);
        return peers.apply(revocation).thenApply(elsewhere -> closed + elsewhere);
    }

    /** A revocation taken on another node: denied here too, its sessions here ended; returns how many. */
    public int revokedElsewhere(Revocation revocation) {
        denyList.load(List.of(revocation));
        return endRevoked(revocation);
    }

    private int endRevoked(Revocation revocation) {
        List<ClientSession> sessions = revocation.user() != null
                ? directory.of(revocation.user())
                : directory.all().stream()
                        .filter(s -> Objects.requireNonNull(
                                        revocation.tokenId(), "a revocation names a token id or a user")
                                .equals(s.principal().tokenId()))
                        .toList();
        sessions.forEach(ClientSession::revoke);
        if (revocation.user() != null) {
            log.info("user revoked user={} closed={}", revocation.user().user(), sessions.size());
        } else {
            log.info("token revoked closed={}", sessions.size());
        }
        return sessions.size();
    }
}
