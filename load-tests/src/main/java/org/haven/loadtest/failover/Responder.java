package org.haven.loadtest.failover;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.haven.client.HavenClient;
import org.haven.protocol.Alerts;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;

/**
 * A clinician or supervisor of a failover run, on a thread of its own: takes every event off its
 * current connection's queue, records each {@code alert} frame in the {@link Sightings}, confirms
 * it ({@code alert.confirm}, as a responder's client must), and, for a clinician, works the alert
 * to its end so that its client's next press opens a fresh alert: acknowledges a raised alert
 * (every clinician tries; the first wins, the others are told {@code illegal_transition}), then
 * engages and resolves it (and, if asked, records its follow-up, which closes it). After a reconnect the alerts come again (reason {@code open}) and are
 * taken up where they stand: engaged or resolved by whoever acknowledged them.
 */
final class Responder implements Runnable {

    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration REQUEST_WAIT = Duration.ofSeconds(5);

    final String user;
    final Role role;
    private final PresenceStatus presence;
    private final Sightings sightings;
    private final boolean closeAlerts;
    private Link link;
    /** Steps already started, by alert, step and connection: one attempt per connection. */
    private final Set<String> started = ConcurrentHashMap.newKeySet();

    private final AtomicInteger resolved = new AtomicInteger();
    private volatile boolean running = true;

    /**
     * {@code presence}: set on every connection (null: none, as for supervisors). {@code
     * closeAlerts}: record the follow-up right after resolving, which closes the alert (otherwise
     * it stays resolved, awaiting its follow-up, as in real use for 24 h).
     */
    Responder(String user, Role role, PresenceStatus presence, Sightings sightings, boolean closeAlerts) {
        this.user = user;
        this.role = role;
        this.presence = presence;
        this.sightings = sightings;
        this.closeAlerts = closeAlerts;
    }

    void attach(Link link) {
        this.link = link;
    }

    Link link() {
        return link;
    }

    /** The link's setup: the presence, on every connection (it does not outlive the session). */
    CompletableFuture<?> setUp(HavenClient client, Result.Welcome welcome) {
        if (presence == null) {
            return CompletableFuture.completedFuture(null);
        }
        return client.request(id -> new ClientMessage.PresenceSet(id, presence));
    }

    int resolved() {
        return resolved.get();
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        HavenClient polled = null;
        try {
            while (running) {
                HavenClient current = link.up();
                if (polled != null && polled != current) {
                    // The connection changed: what the old one received still counts.
                    for (ServerMessage m : polled.drainEvents()) {
                        handle(polled, m, System.nanoTime());
                    }
                }
                polled = current;
                if (current == null) {
                    Thread.sleep(10);
                    continue;
                }
                ServerMessage event = current.nextEvent(POLL);
                // Receipt is when the application takes the frame off the client's queue.
                long now = System.nanoTime();
                if (event != null) {
                    handle(current, event, now);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HavenClient client, ServerMessage event, long now) {
        if (!(event instanceof ServerMessage.AlertNotice notice)) {
            return;
        }
        sightings.seen(notice, now, user);
        if (client.closeFuture().isDone()) {
            return;
        }
        Alerts.View alert = notice.alert();
        client.request(id -> new ClientMessage.AlertConfirm(id, alert.id(), alert.version()));
        if (role == Role.CLINICIAN) {
            workOn(client, alert);
        }
    }

    private void workOn(HavenClient client, Alerts.View alert) {
        switch (alert.state()) {
            case RAISED -> step(client, alert.id(), Step.Kind.ACKNOWLEDGE);
            case ACKNOWLEDGED -> {
                if (user.equals(alert.acknowledgedBy())) {
                    step(client, alert.id(), Step.Kind.ENGAGE);
                }
            }
            case ENGAGED, EMERGENCY_DISPATCHED -> {
                if (user.equals(alert.engagedBy())) {
                    step(client, alert.id(), Step.Kind.RESOLVE);
                }
            }
            default -> {
                // resolved or closed: nothing left to do
            }
        }
    }

    /** One step of working an alert; each ok leads to the next. */
    private record Step(String alert, Kind kind) {
        enum Kind {
            ACKNOWLEDGE,
            ENGAGE,
            RESOLVE,
            FOLLOW_UP
        }

        ClientMessage message(String id) {
            return switch (kind) {
                case ACKNOWLEDGE -> new ClientMessage.AlertAcknowledge(id, alert);
                case ENGAGE -> new ClientMessage.AlertEngage(id, alert);
                case RESOLVE -> new ClientMessage.AlertResolve(id, alert, Alerts.Outcome.NO_RISK_FOUND, null);
                case FOLLOW_UP -> new ClientMessage.AlertFollowUp(id, alert, "followed up");
            };
        }
    }

    // Each step once per connection, whether the frame that shows the alert's state or the answer
    // to the previous step comes first. A failed step (someone else acknowledged first, or the
    // connection went) is left: the alert comes again on the next connection if it is still open.
    private void step(HavenClient client, String alert, Step.Kind kind) {
        if (!started.add(alert + "@" + System.identityHashCode(client) + "/" + kind)) {
            return;
        }
        Step step = new Step(alert, kind);
        client.request(step::message)
                .orTimeout(REQUEST_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .thenAccept(ok -> {
                    switch (kind) {
                        case ACKNOWLEDGE -> step(client, alert, Step.Kind.ENGAGE);
                        case ENGAGE -> step(client, alert, Step.Kind.RESOLVE);
                        case RESOLVE -> {
                            resolved.incrementAndGet();
                            sightings.resolved(alert, System.nanoTime());
                            if (closeAlerts) {
                                step(client, alert, Step.Kind.FOLLOW_UP);
                            }
                        }
                        case FOLLOW_UP -> {
                            // closed: no longer among the organisation's unclosed alerts
                        }
                    }
                });
    }
}
