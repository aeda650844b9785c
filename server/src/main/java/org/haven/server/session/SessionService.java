package org.haven.server.session;

import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.CloseCode;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.ProtocolVersion;
import org.haven.protocol.Result;
import org.haven.protocol.ServerMessage;
import org.haven.server.alert.AlertService;
import java.util.List;
import org.haven.server.auth.DenyList;
import org.haven.server.auth.Revocation;
import org.haven.server.auth.RevocationStore;
import org.haven.server.auth.Principal;
import org.haven.server.presence.UserRef;
import org.haven.server.care.CareService;
import org.haven.server.chat.DirectChatService;
import org.haven.server.auth.TokenRejectedException;
import org.haven.server.auth.TokenVerifier;
import org.haven.server.config.ServerConfig;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.haven.server.limit.RequestRateLimiter;
import org.haven.server.presence.PresenceStore;
import org.haven.server.room.RoomService;
import org.haven.server.room.SessionControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens sessions: checks a connection's {@code hello} (protocol version, token) and, when it is
 * accepted, creates the {@link ClientSession} that handles everything after it.
 */
public final class SessionService implements Revocations {

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
    final Resumptions resumptions;
    final SessionDirectory directory = new SessionDirectory();
    final DenyList denyList;
    private final RevocationStore revocationStore;

    public SessionService(ServerConfig config, TokenVerifier verifier, PresenceStore presence, RoomService rooms,
            SessionControl control, CareService care, AlertService alerts, DirectChatService chat,
            RequestRateLimiter rateLimiter, RevocationStore revocationStore, ScheduledExecutorService timer, Clock clock,
            com.github.benmanes.caffeine.cache.Ticker ticker) {
        this.revocationStore = revocationStore;
        this.control = control;
        this.chat = chat;
        this.resumptions = new Resumptions(timer, config.recoveryWindow(), ticker);
        this.denyList = new DenyList(java.time.Duration.ofHours(24), clock, ticker);
        this.care = care;
        this.alerts = alerts;
        this.config = config;
        this.verifier = verifier;
        this.presence = presence;
        this.rooms = rooms;
        this.rateLimiter = rateLimiter;
        this.timer = timer;
        this.clock = clock;
        this.limits = new Result.Limits(config.maxFrameBytes(), config.maxChatChars(), config.requestsPerSecond(),
                config.requestBurst());
    }

    /** Handles the first message of a connection. */
    public HelloOutcome hello(Connection connection, ClientMessage.Hello hello) {
        int version = ProtocolVersion.negotiate(hello.versions());
        if (version < 0) {
            connection.send(Outbound.of(new ServerMessage.Error(hello.id(), ErrorCode.INVALID_MESSAGE,
                    "no common protocol version; this server speaks " + ProtocolVersion.SUPPORTED)));
            return new HelloOutcome.Refused(CloseCode.UNSUPPORTED_VERSION, "no common protocol version");
        }
        Principal principal;
        try {
            principal = verifier.verify(hello.token());
        } catch (TokenRejectedException e) {
            log.info("hello refused connection={} reason={}", connection.id(), e.reason());
            return new HelloOutcome.Refused(CloseCode.AUTH_FAILED, "token rejected: " + e.getMessage());
        }
        if (denyList.isRevoked(principal)) {
            log.info("hello refused connection={} reason=revoked", connection.id());
            return new HelloOutcome.Refused(CloseCode.REVOKED, "revoked");
        }
        ClientSession session = new ClientSession(this, connection, principal);
        if (!directory.add(session.user(), session, config.maxConnectionsPerUser())) {
            log.info("hello refused connection={} user={} reason=too_many_connections", connection.id(), principal.user());
            return new HelloOutcome.Refused(CloseCode.TOO_MANY_CONNECTIONS,
                    "at most " + config.maxConnectionsPerUser() + " connections per user");
        }
        session.start(hello, version);
        log.info("session opened connection={} user={} org={} role={}", connection.id(), principal.user(),
                principal.org(), principal.role().wire());
        return new HelloOutcome.Accepted(session);
    }

    /**
     * Takes up the revocations kept in the store (this node became the active one): what was revoked
     * on a node that is gone stays refused here.
     */
    public void loadRevocations() {
        revocationStore.active(clock.instant()).whenComplete((revocations, failure) -> {
            if (failure != null) {
                log.error("revocations could not be read ({}); those taken on other nodes are not enforced yet",
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
                    log.warn("presence not registered again connection={} ({})", s.connection().id(),
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
                log.error("revocation could not be stored ({}); it holds on this node only",
                        failure.getClass().getSimpleName());
            }
        });
    }

    @Override
    public int revokeToken(String tokenId) {
        keep(denyList.revokeToken(tokenId));
        int closed = 0;
        for (ClientSession s : directory.all()) {
            if (tokenId.equals(s.principal().tokenId())) {
                s.revoke();
                closed++;
            }
        }
        log.info("token revoked closed={}", closed);
        return closed;
    }

    @Override
    public int revokeUser(String org, String user) {
        UserRef ref = new UserRef(org, user);
        keep(denyList.revokeUser(ref));
        List<ClientSession> sessions = directory.of(ref);
        sessions.forEach(ClientSession::revoke);
        log.info("user revoked user={} closed={}", user, sessions.size());
        return sessions.size();
    }
}
