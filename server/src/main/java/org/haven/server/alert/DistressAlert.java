package org.haven.server.alert;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.haven.protocol.Alerts;
import org.haven.protocol.Alerts.Severity;
import org.haven.protocol.Alerts.State;
import org.haven.protocol.Care;
import org.haven.server.care.CareSnapshot;
import org.haven.server.presence.UserRef;
import org.jspecify.annotations.Nullable;

/**
 * One alert's live state. Its lifecycle changes only by {@link #apply applying} a transition
 * decided by {@link AlertLifecycle}; its tier and targets only by the {@link Escalator}. Every change
 * seen by responders bumps {@link #version()} and adds a history line (repeated presses excepted:
 * {@link #pressedAgain}; and repeated events past {@link #MAX_REPEATED_LINES}); responders confirm
 * versions. It keeps at most {@link #MAX_ACTIONS} actions others add.
 *
 * <p>Threading: confined to the alert thread: transitions are serialised (two clinicians
 * acknowledging at once: the first wins).
 */
final class DistressAlert {

    /** How often one presser's repeated presses add a history line, at most (see {@link #pressedAgain}). */
    static final java.time.Duration PRESS_LINE_INTERVAL = java.time.Duration.ofMinutes(1);

    /**
     * How many history lines an alert keeps of the events that may repeat without bound while it is
     * open ({@link #REPEATED}: presses and flags joining it, responders or the client coming and
     * going, actions, the care record found): past it, such an event still changes the alert (a new
     * version, the press counted) but adds no line. Its lifecycle's lines (raised, escalated,
     * acknowledged, engaged, resolved, ...) are always added. Without it, an integrator raising for
     * the same client in a loop, or a flapping connection, grew the alert without end, and every
     * change sent it whole to every responder and saved it whole.
     */
    static final int MAX_REPEATED_LINES = 1_000;

    /** The history events counted against {@link #MAX_REPEATED_LINES}. */
    static final Set<Alerts.HistoryEvent> REPEATED = java.util.EnumSet.of(
            Alerts.HistoryEvent.PRESSED_AGAIN,
            Alerts.HistoryEvent.FLAGGED,
            Alerts.HistoryEvent.DELIVERED,
            Alerts.HistoryEvent.UNDELIVERED,
            Alerts.HistoryEvent.CLIENT_DISCONNECTED,
            Alerts.HistoryEvent.CARE_UPDATED,
            Alerts.HistoryEvent.ACTION);

    /**
     * How many actions an alert keeps that responders, flags and integrators add ({@link
     * #addActionWithin}): notes and grounding exercises repeat, and each may carry 2,000 characters.
     * The notes of its raise, resolution and follow-up are always kept.
     */
    static final int MAX_ACTIONS = 200;

    final String id;
    final UserRef client;
    final @Nullable String clientName;
    final @Nullable String room;
    final Alerts.Source source;
    final Alerts.Kind kind;
    final EscalationPolicy policy;
    final Instant raisedAt;
    private CareSnapshot care;
    private final Set<String> targets = new LinkedHashSet<>();
    private final Map<String, Alerts.Action> actions = new LinkedHashMap<>();
    private final List<Alerts.HistoryEntry> history = new ArrayList<>();

    private AlertLifecycle.Status status;
    private Severity severity;
    private long version;
    private int presses = 1;
    private int tierIndex;
    private boolean undelivered;
    private Instant updatedAt;
    /** Whether a responder has confirmed receiving this alert yet (its delivery time is measured once). */
    private boolean receiptSeen;
    /** How many lines of {@link #REPEATED} events the history holds. */
    private int repeatedLines;
    /** The last change when {@link #MAX_REPEATED_LINES} kept its line out of the history, else null. */
    private Alerts.@Nullable HistoryEntry lastChange;

    DistressAlert(
            String id,
            UserRef client,
            @Nullable String clientName,
            @Nullable String room,
            Alerts.Source source,
            Alerts.Kind kind,
            Severity severity,
            EscalationPolicy policy,
            CareSnapshot care,
            Instant now) {
        this.id = id;
        this.client = client;
        this.clientName = clientName;
        this.room = room;
        this.source = source;
        this.kind = kind;
        this.severity = severity;
        this.policy = policy;
        this.care = care;
        this.raisedAt = now;
        this.updatedAt = now;
        this.version = 1;
        this.status = AlertLifecycle.Status.raised(now.plus(policy.ackTimeout(severity)));
    }

    String org() {
        return client.org();
    }

    AlertLifecycle.Status status() {
        return status;
    }

    State state() {
        return status.state();
    }

    Severity severity() {
        return severity;
    }

    long version() {
        return version;
    }

    /** When it last changed (for a closed alert: when it was closed). */
    Instant updatedAt() {
        return updatedAt;
    }

    int tierIndex() {
        return tierIndex;
    }

    EscalationPolicy.Tier tier() {
        return policy.tiers().get(tierIndex);
    }

    boolean undelivered() {
        return undelivered;
    }

    boolean isTarget(String user) {
        return targets.contains(user);
    }

    Alerts.@Nullable Action action(String key) {
        return actions.get(key);
    }

    /** How many times it has escalated (climbed, or its acknowledgement time-out passed at the last tier). */
    int escalations() {
        int n = 0;
        for (Alerts.HistoryEntry e : history) {
            if (Alerts.HistoryEvent.ESCALATED.wire().equals(e.event())) {
                n++;
            }
        }
        return n;
    }

    /**
     * The last change (who did what last): the last history line, or the change after it that
     * {@link #MAX_REPEATED_LINES} kept out of the history.
     */
    Alerts.HistoryEntry lastEntry() {
        return lastChange != null ? lastChange : history.get(history.size() - 1);
    }

    // ---- changes -------------------------------------------------------------------------------

    /** Takes a lifecycle step decided by {@link AlertLifecycle}. */
    void apply(AlertLifecycle.Transition t, Instant now) {
        boolean moved = t.next().state() != status.state();
        status = t.next();
        change(now, t.by(), t.event(), t.detail(), moved); // a step that moves its state always has its line
    }

    /** The first line of a new alert's history (no new version: it is version 1). */
    void raisedBy(String by, Instant now) {
        history.add(new Alerts.HistoryEntry(
                now, by, Alerts.HistoryEvent.RAISED.wire(), source.name().toLowerCase(Locale.ROOT)));
    }

    /**
     * The client pressed again, or a clinician flagged the same client: one more press, severity only
     * rises. A press that does not raise the severity, within {@link #PRESS_LINE_INTERVAL} of the
     * same presser's last {@code pressed_again} line, is counted and sent (a new version) without a
     * line of its own: a client pressing at the request rate for an hour would otherwise add 72,000
     * lines, each sent whole to every responder with every later change and saved whole each time.
     */
    void pressedAgain(Severity pressed, String by, Alerts.HistoryEvent event, Instant now) {
        presses++;
        boolean rose = pressed.compareTo(severity) > 0;
        if (rose) {
            severity = pressed;
        }
        if (!rose && event == Alerts.HistoryEvent.PRESSED_AGAIN && pressLineSince(by, now.minus(PRESS_LINE_INTERVAL))) {
            updatedAt = now;
            version++;
            return;
        }
        change(now, by, event, pressed.name().toLowerCase(Locale.ROOT), rose); // a rise always has its line
    }

    /** Whether {@code by}'s last {@code pressed_again} line is after {@code since}. */
    private boolean pressLineSince(String by, Instant since) {
        String line = Alerts.HistoryEvent.PRESSED_AGAIN.wire();
        for (int i = history.size() - 1; i >= 0; i--) {
            Alerts.HistoryEntry e = history.get(i);
            if (e.at().isBefore(since)) {
                return false; // lines are in time order: none later is older
            }
            if (line.equals(e.event()) && by.equals(e.by())) {
                return true;
            }
        }
        return false;
    }

    /**
     * At the raise: the client's known risk raised the severity {@code pressed} to the one the alert
     * was made with (a history line after {@code raised}; no new version, it is still version 1).
     */
    void raisedForRisk(Severity pressed, Care.RiskLevel level, Instant now) {
        remember("system", Alerts.HistoryEvent.RISK_FLOOR, RiskFloor.detail(pressed, severity, level), now);
    }

    /**
     * After the raise (another press, or the risk found late): lifts the severity to the floor of
     * {@code risk}, with a history line; returns whether it rose. Climbing is the {@link Escalator}'s.
     */
    boolean liftToRiskFloor(Care.Risk risk, Instant now) {
        Severity floor = RiskFloor.of(risk.level());
        if (floor.compareTo(severity) <= 0) {
            return false;
        }
        Severity was = severity;
        severity = floor;
        changed(now, "system", Alerts.HistoryEvent.RISK_FLOOR, RiskFloor.detail(was, floor, risk.level()));
        return true;
    }

    /** The client's care record as the alert carries it. */
    CareSnapshot care() {
        return care;
    }

    /**
     * Parts of the client's care record that were missing when the alert was raised (the store was
     * slow or had lost them) and were found since; returns whether the alert changed. What it
     * carried stays.
     */
    boolean careFound(CareSnapshot later) {
        CareSnapshot filled = care.filledFrom(later);
        if (filled.equals(care)) {
            return false;
        }
        care = filled;
        return true;
    }

    /**
     * Records an action of the alert's own course (the note of its raise, resolution or follow-up, a
     * move to a breakout), always; without a history line of its own.
     */
    void addAction(Alerts.Action action) {
        actions.put(action.key(), action);
    }

    /**
     * Records an action a responder, a flag or an integrator adds, while the alert holds fewer than
     * {@link #MAX_ACTIONS} (one of a key it holds is replaced; a step under its kind's own name is
     * always recorded); returns whether it was recorded.
     */
    boolean addActionWithin(Alerts.Action action) {
        if (actions.size() >= MAX_ACTIONS && !actions.containsKey(action.key()) && !aStep(action)) {
            return false;
        }
        actions.put(action.key(), action);
        return true;
    }

    /**
     * A step of its kind recorded under the kind's own name (a dispatch, a call to an emergency
     * contact, to 988, a paused group): once each, so never past the bound by more than a few.
     */
    private static boolean aStep(Alerts.Action action) {
        Alerts.ActionType type = action.type();
        return type != Alerts.ActionType.NOTE
                && type != Alerts.ActionType.GROUNDING_EXERCISE
                && action.key().equals(type.name().toLowerCase(Locale.ROOT));
    }

    /** A history line that is not a change responders are sent (no new version). */
    void remember(String by, Alerts.HistoryEvent event, @Nullable String detail, Instant now) {
        line(new Alerts.HistoryEntry(now, by, event.wire(), detail), event, false);
    }

    /** Records a change: history line (within {@link #MAX_REPEATED_LINES}), new version, new update time. */
    void changed(Instant now, String by, Alerts.HistoryEvent event, @Nullable String detail) {
        change(now, by, event, detail, false);
    }

    private void change(Instant now, String by, Alerts.HistoryEvent event, @Nullable String detail, boolean kept) {
        Alerts.HistoryEntry entry = new Alerts.HistoryEntry(now, by, event.wire(), detail);
        lastChange = line(entry, event, kept) ? null : entry;
        updatedAt = now;
        version++;
    }

    /** Adds {@code entry} unless it is a repeated event past {@link #MAX_REPEATED_LINES} and not {@code kept}; returns whether it did. */
    private boolean line(Alerts.HistoryEntry entry, Alerts.HistoryEvent event, boolean kept) {
        if (REPEATED.contains(event) && !kept) {
            if (repeatedLines >= MAX_REPEATED_LINES) {
                return false;
            }
            repeatedLines++;
        }
        history.add(entry);
        return true;
    }

    /** Escalation only: adds a responder to those told. */
    void target(String user) {
        targets.add(user);
    }

    /** Escalation only: the alert now reaches tier {@code index}. */
    void reachTier(int index) {
        tierIndex = index;
    }

    /** Escalation only: a new acknowledgement deadline (after a climb). */
    void ackBy(Instant deadline) {
        status = status.withAckDeadline(deadline);
    }

    /** Escalation only: whether nobody it targets is connected. */
    void undelivered(boolean value) {
        undelivered = value;
    }

    /** A responder confirmed receipt; true the first time (the delivery time is measured once). */
    boolean firstReceipt() {
        if (receiptSeen) {
            return false;
        }
        receiptSeen = true;
        return true;
    }

    // ---- views ---------------------------------------------------------------------------------

    Alerts.View view() {
        return new Alerts.View(
                id,
                version,
                client.user(),
                clientName,
                room,
                source,
                kind,
                severity,
                status.state(),
                presses,
                raisedAt,
                updatedAt,
                tier().wire(),
                undelivered,
                status.acknowledgedBy(),
                status.engagedBy(),
                status.followUpDueAt(),
                care.checkIn(),
                care.contacts(),
                care.plan(),
                care.risk(),
                List.copyOf(actions.values()),
                List.copyOf(history));
    }

    /** The live state of a stored alert, as it was when last saved (a node taking it up again). */
    static DistressAlert restore(StoredAlert stored) {
        Alerts.View v = stored.view();
        DistressAlert a = new DistressAlert(
                v.id(),
                new UserRef(stored.org(), v.client()),
                v.clientName(),
                v.room(),
                v.source(),
                v.kind(),
                v.severity(),
                stored.policy(),
                new CareSnapshot(v.checkIn(), v.emergencyContacts(), v.safetyPlan(), v.risk()),
                v.raisedAt());
        a.status = new AlertLifecycle.Status(
                v.state(),
                v.acknowledgedBy(),
                v.engagedBy(),
                stored.resolvedBy(),
                stored.ackDeadline(),
                stored.engageDeadline(),
                v.followUpDueAt());
        a.version = v.version();
        a.presses = v.presses();
        a.tierIndex = stored.tierIndex();
        a.undelivered = v.undelivered();
        a.updatedAt = v.updatedAt();
        a.targets.addAll(stored.targets());
        for (Alerts.Action action : v.actions()) {
            a.actions.put(action.key(), action);
        }
        a.history.addAll(v.history());
        for (Alerts.HistoryEntry e : v.history()) {
            if (isRepeated(e.event())) {
                a.repeatedLines++;
            }
        }
        return a;
    }

    private static boolean isRepeated(String wire) {
        for (Alerts.HistoryEvent event : REPEATED) {
            if (event.wire().equals(wire)) {
                return true;
            }
        }
        return false;
    }

    StoredAlert stored() {
        return new StoredAlert(
                org(),
                view(),
                policy,
                tierIndex,
                targets,
                status.ackDeadline(),
                status.engageDeadline(),
                status.resolvedBy());
    }
}
