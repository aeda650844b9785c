package org.haven.server.alert;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import org.haven.protocol.Alerts;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.ServerMessage.AlertReason;
import org.haven.server.audit.AuditEvent;
import org.haven.server.audit.AuditTrail;
import org.haven.server.request.Reply;
import org.haven.server.webhook.WebhookEvent;
import org.haven.server.webhook.WebhookNotifier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Push and durable save: every change to an alert is written to the audit trail and the store,
 * and pushed to its connected responders (and integrators, by webhook). A raise is pushed to the
 * responders at once, while it is being stored (the raiser is told "received" only once it is
 * stored): under chat load, waiting for the store's answer first cost the responders 7 ms at the
 * median and twice that at p99 (docs/benchmarks.md); an alert the store did not take is kept here
 * and stored again on every tick until it is.
 *
 * <p>Threading: the alert thread; store answers come back to it.
 */
final class AlertPublisher {

    private static final Logger log = LoggerFactory.getLogger(AlertPublisher.class);

    /**
     * How long a raise waits for the store (the client's care record, and its open alert) before
     * going on without it. Redis answers in a millisecond or two; a stalled one (a partition that
     * drops packets, a blocked server) answers nothing until the 2 s command time-out, twice over.
     */
    static final Duration STORE_WAIT = Duration.ofMillis(250);

    /**
     * How long a raiser waits for "received": past it, they are answered {@code alert_unconfirmed}
     * (call the crisis line now). Under the 2 s the protocol promises, leaving the gateway of a
     * relayed connection ({@code Relay.ANSWER_DEADLINE}) time to answer first when this node is gone.
     */
    public static final Duration ANSWER_DEADLINE = Duration.ofMillis(1200);

    private final AlertStore store;
    private final AlertDelivery delivery;
    private final AuditTrail audit;
    private final WebhookNotifier webhooks;
    private final AlertPaging paging;
    private final Clock clock;
    private final AlertThread thread;
    /**
     * Alerts the store did not take yet (it was unreachable): kept here, stored again on the tick,
     * also one that left this node's alerts meanwhile (handed over with its save under way, or
     * closed): the store must not be left without it, or with it open.
     */
    private final Map<String, DistressAlert> unstored = new LinkedHashMap<>();
    /** How many saves of each alert are under way (not answered yet). */
    private final Map<String, Integer> saves = new HashMap<>();

    private boolean retrying;

    AlertPublisher(
            AlertStore store,
            AlertDelivery delivery,
            AuditTrail audit,
            WebhookNotifier webhooks,
            AlertPaging paging,
            Clock clock,
            AlertThread thread) {
        this.store = store;
        this.delivery = delivery;
        this.audit = audit;
        this.webhooks = webhooks;
        this.paging = paging;
        this.clock = clock;
        this.thread = thread;
    }

    /**
     * An alert changed (its last history line says how): audited, stored, pushed to its responders
     * with {@code reason}, and {@code webhookEvent} (when not null) sent to integrators.
     */
    void changed(DistressAlert a, AlertReason reason, @Nullable String webhookEvent) {
        var last = a.lastEntry();
        audit.record(new AuditEvent(
                a.org(),
                last.by(),
                "alert." + last.event(),
                "alert:" + a.id,
                "ok",
                Map.of("state", a.state().name(), "version", Long.toString(a.version()))));
        save(a);
        delivery.push(a, reason, clock.instant());
        if (a.state() != Alerts.State.RAISED) {
            paging.stop(a.id); // someone has it: nobody else is woken for it
        }
        if (webhookEvent != null) {
            webhook(a, webhookEvent);
        }
    }

    /** Stores {@code a}; one the store does not take is kept and stored again on the tick. */
    void save(DistressAlert a) {
        saving(a).whenComplete((v, e) -> {
            if (e != null) {
                notStored(a, Reply.none(), e);
            }
        });
    }

    /**
     * Saves {@code a}, counted among the saves under way until the store answers (called on the
     * alert thread): a closed alert whose closing save has not been answered must not leave this
     * node's alerts, or, should the store then refuse it, it would stay open in the store. The stage
     * returned completes on the alert thread, in the same task that stops counting the save, so
     * what follows a refusal ({@link #notStored}) happens before any other task sees it answered.
     */
    private CompletionStage<Void> saving(DistressAlert a) {
        saves.merge(a.id, 1, Integer::sum);
        CompletableFuture<Void> answered = new CompletableFuture<>();
        store.save(a.stored())
                .whenComplete((v, e) -> thread.run(() -> {
                    saves.computeIfPresent(a.id, (id, n) -> n > 1 ? n - 1 : null);
                    if (e != null) {
                        answered.completeExceptionally(e);
                    } else {
                        answered.complete(null);
                    }
                }));
        return answered;
    }

    /**
     * Pushes {@code a} to its responders with {@code reason} now, and stores it; once stored, runs
     * {@code onStored} on the alert thread (or, when the store did not take it, tells {@code raiser}
     * to call the crisis line now and keeps it to store again). The raiser's deadline runs from its
     * request's arrival ({@link #answerBy}), not from here. Returns the store's answer.
     */
    CompletionStage<Void> pushAndSave(DistressAlert a, AlertReason reason, Reply raiser, Runnable onStored) {
        delivery.push(a, reason, clock.instant());
        CompletionStage<Void> saved = saving(a);
        saved.whenComplete((v, e) -> { // on the alert thread (see saving)
            if (e != null) {
                notStored(a, raiser, e);
            } else {
                onStored.run();
            }
        });
        return saved;
    }

    /**
     * The raiser's deadline, from the arrival of its request: if it has not been told "received" by
     * {@link #ANSWER_DEADLINE} (the store has not answered, or the press still waits for the
     * client's press before it, {@link PressLanes}), it is told to call the crisis line now rather
     * than wait. The alert goes on (its responders have it, or will); "received" is not sent later.
     */
    void answerBy(Reply raiser) {
        thread.schedule(
                () -> {
                    if (raiser.isAnswered() || raiser.re() == null) {
                        return;
                    }
                    log.warn(
                            "alert not confirmed within {} ms of its request; raiser told to call the crisis line",
                            ANSWER_DEADLINE.toMillis());
                    raiser.refuse(
                            ErrorCode.ALERT_UNCONFIRMED, "the alert is not confirmed yet; call the crisis line now");
                },
                ANSWER_DEADLINE);
    }

    /** Whether {@code id} waits to be stored again (it must not leave this node). */
    boolean isUnstored(String id) {
        return unstored.containsKey(id);
    }

    /** Whether a save of {@code id} is under way: the store has not said yet whether it took it. */
    boolean isSaving(String id) {
        return saves.containsKey(id);
    }

    /** Sends an integrator event about {@code a}: ids, severity and state only (its kind is health data). */
    void webhook(DistressAlert a, String event) {
        webhooks.publish(new WebhookEvent(
                event,
                a.id,
                a.org(),
                a.room,
                a.client.user(),
                a.severity().name().toLowerCase(Locale.ROOT),
                a.state().name().toLowerCase(Locale.ROOT),
                clock.instant()));
    }

    /**
     * The store refused or could not be reached. The raiser is told (the alert is not durable: call
     * the crisis line now), the responders connected here still get the alert, and the alert is kept
     * here and stored again on every tick until the store takes it.
     */
    private void notStored(DistressAlert a, Reply raiser, Throwable failure) {
        log.error(
                "alert could not be stored alert={} ({}); kept here and retried",
                a.id,
                failure.getClass().getSimpleName());
        unstored.put(a.id, a);
        if (!raiser.isAnswered()) {
            raiser.refuse(ErrorCode.ALERT_UNCONFIRMED, "the alert could not be stored; call the crisis line now");
        }
    }

    /**
     * Stores again every alert the store did not take, one attempt in flight at a time: one this
     * node still holds ({@code held}) as it stands; one it no longer holds (handed over) only if the
     * store has none of that id, so as never to overwrite what the node serving it now stored.
     */
    void storeAgain(Predicate<String> held) {
        if (unstored.isEmpty() || retrying) {
            return;
        }
        retrying = true;
        List<CompletableFuture<String>> attempts = new ArrayList<>();
        for (DistressAlert a : unstored.values()) {
            String id = a.id;
            CompletionStage<?> attempt = held.test(id) ? store.save(a.stored()) : store.saveNew(a.stored());
            attempts.add(attempt.toCompletableFuture().thenApply(v -> id));
        }
        CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new))
                .whenComplete((v, e) -> thread.run(() -> {
                    retrying = false;
                    for (CompletableFuture<String> attempt : attempts) {
                        if (!attempt.isCompletedExceptionally()) {
                            unstored.remove(attempt.join());
                        }
                    }
                    if (unstored.isEmpty()) {
                        log.info("every alert kept during the store's outage is stored");
                    }
                }));
    }
}
