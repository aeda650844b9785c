package org.haven.server.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.audit.AuditEvent;
import org.haven.server.audit.AuditTrail;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.haven.server.presence.UserRef;
import org.jspecify.annotations.Nullable;

/**
 * The connected responders of this node and what each has confirmed. Alerts go out as urgent
 * frames (they jump every outbound queue); a delivery not confirmed within the redelivery
 * interval is sent again, so each targeted connection receives each alert at least once.
 * Which responders a tier holds is the {@link Escalator}'s to say; this class only knows who is
 * connected and what each confirmed.
 *
 * <p>Threading: confined to the alert thread.
 */
final class AlertDelivery {

    /** One care-team connection. */
    static final class Responder {
        final UserRef user;
        final Role role;
        final Set<String> grants;
        final Connection connection;
        PresenceStatus status;

        Responder(UserRef user, Role role, Set<String> grants, Connection connection, PresenceStatus status) {
            this.user = user;
            this.role = role;
            this.grants = Set.copyOf(grants);
            this.connection = connection;
            this.status = status;
        }
    }

    private record Pending(long version, Instant sentAt) {}

    private final Map<String, Responder> byConnection = new LinkedHashMap<>();
    private final Map<String, Map<String, Pending>> unconfirmed = new HashMap<>();
    private final Set<String> careReadsAudited = new HashSet<>();
    private final AuditTrail audit;

    AlertDelivery(AuditTrail audit) {
        this.audit = audit;
    }

    void add(Responder responder) {
        byConnection.put(responder.connection.id(), responder);
    }

    void remove(String connectionId) {
        byConnection.remove(connectionId);
        unconfirmed.remove(connectionId);
    }

    void setStatus(UserRef user, PresenceStatus status) {
        for (Responder r : byConnection.values()) {
            if (r.user.equals(user)) {
                r.status = status;
            }
        }
    }

    List<Responder> responders(String org) {
        List<Responder> out = new ArrayList<>();
        for (Responder r : byConnection.values()) {
            if (r.user.org().equals(org)) {
                out.add(r);
            }
        }
        return out;
    }

    /** Whether a responder may see an alert: same organisation, and a supervisor, granted its room, or notified of it. */
    static boolean canSee(Responder r, DistressAlert alert) {
        if (!r.user.org().equals(alert.org())) {
            return false;
        }
        return r.role == Role.SUPERVISOR
                || (alert.room != null && r.grants.contains(alert.room))
                || alert.isTarget(r.user.user());
    }

    /** Whether at least one targeted responder is connected to this node. */
    boolean anyTargetConnected(DistressAlert alert) {
        for (Responder r : responders(alert.org())) {
            if (alert.isTarget(r.user.user())) {
                return true;
            }
        }
        return false;
    }

    /** Sends the alert to every connected targeted responder. */
    void push(DistressAlert alert, ServerMessage.AlertReason reason, Instant now) {
        Outbound frame = Outbound.urgent(new ServerMessage.AlertNotice(reason, alert.view()));
        for (Responder r : responders(alert.org())) {
            if (alert.isTarget(r.user.user())) {
                send(r, alert, frame, now);
            }
        }
    }

    /** Sends the alert to one responder. */
    void pushTo(Responder r, DistressAlert alert, ServerMessage.AlertReason reason, Instant now) {
        send(r, alert, Outbound.urgent(new ServerMessage.AlertNotice(reason, alert.view())), now);
    }

    private void send(Responder r, DistressAlert alert, Outbound frame, Instant now) {
        r.connection.send(frame);
        unconfirmed
                .computeIfAbsent(r.connection.id(), c -> new HashMap<>())
                .put(alert.id, new Pending(alert.version(), now));
        auditCareRead(r, alert, "alert");
    }

    /** The alert carries the client's care record: its first reading by each responder, each way, is audited. */
    void auditCareRead(Responder r, DistressAlert alert, String via) {
        if (careReadsAudited.add(alert.id + "|" + r.user.user() + "|" + via)) {
            audit.record(new AuditEvent(
                    alert.org(),
                    r.user.user(),
                    "care.read",
                    "client:" + alert.client,
                    "ok",
                    Map.of("via", via, "alert", alert.id)));
        }
    }

    /**
     * A responder's client confirmed a version; older versions count as confirmed too. Returns
     * whether it confirmed a delivery that was waiting.
     */
    boolean confirm(String connectionId, String alertId, long version) {
        Map<String, Pending> pending = unconfirmed.get(connectionId);
        if (pending != null) {
            Pending p = pending.get(alertId);
            if (p != null && version >= p.version) {
                pending.remove(alertId);
                return true;
            }
        }
        return false;
    }

    /** Sends again every delivery left unconfirmed for longer than its alert's redelivery interval. */
    void redeliver(Instant now, Function<String, DistressAlert> lookup) {
        for (Map.Entry<String, Map<String, Pending>> byConn : unconfirmed.entrySet()) {
            Responder r = byConnection.get(byConn.getKey());
            if (r == null) {
                continue;
            }
            for (Map.Entry<String, Pending> e :
                    new ArrayList<>(byConn.getValue().entrySet())) {
                DistressAlert alert = lookup.apply(e.getKey());
                if (alert == null) {
                    byConn.getValue().remove(e.getKey());
                    continue;
                }
                Duration every = alert.policy.redeliveryInterval();
                if (!now.isBefore(e.getValue().sentAt().plus(every))) {
                    send(
                            r,
                            alert,
                            Outbound.urgent(
                                    new ServerMessage.AlertNotice(ServerMessage.AlertReason.REDELIVERED, alert.view())),
                            now);
                }
            }
        }
    }

    @Nullable
    Responder responder(String connectionId) {
        return byConnection.get(connectionId);
    }
}
