package org.haven.server.alert;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.haven.protocol.Alerts;
import org.haven.protocol.Alerts.Severity;
import org.haven.protocol.Alerts.State;
import org.haven.server.care.CareSnapshot;
import org.haven.server.presence.UserRef;

/**
 * One alert's live state. Confined to the alert executor: every change happens on that one
 * thread, so transitions are serialised (two clinicians acknowledging at once: the first wins).
 * Every change bumps {@link #version}; responders confirm versions.
 */
final class DistressAlert {

    final String id;
    final UserRef client;
    final String clientName;
    final String room;
    final Alerts.Source source;
    final Alerts.Kind kind;
    final EscalationPolicy policy;
    final Instant raisedAt;
    final CareSnapshot care;
    final Set<String> targets = new LinkedHashSet<>();
    final Map<String, Alerts.Action> actions = new LinkedHashMap<>();
    final List<Alerts.HistoryEntry> history = new ArrayList<>();

    Severity severity;
    State state = State.RAISED;
    long version;
    int presses = 1;
    int tierIndex;
    boolean undelivered;
    String acknowledgedBy;
    String engagedBy;
    String resolvedBy;
    Instant updatedAt;
    /** Whether a responder has confirmed receiving this alert yet (its delivery time is measured once). */
    boolean receiptSeen;
    Instant ackDeadline;
    Instant engageDeadline;
    Instant followUpDueAt;

    DistressAlert(String id, UserRef client, String clientName, String room, Alerts.Source source, Alerts.Kind kind,
            Severity severity, EscalationPolicy policy, CareSnapshot care, Instant now) {
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
    }

    String org() {
        return client.org();
    }

    EscalationPolicy.Tier tier() {
        return policy.tiers().get(tierIndex);
    }

    /** Records a change: history line, new version, new update time. */
    void changed(Instant now, String by, String event, String detail) {
        history.add(new Alerts.HistoryEntry(now, by, event, detail));
        updatedAt = now;
        version++;
    }

    Alerts.View view() {
        return new Alerts.View(id, version, client.user(), clientName, room, source, kind, severity, state, presses,
                raisedAt, updatedAt, tier().wire(), undelivered, acknowledgedBy, engagedBy, followUpDueAt,
                care.checkIn(), care.contacts(), care.plan(), List.copyOf(actions.values()), List.copyOf(history));
    }

    /** The live state of a stored alert, as it was when last saved (a node taking it up again). */
    static DistressAlert restore(StoredAlert stored) {
        Alerts.View v = stored.view();
        DistressAlert a = new DistressAlert(v.id(), new UserRef(stored.org(), v.client()), v.clientName(), v.room(),
                v.source(), v.kind(), v.severity(), stored.policy(), new CareSnapshot(v.checkIn(), v.emergencyContacts(), v.safetyPlan()),
                v.raisedAt());
        a.state = v.state();
        a.version = v.version();
        a.presses = v.presses();
        a.tierIndex = stored.tierIndex();
        a.undelivered = v.undelivered();
        a.acknowledgedBy = v.acknowledgedBy();
        a.engagedBy = v.engagedBy();
        a.resolvedBy = stored.resolvedBy();
        a.updatedAt = v.updatedAt();
        a.ackDeadline = stored.ackDeadline();
        a.engageDeadline = stored.engageDeadline();
        a.followUpDueAt = v.followUpDueAt();
        a.targets.addAll(stored.targets());
        for (Alerts.Action action : v.actions()) {
            a.actions.put(action.key(), action);
        }
        a.history.addAll(v.history());
        return a;
    }

    StoredAlert stored() {
        return new StoredAlert(org(), view(), policy, tierIndex, targets, ackDeadline, engageDeadline, resolvedBy);
    }
}
