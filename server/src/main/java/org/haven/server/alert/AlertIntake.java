package org.haven.server.alert;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.haven.protocol.Alerts;
import org.haven.protocol.Alerts.Severity;
import org.haven.protocol.Alerts.Source;
import org.haven.protocol.Alerts.State;
import org.haven.protocol.Care;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.protocol.ServerMessage.AlertReason;
import org.haven.server.audit.AuditEvent;
import org.haven.server.audit.AuditTrail;
import org.haven.server.auth.Principal;
import org.haven.server.care.CareService;
import org.haven.server.care.CareSnapshot;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.haven.server.presence.UserRef;
import org.haven.server.request.Reply;
import org.haven.server.request.Request;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where alerts come from, and how repeats join the open one: a client's help button, a clinician's
 * flag, a missing or declined check-in, lost coverage. A new alert carries a snapshot of the
 * client's care record (check-in, contacts, plan, risk) taken when it is raised; it starts at its
 * first tier and is stored before the raiser is told "received". A repeat (the same client pressing
 * again, a clinician flagging a client with an open alert) adds a press to the open alert and may
 * raise its severity, never lower it. A help press counts at least at the floor of the client's
 * known risk ({@link RiskFloor}), whether it makes the alert or joins it.
 *
 * <p>Threading: the public entry points may be called from any thread; all work happens on the
 * alert thread.
 */
final class AlertIntake {

    private static final Logger log = LoggerFactory.getLogger(AlertIntake.class);

    private final AlertBook book;
    private final AlertStore store;
    private final CareService care;
    private final Escalator escalator;
    private final AlertPublisher publisher;
    private final AuditTrail audit;
    private final AlertMetrics metrics;
    private final Clock clock;
    private final EscalationPolicy policy;
    private final boolean alertOnCheckIn;
    private final AlertThread thread;
    private final PressLanes lanes;
    private final AlertCare careLater;
    /**
     * The display names of users seen on this node, for alerts raised for them elsewhere: bounded
     * in bytes (a name comes from a token, which bounds nothing), the least recently used going
     * first, each gone a day after it was last written (a user's next connection writes it again).
     */
    private final Cache<UserRef, String> names = Caffeine.newBuilder()
            .maximumWeight(NAMES_BYTES)
            .weigher((UserRef u, String name) ->
                    96 + 2 * (u.org().length() + u.user().length() + name.length()))
            .expireAfterWrite(Duration.ofDays(1))
            .build();

    /** The bytes of display names a node remembers, at most. */
    static final long NAMES_BYTES = 16L * 1024 * 1024;

    AlertIntake(
            AlertBook book,
            AlertStore store,
            CareService care,
            Escalator escalator,
            AlertPublisher publisher,
            AuditTrail audit,
            AlertMetrics metrics,
            Clock clock,
            EscalationPolicy policy,
            boolean alertOnCheckIn,
            AlertThread thread,
            PressLanes lanes) {
        this.book = book;
        this.store = store;
        this.care = care;
        this.escalator = escalator;
        this.publisher = publisher;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
        this.policy = policy;
        this.alertOnCheckIn = alertOnCheckIn;
        this.thread = thread;
        this.lanes = lanes;
        this.careLater = new AlertCare(care, escalator, publisher, audit, clock, thread);
    }

    /** The display name of a user, remembered from their token, for alerts about them. Any thread. */
    void nameOf(UserRef user, @Nullable String name) {
        if (name != null) {
            names.put(user, name);
        }
    }

    /** The client's help button. Answers with the alert id, crisis resources and coping steps. */
    void raiseByClient(Request<ClientMessage.AlertRaise> r) {
        Principal caller = r.principal();
        ClientMessage.AlertRaise m = r.message();
        if (caller.role() != Role.CLIENT) {
            r.reply().refuse(ErrorCode.FORBIDDEN, "the help button is for clients; clinicians flag");
            return;
        }
        if (m.room() != null && !caller.isGranted(m.room())) {
            r.reply().refuse(ErrorCode.FORBIDDEN, "the token does not grant this room");
            return;
        }
        UserRef client = new UserRef(caller.org(), caller.user());
        Severity severity = m.severity() != null ? m.severity() : Severity.HIGH;
        Alerts.Kind kind = m.kind() != null ? m.kind() : Alerts.Kind.OTHER;
        pressed(new Raise(
                idOfPress(r.connection().id(), m.id()),
                client,
                caller.name(),
                m.room(),
                Source.HELP_BUTTON,
                kind,
                severity,
                caller.user(),
                null,
                r.reply(),
                true,
                r.connection()));
    }

    /**
     * The id of the alert a help press on connection {@code connection} (its id on the node holding
     * it) with request id {@code request} makes: the same on the node serving the organisation and on
     * a {@link StandIn} for it, so that the press makes one alert whichever stores it first.
     */
    static String idOfPress(String connection, String request) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((connection + "\n" + request).getBytes(StandardCharsets.UTF_8));
            return "a-" + Long.toHexString(ByteBuffer.wrap(digest).getLong() & Long.MAX_VALUE);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A clinician flags distress they observed. */
    void flag(Request<ClientMessage.AlertFlag> r) {
        Principal caller = r.principal();
        ClientMessage.AlertFlag m = r.message();
        if (!caller.role().isCareTeam()) {
            r.reply().refuse(ErrorCode.FORBIDDEN, "only the care team flags distress");
            return;
        }
        UserRef client = new UserRef(caller.org(), m.client());
        if (!care.mayReadInRoom(caller, client, m.room())) {
            r.reply().refuse(ErrorCode.FORBIDDEN, "the client is not in a room you are granted");
            return;
        }
        pressed(new Raise(
                null,
                client,
                null,
                m.room(),
                Source.CLINICIAN_FLAG,
                m.kind(),
                m.severity(),
                caller.user(),
                m.note(),
                r.reply(),
                false,
                null));
    }

    /**
     * A program's system raised an alert through the server API, as service {@code by}: a new alert
     * from source {@code external}, or a press joining the client's open alert (as a clinician's
     * flag would; the client's risk floor is a help press's only). Answered on {@code reply} as a
     * flag is: {@code alert.received} with the alert, once it is stored.
     */
    void raiseExternal(
            UserRef client,
            @Nullable String room,
            Alerts.Kind kind,
            Severity severity,
            String by,
            @Nullable String note,
            Reply reply) {
        pressed(new Raise(null, client, null, room, Source.EXTERNAL, kind, severity, by, note, reply, false, null));
    }

    /** A missing or declined check-in where one is required: a low-severity alert, when configured. */
    void raiseForCheckIn(UserRef client, @Nullable String clientName, String room, Source source) {
        if (!alertOnCheckIn) {
            return;
        }
        thread.run(() -> {
            for (DistressAlert a : book.view()) {
                if (a.client.equals(client) && a.state().isOpen() && a.source == source && room.equals(a.room)) {
                    return; // one open alert per client, room and reason is enough
                }
            }
            open(new Raise(
                    null,
                    client,
                    clientName,
                    room,
                    source,
                    Alerts.Kind.OTHER,
                    Severity.LOW,
                    "system",
                    null,
                    Reply.none(),
                    false,
                    null));
        });
    }

    /** Clients were left alone in {@code room}: a high-severity coverage alert, on-call first. */
    void coverageLost(UserRef client, String room) {
        thread.run(() -> open(new Raise(
                null,
                client,
                null,
                room,
                Source.COVERAGE,
                Alerts.Kind.OTHER,
                Severity.HIGH,
                "system",
                null,
                Reply.none(),
                false,
                null)));
    }

    /** A facilitator moved the client into a breakout for this alert: recorded on it, once per breakout. */
    void movedToBreakout(String alertId, UserRef by, String breakout) {
        thread.run(() -> {
            DistressAlert a = book.get(alertId);
            if (a == null || !a.org().equals(by.org()) || !a.state().isOpen()) {
                return;
            }
            String key = "breakout-" + breakout;
            if (a.action(key) != null) {
                return;
            }
            Instant now = clock.instant();
            a.addAction(new Alerts.Action(Alerts.ActionType.MOVED_TO_BREAKOUT, key, by.user(), now, null));
            a.changed(now, by.user(), Alerts.HistoryEvent.ACTION, "moved_to_breakout");
            publisher.changed(a, AlertReason.UPDATED, null);
        });
    }

    /**
     * The client checked in: low-severity check-in alerts for that room close themselves, and an open
     * alert of the client raised without a location gets it now.
     */
    void checkedIn(UserRef client, String room) {
        thread.run(() -> {
            Instant now = clock.instant();
            for (DistressAlert a : book.all()) {
                if (a.client.equals(client) && a.state().isOpen() && a.care().checkIn() == null) {
                    careLater.readNow(a);
                }
                if (a.client.equals(client)
                        && room.equals(a.room)
                        && a.state() == State.RAISED
                        && a.severity() == Severity.LOW
                        && (a.source == Source.CHECK_IN_MISSING || a.source == Source.CHECK_IN_DECLINED)) {
                    AlertLifecycle.Transition t = AlertLifecycle.checkedIn(a.status());
                    a.apply(t, now);
                    publisher.changed(a, AlertReason.UPDATED, t.webhook());
                }
            }
        });
    }

    /** One raise: about whom, from where, by whom, and the answer to the raiser (none for automatic sources). */
    private record Raise(
            @Nullable String id,
            UserRef client,
            @Nullable String clientName,
            @Nullable String room,
            Source source,
            Alerts.Kind kind,
            Severity severity,
            String by,
            @Nullable String note,
            Reply reply,
            boolean byClient,
            @Nullable Connection asker) {}

    /**
     * Open alerts of the client the store holds and this node does not (it is taking the
     * organisation up, or a stand-in stored them): held now, so a press joins them instead of making
     * a second alert. One nobody was told of yet (a stand-in's) reaches its first tier. Alert thread.
     */
    private void holdStored(List<StoredAlert> stored, Instant now) {
        for (StoredAlert s : stored) {
            if (book.contains(s.view().id())) {
                continue;
            }
            DistressAlert a = DistressAlert.restore(s);
            if (!a.state().isOpen()) {
                continue;
            }
            book.add(a);
            if (s.targets().isEmpty()) {
                escalator.reach(a, 0, now);
            }
            log.info("a press found the client's open alert in the store alert={} org={}", a.id, a.org());
        }
    }

    /**
     * A raise that joins the client's open alert (a help press, a clinician's flag): taken after the
     * client's press before it on this node is stored ({@link PressLanes}), so it finds that alert.
     */
    private void pressed(Raise r) {
        publisher.answerBy(r.reply()); // the raiser's one deadline, from now, however long it waits
        lanes.enter(r.client(), () -> open(r), stored -> CompletableFuture.completedFuture(null));
    }

    /** Raises {@code r}, or joins it to the client's open alert; completes once that is stored (or not). */
    private CompletableFuture<Void> open(Raise r) {
        CompletableFuture<Void> settled = new CompletableFuture<>();
        CompletableFuture<List<StoredAlert>> inStore = store.unclosedOf(
                        r.client().org(), r.client().user())
                .toCompletableFuture()
                .completeOnTimeout(List.of(), AlertPublisher.STORE_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(e -> List.of());
        care.snapshot(r.client(), r.room(), AlertPublisher.STORE_WAIT)
                .whenComplete((snapshot, failure) -> inStore.thenAccept(stored -> thread.run(() -> {
                    CareSnapshot known = failure == null ? snapshot : CareSnapshot.NONE;
                    if (failure != null) {
                        log.warn("care snapshot unavailable client={}", r.client());
                    }
                    Instant now = clock.instant();
                    holdStored(stored, now);
                    DistressAlert adopted = r.id() == null ? null : book.get(r.id());
                    if (adopted != null && adopted.state().isOpen()) {
                        answer(adopted, r, known); // a stand-in stored this very press, and this node adopted it
                        settled.complete(null);
                        return;
                    }
                    DistressAlert existing = book.openAlertOf(r.client(), r.source());
                    if (existing != null) {
                        Severity before = existing.severity();
                        existing.pressedAgain(
                                r.severity(),
                                r.by(),
                                r.source() == Source.CLINICIAN_FLAG || r.source() == Source.EXTERNAL
                                        ? Alerts.HistoryEvent.FLAGGED
                                        : Alerts.HistoryEvent.PRESSED_AGAIN,
                                now);
                        if (r.note() != null) { // a flag's or a system's words join with it, while it keeps actions
                            existing.addActionWithin(new Alerts.Action(
                                    Alerts.ActionType.NOTE, "note-" + randomId(), r.by(), now, r.note()));
                        }
                        if (existing.careFound(known)) { // the press read the record afresh
                            existing.changed(now, "system", Alerts.HistoryEvent.CARE_UPDATED, null);
                        }
                        // The press counts at least at the floor of the risk the alert carries.
                        Care.Risk risk = r.source() == Source.HELP_BUTTON
                                ? existing.care().risk()
                                : null;
                        if (risk != null) {
                            existing.liftToRiskFloor(risk, now);
                        }
                        boolean climbed = careLater.severityRose(existing, before, now);
                        publisher
                                .pushAndSave(
                                        existing,
                                        climbed ? AlertReason.ESCALATED : AlertReason.UPDATED,
                                        r.reply(),
                                        () -> {
                                            answer(existing, r, known);
                                            if (climbed) {
                                                publisher.webhook(existing, "alert.escalated");
                                            }
                                        })
                                .whenComplete((v, e) -> settled.complete(null));
                        return;
                    }
                    // A client's press counts at least at the floor of their known risk.
                    Care.Risk risk = r.source() == Source.HELP_BUTTON ? known.risk() : null;
                    Severity severity = RiskFloor.apply(r.severity(), risk);
                    DistressAlert alert = new DistressAlert(
                            r.id() != null && adopted == null ? r.id() : "a-" + randomId(),
                            r.client(),
                            r.clientName() != null ? r.clientName() : names.getIfPresent(r.client()),
                            r.room(),
                            r.source(),
                            r.kind(),
                            severity,
                            policy,
                            known,
                            now);
                    alert.raisedBy(r.by(), now);
                    if (risk != null && severity != r.severity()) {
                        alert.raisedForRisk(r.severity(), risk.level(), now);
                    }
                    if (r.note() != null) {
                        alert.addAction(new Alerts.Action(Alerts.ActionType.NOTE, "note-raise", r.by(), now, r.note()));
                    }
                    book.add(alert);
                    metrics.raised(severity);
                    escalator.start(alert, now);
                    audit.record(new AuditEvent(
                            alert.org(),
                            r.by(),
                            "alert.raise",
                            "alert:" + alert.id,
                            "ok",
                            Map.of(
                                    "client",
                                    r.client().toString(),
                                    "severity",
                                    severity.name(),
                                    "source",
                                    r.source().name())));
                    // The severity raised, not the one pressed: a log line must not tell a client's risk.
                    log.info(
                            "alert raised alert={} org={} severity={} source={} tier={}",
                            alert.id,
                            r.client().org(),
                            severity,
                            r.source(),
                            alert.tier().wire());
                    // The responders are told now; the raiser once it is stored.
                    publisher
                            .pushAndSave(alert, AlertReason.RAISED, r.reply(), () -> {
                                answer(alert, r, known);
                                publisher.webhook(alert, "alert.raised");
                                if (alert.undelivered()) {
                                    publisher.webhook(alert, "alert.undelivered");
                                }
                            })
                            .whenComplete((v, e) -> settled.complete(null));
                    if (known.lacksAny(alert.room != null)) {
                        careLater.complete(alert);
                    }
                })));
        return settled;
    }

    /** The raiser is told "received": a client with crisis resources for where they are, and coping steps. */
    private void answer(DistressAlert alert, Raise r, CareSnapshot known) {
        if (r.reply().isAnswered()) {
            return; // told to call the crisis line already: the store answered after the deadline
        }
        var resources =
                r.byClient() ? care.crisisResources(alert.org(), known.checkIn()) : List.<Care.CrisisResource>of();
        var coping = r.byClient() ? known.copingSteps() : List.<String>of();
        r.reply().ok(new Result.AlertReceived(alert.id, alert.state(), resources, coping));
        if (r.asker() != null
                && r.room() != null
                && known.checkIn() == null
                && alert.care().checkIn() == null
                && care.requiresCheckIn(alert.org())) {
            // Nobody knows where the client is (a failure lost the check-in): ask them again; the
            // check-in then reaches the alert (checkedIn).
            r.asker().send(Outbound.urgent(new ServerMessage.CheckInRequested(r.room())));
        }
    }

    static String randomId() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }
}
