package org.haven.server;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.Gauge;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.CloseCode;
import org.haven.server.alert.AlertPaging;
import org.haven.server.alert.AlertService;
import org.haven.server.alert.AlertStore;
import org.haven.server.alert.EscalationPolicy;
import org.haven.server.api.ApiLimits;
import org.haven.server.api.ApiRoutes;
import org.haven.server.api.ServiceApi;
import org.haven.server.audit.AuditTrail;
import org.haven.server.audit.JsonLinesAuditTrail;
import org.haven.server.auth.JwtTokenVerifier;
import org.haven.server.auth.VerificationKeys;
import org.haven.server.care.CareService;
import org.haven.server.care.CrisisResources;
import org.haven.server.care.RoomAffiliations;
import org.haven.server.chat.DirectChatService;
import org.haven.server.chat.Mailbox;
import org.haven.server.cluster.NodeMessage;
import org.haven.server.cluster.OrgOwnership;
import org.haven.server.cluster.Relay;
import org.haven.server.cluster.RevocationMessages;
import org.haven.server.config.ServerConfig;
import org.haven.server.limit.RequestRateLimiter;
import org.haven.server.metrics.NodeMetrics;
import org.haven.server.presence.PresenceStore;
import org.haven.server.push.PushPaging;
import org.haven.server.push.PushSubscriptionService;
import org.haven.server.push.SubscriptionPolicy;
import org.haven.server.request.Handlers;
import org.haven.server.room.IceServers;
import org.haven.server.room.OrganisationSessions;
import org.haven.server.room.RoomExecutors;
import org.haven.server.room.RoomHandlers;
import org.haven.server.room.RoomService;
import org.haven.server.room.SessionControl;
import org.haven.server.session.SessionService;
import org.haven.server.storage.RecordRetention;
import org.haven.server.threads.NodeThreads;
import org.haven.server.transport.HavenTransport;
import org.haven.server.transport.Readiness;
import org.haven.server.webhook.WebhookNotifier;
import org.haven.server.webhook.WebhookSettings;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * One Haven node: wires configuration, engines, feature services and the transport, and stops them
 * in reverse order. {@code try (HavenServer server = HavenServer.start(config)) { ... }}.
 */
public final class HavenServer implements AutoCloseable {

    /** When a node first purges records past their retention: after its start has settled. */
    private static final Duration RETENTION_FIRST_RUN = Duration.ofMinutes(1);
    /** The server API's calls waiting for its thread, at most; past it a call is answered 429. */
    private static final int API_QUEUE = 1024;

    private final ServerConfig config;
    private final NodeThreads threads;
    private final RoomExecutors roomExecutors;
    private final ScheduledExecutorService timer;
    private final PresenceStore presence;
    private final RoomService rooms;
    private final AuditTrail audit;
    private final WebhookNotifier webhooks;
    private final @Nullable PushPaging paging;
    private final Engines engines;
    private final AlertService alerts;
    private final SessionService sessions;
    private final HavenTransport transport;
    private final NodeMetrics metrics;
    private final OrgOwnership ownership;
    private final Relay relay;
    private final CompletableFuture<Readiness> stopped = new CompletableFuture<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private int port;

    private HavenServer(ServerConfig config, Clock clock, Ticker ticker, Engines engines, NodeMetrics metrics) {
        this.config = config;
        this.engines = engines;
        this.metrics = metrics;
        VerificationKeys keys = VerificationKeys.load(
                config.auth().hmacSecret(),
                config.auth().publicKeyPem(),
                config.auth().jwksFile());
        JwtTokenVerifier verifier = new JwtTokenVerifier(
                keys,
                config.auth().issuer(),
                config.auth().audience(),
                config.auth().clockSkew(),
                clock,
                ticker);
        this.threads = new NodeThreads();
        this.timer = threads.timer();
        this.roomExecutors =
                new RoomExecutors(threads, Math.max(2, Runtime.getRuntime().availableProcessors()));
        this.presence = engines.presence();
        this.rooms = new RoomService(
                roomExecutors,
                clock,
                config.rooms().maxMembersPerRoom(),
                new IceServers(
                        config.rooms().stunUrls(),
                        config.rooms().turnUrls(),
                        config.rooms().turnSecret(),
                        config.rooms().turnCredentialTtl(),
                        clock),
                config.rooms().recoveryWindow(),
                engines.rooms(),
                timer);
        Path auditFile = config.storage().auditFile();
        this.audit = auditFile == null
                ? engines.audit().open(engines.auditKey().get(), clock, threads)
                : new JsonLinesAuditTrail(auditFile, engines.auditKey().get(), clock, threads);
        this.webhooks = new WebhookNotifier(
                config.alerts().webhookUrls().isEmpty()
                        ? WebhookSettings.disabled()
                        : WebhookSettings.of(
                                config.alerts().webhookUrls(), config.alerts().webhookSecret()),
                clock,
                threads);
        this.paging =
                PushPaging.of(config.paging(), engines.pushSubscriptions(), audit, clock, threads, metrics.registry());
        CareService care = new CareService(
                engines.care(),
                new RoomAffiliations(),
                CrisisResources.load(config.care().crisisResourcesFile()),
                audit,
                clock,
                config.care().checkInValidity(),
                config.care().checkInExemptOrgs());
        this.alerts = new AlertService(
                engines.alerts(),
                care,
                audit,
                webhooks,
                paging == null ? AlertPaging.NONE : paging,
                clock,
                escalation(config.alerts()),
                config.alerts().alertOnCheckIn(),
                metrics.registry(),
                threads);
        RequestRateLimiter limiter = new RequestRateLimiter(
                config.requests().requestsPerSecond(),
                config.requests().requestBurst(),
                config.requests().floodRefusals(),
                ticker);
        SessionControl control =
                new SessionControl(rooms, audit, alerts, config.rooms().coverageTimeout());
        threads.every(timer, Duration.ofSeconds(1), Duration.ofSeconds(1), "coverage check", control::checkCoverage);
        threads.every(
                timer, Duration.ofMinutes(1), Duration.ofHours(6), "audit retention", () -> removeOldAudit(clock));
        DirectChatService chat = new DirectChatService(
                engines.keys(),
                engines.mailbox(),
                clock,
                config.chat().mailboxTtl(),
                config.chat().dmBetweenClinicians());
        this.ownership = new OrgOwnership(engines.leases(), this::takeUp, this::handOver);
        alerts.servesWhile(ownership::owns);
        PushSubscriptionService push = new PushSubscriptionService(
                engines.pushSubscriptions(), presence, audit, clock, SubscriptionPolicy.of(config.paging()));
        Handlers handlers = new Handlers();
        this.sessions = new SessionService(
                config,
                verifier,
                presence,
                rooms,
                control,
                care,
                alerts,
                chat,
                push,
                limiter,
                engines.revocations(),
                ownership,
                timer,
                clock,
                ticker,
                handlers);
        threads.every(
                timer, Duration.ofSeconds(1), Duration.ofSeconds(1), "session log", sessions::summariseSessionLog);
        RoomHandlers.register(handlers, rooms, control, config.rooms().maxChatChars());
        care.register(handlers, alerts);
        alerts.register(handlers);
        chat.register(handlers);
        push.register(handlers);
        handlers.requireEvery(ClientMessage.class);
        this.relay = new Relay(engines.bus(), ownership, sessions, alerts, threads);
        sessions.announceRevocationsTo(relay::revokeElsewhere);
        sessions.announceDisconnectsTo(relay::disconnectElsewhere);
        Gauge.builder(
                        "haven.records.durable",
                        engines,
                        e -> e.recordsInVolatileRedis().getAsBoolean() ? 0 : 1)
                .description("0 while the durable records are in a Redis that keeps nothing on disk")
                .register(metrics.registry());
        Gauge.builder("haven.rooms", rooms, RoomService::roomCount)
                .description("Rooms with members on this node")
                .register(metrics.registry());
        ServiceApi api = ApiRoutes.api(
                verifier,
                sessions,
                care,
                alerts,
                new OrganisationSessions(rooms, control, audit, config.rooms().maxChatChars()),
                audit,
                threads.bounded("api", API_QUEUE),
                new ApiLimits(
                        config.transport().maxFrameBytes(),
                        config.requests().apiPerSecond(),
                        config.requests().apiBurst()),
                ticker,
                relay.servingNode(),
                metrics.registry());
        relay.answerApiWith(api::handleForwarded);
        this.transport = new HavenTransport(config, sessions, relay, metrics, this::readiness, api);
    }

    /** The escalation policy of the settings: the default tiers, the configured times. */
    private static EscalationPolicy escalation(ServerConfig.Alerting a) {
        return new EscalationPolicy(
                EscalationPolicy.defaults().tiers(),
                a.ackTimeouts(),
                a.engagementTimeout(),
                a.followUpDelay(),
                a.redeliveryInterval());
    }

    /**
     * What {@code /readyz} says: every node serves; degraded while the store or the bus is
     * unreachable; in production, not at all while its durable records sit in a Redis that keeps
     * nothing on disk (unless the operator said so).
     */
    private Readiness readiness() {
        if (config.mode() == ServerConfig.Mode.PRODUCTION
                && config.storage().redisPersistenceRequired()
                && engines.recordsInVolatileRedis().getAsBoolean()) {
            return Readiness.NOT_DURABLE;
        }
        return engines.reachable().getAsBoolean()
                        && ownership.reachable()
                        && engines.bus().isUp()
                ? Readiness.READY
                : Readiness.DEGRADED;
    }

    /** This node serves {@code org} now: its rooms and open alerts are taken up from the store. */
    private void takeUp(String org) {
        alerts.takeUpStoredAlerts(org, rooms.restore(org));
    }

    /** Another node serves {@code org} now: its sessions here end (clients reconnect there) and its alerts go. */
    private void handOver(String org) {
        sessions.handOver(org);
        alerts.handOver(org);
    }

    /**
     * The cluster's regular work: leases renewed, both ends of relayed connections checked, and any
     * organisation with an overdue alert deadline claimed, atomically, and taken up (its node died);
     * if this node serves it already, the alerts it does not hold are taken up (left behind).
     */
    private void clusterCheck() {
        ownership.renew();
        relay.check();
        alerts.organisationsOverdue()
                .thenAccept(orgs -> {
                    ownership.claimOrphans(orgs);
                    for (String org : orgs) {
                        if (ownership.owns(org)) {
                            alerts.takeUpLeftBehind(org);
                        }
                    }
                })
                .exceptionally(e -> null);
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
     * Starts a node on the given engines. Every node serves; each organisation is served by the
     * node holding its lease, which takes up that organisation's rooms and open alerts from the
     * store when it begins to serve it (escalation goes on from where the store says it was).
     */
    public static HavenServer start(ServerConfig config, Clock clock, Ticker ticker, Engines engines)
            throws InterruptedException {
        return start(config, clock, ticker, engines, new NodeMetrics());
    }

    private static HavenServer start(
            ServerConfig config, Clock clock, Ticker ticker, Engines engines, NodeMetrics metrics)
            throws InterruptedException {
        HavenServer server;
        try {
            server = new HavenServer(config, clock, ticker, engines, metrics);
        } catch (RuntimeException e) { // the audit trail could not be opened (another key): nothing serves yet
            try {
                engines.resources().close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            metrics.close();
            throw e;
        }
        try {
            server.relay
                    .start(server::fromOtherNodes, server.sessions::disconnectedElsewhere)
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            server.sessions.loadRevocations();
            server.port = server.transport.start();
            Duration quarterLease = config.storage().leaseTtl().dividedBy(4);
            server.threads.every(server.timer, Duration.ZERO, quarterLease, "cluster check", server::clusterCheck);
            server.threads.every(
                    server.timer,
                    Duration.ZERO,
                    quarterLease,
                    "engines' housekeeping",
                    () -> engines.housekeeping().run(server.sessions::registerPresenceAgain));
            RecordRetention retention = new RecordRetention(
                    engines.alerts(), engines.care(), clock, config.storage().recordRetention());
            server.threads.every(
                    server.timer, RETENTION_FIRST_RUN, RecordRetention.PERIOD, "records' retention", retention::run);
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        } catch (ExecutionException | TimeoutException e) {
            server.close();
            throw new IllegalStateException("the cluster bus could not be joined", e);
        }
        return server;
    }

    /** Another node's revocation, enforced here too; returns how many sessions it ended here. */
    private int fromOtherNodes(NodeMessage.Revoked message) {
        return sessions.revokedElsewhere(RevocationMessages.read(message));
    }

    /** This node's id in the cluster. */
    public String node() {
        return ownership.node();
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
    public long closedWith(CloseCode code) {
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

    /** What {@code /readyz} says now: ready, degraded (a store unreachable), or draining (stopping). */
    public Readiness readinessNow() {
        return transport.readiness();
    }

    /** Completes when the node stops. */
    public CompletableFuture<Readiness> stopped() {
        return stopped;
    }

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        // Organisations first: their clients reconnect and the next node takes them (and their
        // alerts) at once, rather than after the leases ran out.
        ownership.releaseAll();
        transport.close();
        relay.close();
        timer.shutdownNow();
        roomExecutors.close();
        alerts.close();
        webhooks.close();
        if (paging != null) {
            paging.close();
        }
        audit.close();
        threads.close();
        metrics.close();
        try {
            engines.resources().close();
        } catch (Exception e) {
            LoggerFactory.getLogger(HavenServer.class)
                    .warn("engines did not close cleanly ({})", e.getClass().getSimpleName());
        }
        stopped.complete(Readiness.DRAINING);
    }

    /** Removes audit records past the retention (in the database; a file is kept whole). */
    private void removeOldAudit(Clock clock) {
        audit.removeBefore(clock.instant().minus(config.storage().auditRetention()))
                .whenComplete((removed, failure) -> {
                    if (failure != null) {
                        LoggerFactory.getLogger(HavenServer.class)
                                .warn(
                                        "audit retention not applied ({})",
                                        failure.getClass().getSimpleName());
                    } else if (removed > 0) {
                        LoggerFactory.getLogger(HavenServer.class)
                                .info("audit records past retention removed count={}", removed);
                    }
                });
    }
}
