package org.haven.server.alert;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.haven.protocol.Alerts;
import org.haven.protocol.Alerts.Severity;
import org.haven.protocol.Alerts.Source;
import org.haven.protocol.Alerts.State;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.ServerMessage;
import org.haven.protocol.ServerMessage.AlertReason;
import org.haven.server.audit.AuditEvent;
import org.haven.server.audit.AuditTrail;
import org.haven.server.auth.Principal;
import org.haven.server.care.CareService;
import org.haven.server.care.CheckInAlerts;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.haven.server.presence.UserRef;
import org.haven.server.request.Handlers;
import org.haven.server.request.Request;
import org.haven.server.room.SessionAlerts;
import org.haven.server.threads.NodeThreads;
import org.haven.server.webhook.WebhookNotifier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Distress alerts: raised by a client's discreet help button, a clinician's flag, or automatically;
 * delivered at least once to every targeted responder connection; escalated tier by tier until
 * someone acknowledges; carried through acknowledgement, engagement, resolution and follow-up.
 * Nothing about an alert is ever sent to a room.
 *
 * <p>A façade over the parts, each the one owner of its concern: {@link AlertIntake} (sources,
 * repeats), {@link AlertLifecycle} (which step is legal, as pure functions), {@link Escalator}
 * (tiers and climbing), {@link AlertPublisher} (store, then push), {@link AlertDelivery} (connected
 * responders and receipts), {@link AlertRequests} (the protocol's requests), {@link AlertBook} (the
 * alerts of this node). This class adds the responders' comings and goings, the tick that makes
 * deadlines fall due, and take-up and hand-over between nodes.
 *
 * <p>Threading: all alert state lives on one thread ({@link AlertThread}); every public method may
 * be called from any thread and hands its work there. The clock is injected, and so is the tick
 * (a node ticks every 200 ms; a test steps the clock and ticks by hand).
 */
public final class AlertService implements SessionAlerts, CheckInAlerts, StandIn, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AlertService.class);
    /** How often a node's alert thread checks deadlines, re-delivers and retries the store. */
    static final Duration TICK = Duration.ofMillis(200);
    /** How long past an alert's deadline its organisation counts as left behind by the node serving it. */
    static final Duration OVERDUE_AFTER = Duration.ofSeconds(1);

    /**
     * How long a closed alert stays among this node's alerts: long enough for its responders to
     * confirm the closing (it is re-sent until they do), then it is only in the store. Without this,
     * every alert a node ever carried stayed in its memory (with the care record it carries, up to
     * some 60 KB of safety plan) and was gone through on every tick.
     */
    static final Duration CLOSED_KEPT = Duration.ofMinutes(10);

    /**
     * The wait before reading the store again after a read for a take-up failed (a stood-in alert to
     * adopt, an organisation's open alerts), doubled each time up to {@link #STORE_BACKOFF_MAX}.
     */
    static final Duration STORE_BACKOFF = Duration.ofMillis(250);

    static final Duration STORE_BACKOFF_MAX = Duration.ofSeconds(8);
    /** Reads for one take-up, at most: the last about a minute after the first. */
    static final int STORE_READS = 12;

    /**
     * How often an organisation's open alerts are read for {@link #takeUpLeftBehind}, at most: an
     * overdue deadline of an alert this node holds (its save lagging) would otherwise have them read
     * at every check of the cluster.
     */
    static final Duration LEFT_BEHIND_EVERY = Duration.ofSeconds(10);

    private final AlertStore store;
    private final AuditTrail audit;
    private final Clock clock;
    private final AlertThread thread;
    private final Instant startedAt;
    private final AlertBook book = new AlertBook();
    private final AlertDelivery delivery;
    private final AlertMetrics metrics;
    private final Escalator escalator;
    private final AlertPublisher publisher;
    private final AlertIntake intake;
    private final AlertRequests requests;
    private final StandInRaises standIn;
    private final PressLanes lanes;
    private final ExternalAlerts external;
    private final AlertPaging paging;
    /**
     * How many times each organisation left this node (another node serves it now): a read for a
     * take-up begun before is not acted on. Alert thread.
     */
    private final Map<String, Integer> handOvers = new HashMap<>();
    /** The organisations whose {@link #takeUpLeftBehind} read is under way, or was made within {@link #LEFT_BEHIND_EVERY}. */
    private final Map<String, Instant> leftBehindReads = new ConcurrentHashMap<>();
    /** The organisations whose take-up ({@link #takeUpStoredAlerts}) has not read the store yet. Alert thread. */
    private final Set<String> takingUp = new HashSet<>();
    /** Whether this node serves an organisation now: the cluster's leases, once {@link #servesWhile} says. */
    private volatile Predicate<String> serves = org -> true;

    public AlertService(
            AlertStore store,
            CareService care,
            AuditTrail audit,
            WebhookNotifier webhooks,
            AlertPaging paging,
            Clock clock,
            EscalationPolicy policy,
            boolean alertOnCheckIn,
            MeterRegistry meters,
            NodeThreads threads) {
        this(store, care, audit, webhooks, paging, clock, policy, alertOnCheckIn, meters, threads, TICK);
    }

    /** With {@code tick} null, deadlines fall due only when {@link #tickNow()} is called (tests). */
    AlertService(
            AlertStore store,
            CareService care,
            AuditTrail audit,
            WebhookNotifier webhooks,
            AlertPaging paging,
            Clock clock,
            EscalationPolicy policy,
            boolean alertOnCheckIn,
            MeterRegistry meters,
            NodeThreads threads,
            @Nullable Duration tick) {
        this.thread = new AlertThread(threads);
        this.startedAt = clock.instant();
        this.store = store;
        this.clock = clock;
        this.delivery = new AlertDelivery(audit);
        this.metrics = new AlertMetrics(meters);
        this.paging = paging;
        this.escalator = new Escalator(delivery, metrics, paging);
        this.publisher = new AlertPublisher(store, delivery, audit, webhooks, paging, clock, thread);
        this.lanes = new PressLanes();
        this.intake = new AlertIntake(
                book, store, care, escalator, publisher, audit, metrics, clock, policy, alertOnCheckIn, thread, lanes);
        this.requests = new AlertRequests(book, delivery, publisher, metrics, audit, clock, thread);
        this.standIn = new StandInRaises(store, care, audit, metrics, clock, policy, lanes);
        this.audit = audit;
        this.external = new ExternalAlerts(book, store, intake, publisher, audit, clock, thread);
        if (tick != null) {
            thread.every(tick, this::tick);
        }
    }

    // ---- between nodes -------------------------------------------------------------------------

    /**
     * Which organisations this node serves (the cluster's leases): a read for a take-up (an
     * adoption, the organisation's open alerts, those left behind) is acted on only while it still
     * serves the organisation when the answer comes, checked on the alert thread after any
     * hand-over queued before. Until called, every organisation.
     */
    public void servesWhile(Predicate<String> serves) {
        this.serves = java.util.Objects.requireNonNull(serves, "serves");
    }

    /** Whether this node still serves {@code org}, and has not handed it over since {@code handOversThen}. */
    private boolean stillServes(String org, int handOversThen) {
        return handOvers(org) == handOversThen && serves.test(org);
    }

    /**
     * Takes up the open alerts of organisation {@code org} the store holds (this node now serves
     * it: a restart, or the node that served it died): their escalation goes on from the tier and
     * deadlines stored, and responders get them on connect.
     *
     * <p>When another node was serving the organisation (this node has been running for a while,
     * and the store held open alerts of it or the journal held its rooms: {@code roomsTakenUp}), its
     * responders are reconnecting here, and get the {@link Escalator#RECONNECT_GRACE}, from now.
     * A first claim of an organisation nobody served, or a node that just started, gets none.
     */
    public void takeUpStoredAlerts(String org, CompletionStage<Integer> roomsTakenUp) {
        Instant at = clock.instant();
        boolean serving = !at.isBefore(startedAt.plus(Escalator.RECONNECT_GRACE));
        roomsTakenUp.thenAccept(rooms -> {
            if (serving && rooms > 0) {
                thread.run(() -> escalator.takenUp(org, at));
            }
        });
        thread.run(() -> {
            takingUp.add(org);
            readTakeUp(org, at, serving, 1, handOvers(org));
        });
    }

    /** Reads the organisation's open alerts for {@link #takeUpStoredAlerts}; a failed read is tried again. */
    private void readTakeUp(String org, Instant at, boolean serving, int attempt, int handOversThen) {
        if (!stillServes(org, handOversThen)) {
            return; // handed over meanwhile (which ended this take-up's mark): the serving node takes them up
        }
        store.unclosed(org)
                .whenComplete((stored, failure) -> thread.run(() -> {
                    if (!stillServes(org, handOversThen)) {
                        return; // this node serves it no more: the node that does takes them up
                    }
                    if (failure != null) {
                        boolean again = attempt < STORE_READS;
                        if (!again) {
                            takingUp.remove(org); // the cluster's check takes them up, as left behind
                        }
                        log.warn(
                                "stored alerts not read org={} attempt={} ({}){}",
                                org,
                                attempt,
                                failure.getClass().getSimpleName(),
                                again ? "; again in " + backoff(attempt).toMillis() + " ms" : "; no more tries");
                        if (again) {
                            thread.schedule(
                                    () -> readTakeUp(org, at, serving, attempt + 1, handOversThen), backoff(attempt));
                        }
                        return;
                    }
                    takingUp.remove(org);
                    if (serving && !stored.isEmpty()) {
                        escalator.takenUp(org, at);
                    }
                    int taken = 0;
                    for (StoredAlert s : stored) {
                        if (!book.contains(s.view().id())) {
                            book.add(DistressAlert.restore(s));
                            taken++;
                        }
                    }
                    if (taken > 0) {
                        log.info("took up stored alerts count={}", taken);
                    }
                }));
    }

    @Override
    public CompletionStage<StandIn.Raised> raise(
            Principal client, ClientMessage.AlertRaise raise, String connection, StandIn.Seen seen) {
        return standIn.raise(client, raise, connection, seen);
    }

    /** Whether this node holds alert {@code id} among its alerts (tests). */
    CompletableFuture<Boolean> holds(String id) {
        CompletableFuture<Boolean> held = new CompletableFuture<>();
        thread.run(() -> held.complete(book.contains(id)));
        return held;
    }

    /** How many clients have a press waiting to be stored on this node (tests: nothing is kept after). */
    int heldPresses() {
        return lanes.size();
    }

    /**
     * Adopts an alert a stand-in stored while this node was silent (it was slow, not dead) or before
     * it took the organisation up: it joins this node's alerts, reaches its tiers' responders
     * connected here and is escalated from then on. An alert this node holds already is left as is.
     */
    @Override
    public void adopt(String org, String alertId) {
        thread.run(() -> adopt(org, alertId, 1, handOvers(org)));
    }

    /**
     * Reads the stood-in alert and takes it up; a read that fails is tried again (backing off from
     * {@link #STORE_BACKOFF}) while the organisation does not leave this node, up to {@link #STORE_READS} reads.
     * Past them, the alert is overdue within its acknowledgement time-out, and the cluster's check
     * takes it up ({@link #takeUpLeftBehind}).
     */
    private void adopt(String org, String alertId, int attempt, int handOversThen) {
        if (book.contains(alertId) || !stillServes(org, handOversThen)) {
            return;
        }
        store.find(org, alertId)
                .whenComplete((stored, failure) -> thread.run(() -> {
                    if (failure != null) {
                        boolean again = attempt < STORE_READS && stillServes(org, handOversThen);
                        log.warn(
                                "stood-in alert not read alert={} org={} attempt={} ({}){}",
                                alertId,
                                org,
                                attempt,
                                failure.getClass().getSimpleName(),
                                again ? "; again in " + backoff(attempt).toMillis() + " ms" : "; no more tries");
                        if (again) {
                            thread.schedule(() -> adopt(org, alertId, attempt + 1, handOversThen), backoff(attempt));
                        }
                        return;
                    }
                    if (stored.isPresent() && !book.contains(alertId) && stillServes(org, handOversThen)) {
                        takeUp(stored.get(), "adopted an alert raised by a stand-in");
                    }
                }));
    }

    /**
     * Takes up the open alerts of organisation {@code org}, which this node serves, that the store
     * holds and this node does not. The cluster's check calls it when the store says one of the
     * organisation's deadlines is overdue, which no alert this node escalates stays for long: such an
     * alert was left behind, because reading it failed (its adoption, or the take-up of the
     * organisation). At most one read per organisation every {@link #LEFT_BEHIND_EVERY}, and none
     * while the organisation's own take-up is reading them (it gives the reconnect grace).
     */
    public void takeUpLeftBehind(String org) {
        Instant now = clock.instant();
        boolean[] due = {false};
        leftBehindReads.compute(org, (o, last) -> {
            if (last != null && last.plus(LEFT_BEHIND_EVERY).isAfter(now)) {
                return last; // read lately, or being read
            }
            due[0] = true;
            return now;
        });
        if (!due[0]) {
            return;
        }
        thread.run(() -> {
            if (takingUp.contains(org)) {
                return; // its take-up is reading them, with the reconnect grace
            }
            int handOversThen = handOvers(org);
            store.unclosed(org)
                    .whenComplete((stored, failure) -> thread.run(() -> {
                        if (failure != null || !stillServes(org, handOversThen) || takingUp.contains(org)) {
                            return;
                        }
                        for (StoredAlert s : stored) {
                            if (s.org().equals(org)
                                    && !book.contains(s.view().id())
                                    && stillServes(org, handOversThen)) {
                                takeUp(s, "took up an alert left behind");
                            }
                        }
                    }));
        });
    }

    /** An open alert from the store joins this node's alerts, reaches its tiers and goes to those connected. */
    private void takeUp(StoredAlert stored, String why) {
        DistressAlert a = DistressAlert.restore(stored);
        if (!a.state().isOpen()) {
            return;
        }
        book.add(a);
        escalator.reach(a, 0, clock.instant());
        publisher.save(a);
        delivery.push(a, AlertReason.RAISED, clock.instant());
        log.info("{} alert={} org={}", why, a.id, a.org());
    }

    private int handOvers(String org) {
        return handOvers.getOrDefault(org, 0);
    }

    /** The wait after {@code attempts} failed reads: {@link #STORE_BACKOFF}, doubled each time, at most {@link #STORE_BACKOFF_MAX}. */
    private static Duration backoff(int attempts) {
        Duration wait = STORE_BACKOFF.multipliedBy(1L << Math.min(attempts - 1, 10));
        return wait.compareTo(STORE_BACKOFF_MAX) > 0 ? STORE_BACKOFF_MAX : wait;
    }

    /**
     * The organisations with an alert whose deadline passed more than {@link #OVERDUE_AFTER} ago
     * (from the store's sorted set of deadlines): the node serving each should have acted by then,
     * so it died (or nobody serves it). A node takes them up, by the organisation's lease.
     */
    public CompletionStage<Set<String>> organisationsOverdue() {
        return store.overdue(clock.instant().minus(OVERDUE_AFTER), 100);
    }

    /**
     * Another node serves organisation {@code org} now: its alerts leave this node (they are in the
     * store, where that node takes them up); one not yet stored stays here and is retried.
     */
    public void handOver(String org) {
        thread.run(() -> {
            handOvers.merge(org, 1, Integer::sum);
            takingUp.remove(org);
            book.removeIf(a -> {
                boolean leaves = a.client.org().equals(org) && !publisher.isUnstored(a.id);
                if (leaves) {
                    paging.stop(a.id); // its pages still to come are the serving node's to send
                }
                return leaves;
            });
        });
    }

    // ---- sources -------------------------------------------------------------------------------

    /** The client's help button. Answers with the alert id, crisis resources and coping steps. */
    public void raiseByClient(Request<ClientMessage.AlertRaise> r) {
        intake.raiseByClient(r);
    }

    /** A clinician flags distress they observed. */
    public void flag(Request<ClientMessage.AlertFlag> r) {
        intake.flag(r);
    }

    /** A missing or declined check-in where one is required: a low-severity alert, when configured. */
    public void raiseForCheckIn(UserRef client, @Nullable String clientName, String room, Source source) {
        intake.raiseForCheckIn(client, clientName, room, source);
    }

    @Override
    public void coverageLost(UserRef client, String room) {
        intake.coverageLost(client, room);
    }

    @Override
    public void movedToBreakout(String alertId, UserRef by, String breakout) {
        intake.movedToBreakout(alertId, by, breakout);
    }

    /** The client checked in: low-severity check-in alerts for that room close themselves. */
    @Override
    public void checkedIn(UserRef client, String room) {
        intake.checkedIn(client, room);
    }

    @Override
    public void checkInDeclined(UserRef client, @Nullable String clientName, String room) {
        intake.raiseForCheckIn(client, clientName, room, Source.CHECK_IN_DECLINED);
    }

    /** The display name of a user, remembered from their token, for alerts about them. */
    public void nameOf(UserRef user, @Nullable String name) {
        intake.nameOf(user, name);
    }

    // ---- responders ----------------------------------------------------------------------------

    /** A care-team connection authenticated: it receives every open alert it may see. */
    public void responderConnected(Principal p, Connection connection, PresenceStatus status) {
        if (!p.role().isCareTeam()) {
            return;
        }
        thread.run(() -> {
            AlertDelivery.Responder r = new AlertDelivery.Responder(
                    new UserRef(p.org(), p.user()), p.role(), p.rooms(), connection, status);
            delivery.add(r);
            Instant now = clock.instant();
            for (DistressAlert a : book.all()) {
                if (!a.org().equals(p.org())) {
                    continue;
                }
                if (escalator.reachLateResponder(a, r, now)) {
                    publisher.save(a);
                    publisher.webhook(a, "alert.delivered");
                }
                if (a.state().isOpen() && AlertDelivery.canSee(r, a)) {
                    a.target(p.user());
                    delivery.pushTo(r, a, AlertReason.OPEN, now);
                }
                if (a.state() == State.FOLLOW_UP_DUE
                        && p.user().equals(a.status().resolvedBy())) {
                    connection.send(Outbound.urgent(new ServerMessage.FollowUpDue(
                            a.id, a.client.user(), a.status().followUpDueAt())));
                }
            }
        });
    }

    /** A responder's token was refreshed: its grants (what it may see) are those of the new token. */
    public void responderRefreshed(Principal p, Connection connection) {
        if (!p.role().isCareTeam()) {
            return;
        }
        thread.run(() -> {
            AlertDelivery.Responder old = delivery.responder(connection.id());
            PresenceStatus status = old != null ? old.status : PresenceStatus.AVAILABLE;
            delivery.add(new AlertDelivery.Responder(
                    new UserRef(p.org(), p.user()), p.role(), p.rooms(), connection, status));
        });
    }

    public void responderDisconnected(Connection connection) {
        thread.run(() -> {
            AlertDelivery.Responder r = delivery.responder(connection.id());
            if (r != null) {
                escalator.departed(r, clock.instant());
            }
            delivery.remove(connection.id());
        });
    }

    /**
     * A responder's presence changed. One who is now in a tier an open alert has reached (a clinician
     * who went on call after connecting, as everyone does after a reconnect) is told of it at once,
     * and becomes one of its targets; an undelivered alert counts as delivered again.
     */
    public void statusChanged(UserRef user, PresenceStatus status) {
        thread.run(() -> {
            delivery.setStatus(user, status);
            List<AlertDelivery.Responder> connections = new ArrayList<>();
            for (AlertDelivery.Responder r : delivery.responders(user.org())) {
                if (r.user.equals(user)) {
                    connections.add(r);
                }
            }
            if (connections.isEmpty()) {
                return;
            }
            Instant now = clock.instant();
            for (DistressAlert a : book.all()) {
                if (!a.org().equals(user.org())
                        || !a.state().isOpen()
                        || a.isTarget(user.user())
                        || !escalator.inReachedTiers(connections.get(0), a)) {
                    continue;
                }
                if (escalator.reachLateResponder(a, connections.get(0), now)) {
                    publisher.save(a);
                    publisher.webhook(a, "alert.delivered");
                } else {
                    a.target(user.user());
                    publisher.save(a); // a target now: the node that takes the organisation over knows it too
                }
                for (AlertDelivery.Responder r : connections) {
                    delivery.pushTo(r, a, AlertReason.OPEN, now);
                }
            }
        });
    }

    /** The client's last connection is gone: an open alert of theirs is marked and escalated now. */
    public void clientDisconnected(UserRef client) {
        thread.run(() -> {
            Instant now = clock.instant();
            for (DistressAlert a : book.all()) {
                if (a.client.equals(client) && a.state().isOpen() && a.severity() != Severity.LOW) {
                    a.remember("system", Alerts.HistoryEvent.CLIENT_DISCONNECTED, null, now);
                    escalate(a, now, "client disconnected");
                }
            }
        });
    }

    // ---- the server API (on the node serving the organisation) -----------------------------------

    /** An alert raised by a program's system: a new alert, or the client's open one joined. */
    public CompletionStage<ExternalAlerts.Raised> raiseByService(ServiceRaise raise) {
        return external.raise(raise);
    }

    /** One alert of {@code org}, whole (open here, or closed and read from the store). */
    public CompletionStage<Alerts.View> read(String org, String alertId) {
        return external.read(org, alertId);
    }

    /** The organisation's alerts this node carries, newest first, filtered and paged. */
    public CompletionStage<ExternalAlerts.Page> list(String org, ExternalAlerts.Query query) {
        return external.list(org, query);
    }

    /** A step a service takes on an open alert in a clinician's name; the alert as it stands after. */
    public CompletionStage<Alerts.View> actAs(
            String org,
            String alertId,
            ExternalAlerts.Step step,
            String clinician,
            String service,
            Alerts.@Nullable Outcome outcome,
            @Nullable String note) {
        return external.act(org, alertId, step, clinician, service, outcome, note);
    }

    // ---- requests ----------------------------------------------------------------------------

    /** Registers the alert feature's request handlers. */
    public void register(Handlers handlers) {
        handlers.on(ClientMessage.AlertRaise.class, this::raiseByClient)
                .on(ClientMessage.AlertFlag.class, this::flag)
                .on(ClientMessage.AlertConfirm.class, requests::confirm)
                .on(ClientMessage.AlertAcknowledge.class, requests::acknowledge)
                .on(ClientMessage.AlertEngage.class, requests::engage)
                .on(ClientMessage.AlertAction.class, requests::action)
                .on(ClientMessage.AlertResolve.class, requests::resolve)
                .on(ClientMessage.AlertFollowUp.class, requests::followUp)
                .on(ClientMessage.AlertList.class, requests::list);
    }

    // ---- time ----------------------------------------------------------------------------------

    /** Runs one tick on the alert thread now (tests built with no automatic tick); completes once done. */
    CompletableFuture<Void> tickNow() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        thread.run(() -> {
            tick();
            done.complete(null);
        });
        return done;
    }

    /** Deadlines that fell due, re-deliveries, and alerts to store again. Alert thread. */
    private void tick() {
        Instant now = clock.instant();
        metrics.countStates(book.view(), DistressAlert::state);
        for (DistressAlert a : book.all()) {
            switch (AlertLifecycle.due(a.status(), now)) {
                case ACKNOWLEDGEMENT -> escalate(a, now, "no acknowledgement");
                case ENGAGEMENT -> {
                    a.apply(AlertLifecycle.engagementTimedOut(a.status()), now);
                    escalate(a, now, "engagement time-out");
                }
                case FOLLOW_UP -> {
                    a.apply(AlertLifecycle.followUpDue(a.status()), now);
                    publisher.changed(a, AlertReason.UPDATED, null);
                    remindFollowUp(a);
                }
                case NOTHING -> {}
            }
        }
        escalator.expireGraces(now);
        for (DistressAlert a : book.all()) {
            if (escalator.goOnAfterGrace(a, now)) {
                audit.record(new AuditEvent(
                        a.org(),
                        AuditEvent.SYSTEM,
                        "alert.escalate",
                        "alert:" + a.id,
                        "ok",
                        Map.of("tier", a.tier().wire(), "why", "nobody back after the grace")));
                publisher.changed(a, AlertReason.ESCALATED, a.undelivered() ? "alert.undelivered" : "alert.escalated");
            }
        }
        delivery.redeliver(now, book::get);
        publisher.storeAgain(book::contains);
        Instant closedBefore = now.minus(CLOSED_KEPT);
        book.removeIf(a -> a.state() == State.CLOSED
                && a.updatedAt().isBefore(closedBefore)
                && !publisher.isUnstored(a.id)
                && !publisher.isSaving(a.id));
    }

    private void escalate(DistressAlert a, Instant now, String why) {
        boolean becameUndelivered = escalator.escalate(a, now, why);
        audit.record(new AuditEvent(
                a.org(),
                AuditEvent.SYSTEM,
                "alert.escalate",
                "alert:" + a.id,
                "ok",
                Map.of("tier", a.tier().wire(), "why", why)));
        publisher.changed(a, AlertReason.ESCALATED, "alert.escalated");
        if (becameUndelivered) {
            publisher.webhook(a, "alert.undelivered");
        }
    }

    private void remindFollowUp(DistressAlert a) {
        for (AlertDelivery.Responder r : delivery.responders(a.org())) {
            if (r.user.user().equals(a.status().resolvedBy())) {
                r.connection.send(Outbound.urgent(new ServerMessage.FollowUpDue(
                        a.id, a.client.user(), a.status().followUpDueAt())));
            }
        }
    }

    @Override
    public void close() {
        thread.close();
    }
}
