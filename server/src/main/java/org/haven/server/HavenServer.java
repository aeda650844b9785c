package org.haven.server;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.Gauge;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.haven.server.alert.AlertService;
import org.haven.server.alert.AlertStore;
import org.haven.server.audit.AuditTrail;
import org.haven.server.audit.InMemoryAuditTrail;
import org.haven.server.audit.JsonLinesAuditTrail;
import org.haven.server.auth.JwtTokenVerifier;
import org.haven.server.care.CareService;
import org.haven.server.chat.DirectChatService;
import org.haven.server.chat.Mailbox;
import org.haven.server.care.CrisisResources;
import org.haven.server.care.RoomAffiliations;
import org.haven.server.webhook.WebhookNotifier;
import org.haven.server.webhook.WebhookSettings;
import org.haven.server.auth.VerificationKeys;
import org.haven.server.config.ServerConfig;
import org.haven.server.limit.RequestRateLimiter;
import org.haven.server.metrics.NodeMetrics;
import org.haven.server.presence.PresenceStore;
import org.haven.server.room.IceServers;
import org.haven.server.room.RoomExecutors;
import org.haven.server.room.SessionControl;
import org.haven.server.room.RoomService;
import org.haven.server.session.SessionService;
import org.haven.server.cluster.ActiveStandby;
import org.haven.server.transport.HavenTransport;
import org.haven.server.transport.Readiness;
import org.slf4j.LoggerFactory;

/**
 * One Haven node: wires configuration, engines, feature services and the transport, and stops them
 * in reverse order. {@code try (HavenServer server = HavenServer.start(config)) { ... }}.
 */
public final class HavenServer implements AutoCloseable {

    private final ServerConfig config;
    private final RoomExecutors roomExecutors;
    private final ScheduledExecutorService timer;
    private final PresenceStore presence;
    private final RoomService rooms;
    private final AuditTrail audit;
    private final WebhookNotifier webhooks;
    private final Engines engines;
    private final AlertService alerts;
    private final SessionService sessions;
    private final HavenTransport transport;
    private final NodeMetrics metrics;
    private final ActiveStandby role;
    private final CompletableFuture<Readiness> stopped = new CompletableFuture<>();
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
    private int port;

    private HavenServer(ServerConfig config, Clock clock, Ticker ticker, Engines engines, NodeMetrics metrics) {
        this.config = config;
        this.engines = engines;
        this.metrics = metrics;
        VerificationKeys keys = VerificationKeys.load(config.hmacSecret(), config.publicKeyPem(), config.jwksFile());
        JwtTokenVerifier verifier = new JwtTokenVerifier(keys, config.issuer(), config.audience(), config.clockSkew(),
                clock, ticker);
        this.roomExecutors = new RoomExecutors(Math.max(2, Runtime.getRuntime().availableProcessors()));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "haven-timer");
            t.setDaemon(true);
            return t;
        });
        this.presence = engines.presence();
        this.rooms = new RoomService(roomExecutors, clock, config.maxMembersPerRoom(), new IceServers(config.stunUrls(),
                config.turnUrls(), config.turnSecret(), config.turnCredentialTtl(), clock), config.recoveryWindow());
        this.audit = config.auditFile() == null ? new InMemoryAuditTrail(clock)
                : new JsonLinesAuditTrail(config.auditFile(), clock);
        this.webhooks = new WebhookNotifier(config.webhookUrls().isEmpty() ? WebhookSettings.disabled()
                : WebhookSettings.of(config.webhookUrls(), config.webhookSecret()), clock);
        CareService care = new CareService(engines.care(), new RoomAffiliations(), CrisisResources.load(config.crisisResourcesFile()),
                audit, clock, config.checkInValidity(), config.checkInExemptOrgs());
        this.alerts = new AlertService(engines.alerts(), care, audit, webhooks, clock, config.escalation(),
                config.alertOnCheckIn(), metrics.registry());
        RequestRateLimiter limiter = new RequestRateLimiter(config.requestsPerSecond(), config.requestBurst(),
                config.floodRefusals(), ticker);
        SessionControl control = new SessionControl(rooms, audit, alerts, config.coverageTimeout());
        timer.scheduleWithFixedDelay(control::checkCoverage, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
        DirectChatService chat = new DirectChatService(engines.keys(), engines.mailbox(), clock, config.mailboxTtl(),
                config.dmBetweenClinicians());
        this.sessions = new SessionService(config, verifier, presence, rooms, control, care, alerts, chat,
                limiter, engines.revocations(), timer, clock, ticker);
        Gauge.builder("haven.rooms", rooms, RoomService::roomCount).description("Rooms with members on this node")
                .register(metrics.registry());
        this.transport = new HavenTransport(config, sessions, metrics, this::readiness);
        this.role = new ActiveStandby(engines.lease(), () -> {
            sessions.loadRevocations();
            alerts.takeUpStoredAlerts();
        }, this::fenced);
    }

    /** What {@code /readyz} says: serving when active (degraded while a store is unreachable), else not. */
    private Readiness readiness() {
        return switch (role.role()) {
            case ACTIVE -> engines.reachable().getAsBoolean() && role.storeReachable() ? Readiness.READY
                    : Readiness.DEGRADED;
            case STANDBY -> Readiness.STANDBY;
            case FENCED -> Readiness.FENCED;
        };
    }

    /** Another node took over: this one tells its clients to reconnect (to the active node) and stops. */
    private void fenced() {
        transport.handOver();
        stopped.complete(Readiness.FENCED);
    }

    /** Starts a node with the system clock. */
    public static HavenServer start(ServerConfig config) throws InterruptedException {
        return start(config, Clock.systemUTC(), Ticker.systemTicker());
    }

    /** Starts a node with the given time sources (tests control time this way). */
    public static HavenServer start(ServerConfig config, Clock clock, Ticker ticker) throws InterruptedException {
        NodeMetrics metrics = new NodeMetrics();
        Engines engines;
        try {
            engines = Engines.forConfig(config, metrics.registry());
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
        }
        return start(config, clock, ticker, engines, metrics);
    }

    /**
     * Starts a node on the given engines. It serves once it holds the active lease (at once for
     * engines of its own; after the active node stops renewing it for shared ones); then the open
     * alerts the alert store holds are taken up again, and their escalation goes on from where the
     * store says it was.
     */
    public static HavenServer start(ServerConfig config, Clock clock, Ticker ticker, Engines engines)
            throws InterruptedException {
        return start(config, clock, ticker, engines, new NodeMetrics());
    }

    private static HavenServer start(ServerConfig config, Clock clock, Ticker ticker, Engines engines,
            NodeMetrics metrics) throws InterruptedException {
        HavenServer server = new HavenServer(config, clock, ticker, engines, metrics);
        try {
            server.port = server.transport.start();
            server.role.start(server.timer, Engines.LEASE_TTL.dividedBy(4));
            server.timer.scheduleWithFixedDelay(() -> engines.housekeeping().run(server.sessions::registerPresenceAgain),
                    0, Engines.LEASE_TTL.toMillis() / 4, TimeUnit.MILLISECONDS);
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The bound port. */
    public int port() {
        return port;
    }

    public ServerConfig config() {
        return config;
    }

    /** Whether this node accepts connections. */
    public boolean isReady() {
        return transport.isReady();
    }

    /** Open connections on this node. */
    public int connectionCount() {
        return transport.connectionCount();
    }

    /** How many connections this node closed with {@code code} since it started. */
    public long closedWith(org.haven.protocol.CloseCode code) {
        return transport.closedWith(code);
    }

    /** Rooms with members on this node. */
    public int roomCount() {
        return rooms.roomCount();
    }

    /** The audit trail (tests read it). */
    public AuditTrail audit() {
        return audit;
    }

    /** The direct-message mailbox (tests prove it holds no plaintext). */
    public Mailbox mailbox() {
        return engines.mailbox();
    }

    /** The alert store (tests read it). */
    public AlertStore alertStore() {
        return engines.alerts();
    }

    /** The engines this node keeps its state in. */
    public Engines engines() {
        return engines;
    }

    /** Whether this node serves now (it is the active node, and not stopping). */
    public Readiness readinessNow() {
        return transport.readiness();
    }

    /** Completes when the node stops: closed, or fenced because another node took over. */
    public CompletableFuture<Readiness> stopped() {
        return stopped;
    }

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        transport.close();
        role.release();
        timer.shutdownNow();
        roomExecutors.close();
        alerts.close();
        webhooks.close();
        audit.close();
        metrics.close();
        try {
            engines.resources().close();
        } catch (Exception e) {
            LoggerFactory.getLogger(HavenServer.class).warn("engines did not close cleanly ({})",
                    e.getClass().getSimpleName());
        }
        stopped.complete(Readiness.DRAINING);
    }
}
