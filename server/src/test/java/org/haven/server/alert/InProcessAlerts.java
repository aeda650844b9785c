package org.haven.server.alert;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.awaitility.Awaitility;
import org.haven.protocol.Alerts;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.audit.AuditTrail;
import org.haven.server.auth.Principal;
import org.haven.server.care.CareService;
import org.haven.server.care.CareStore;
import org.haven.server.care.CrisisResources;
import org.haven.server.care.RoomAffiliations;
import org.haven.server.connection.Connection;
import org.haven.server.request.Caller;
import org.haven.server.request.Handlers;
import org.haven.server.testing.Inbox;
import org.haven.server.threads.NodeThreads;
import org.haven.server.webhook.WebhookNotifier;

/** The alert service of the in-process tests: the default policy, no check-in alerts, its deadlines ticked by hand. */
final class InProcessAlerts {

    private InProcessAlerts() {}

    static AlertService over(
            AlertStore store,
            CareStore care,
            AuditTrail audit,
            WebhookNotifier webhooks,
            Clock clock,
            NodeThreads threads) {
        return over(store, care, audit, webhooks, AlertPaging.NONE, clock, threads);
    }

    /** As above, paging through {@code paging}. */
    static AlertService over(
            AlertStore store,
            CareStore care,
            AuditTrail audit,
            WebhookNotifier webhooks,
            AlertPaging paging,
            Clock clock,
            NodeThreads threads) {
        return new AlertService(
                store,
                new CareService(
                        care,
                        new RoomAffiliations(),
                        CrisisResources.load(null),
                        audit,
                        clock,
                        Duration.ofHours(1),
                        Set.of()),
                audit,
                webhooks,
                paging,
                clock,
                EscalationPolicy.defaults(),
                false,
                new SimpleMeterRegistry(),
                threads,
                null);
    }

    /** A token's principal of organisation {@code demo}. */
    static Principal principal(String user, Role role, String... rooms) {
        return new Principal(
                user,
                "demo",
                role,
                Set.of(rooms),
                "Name of " + user,
                "t-" + user,
                Instant.parse("2030-01-01T00:00:00Z"));
    }

    /** A request from {@code principal} through {@code connection}, handled as a node handles it. */
    static void send(Handlers handlers, ClientMessage message, Principal principal, Connection connection) {
        handlers.dispatch(message, new Caller() {
            @Override
            public Principal principal() {
                return principal;
            }

            @Override
            public Connection connection() {
                return connection;
            }
        });
    }

    /** A responder connected with {@code status}; what they receive is in the inbox. */
    static Inbox connect(AlertService alerts, String user, Role role, PresenceStatus status, String... rooms) {
        Inbox inbox = new Inbox();
        alerts.responderConnected(principal(user, role, rooms), inbox, status);
        return inbox;
    }

    /** Client alice presses help in group-1 at {@code severity}; returns the alert's id once answered. */
    static String raise(Handlers handlers, Alerts.Severity severity) {
        Inbox alice = new Inbox();
        send(
                handlers,
                new ClientMessage.AlertRaise("r-1", "group-1", Alerts.Kind.OTHER, severity),
                principal("alice", Role.CLIENT, "group-1"),
                alice);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !alice.received.isEmpty());
        ServerMessage.Ok ok = (ServerMessage.Ok) alice.received.get(0);
        return ((Result.AlertReceived) ok.result()).alert();
    }
}
