package org.haven.server.alert;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.haven.protocol.Alerts;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Refusal;
import org.haven.protocol.Result;
import org.haven.protocol.ServerMessage;
import org.haven.protocol.ServerMessage.AlertReason;
import org.haven.server.audit.AuditEvent;
import org.haven.server.audit.AuditTrail;
import org.haven.server.request.Reply;
import org.jspecify.annotations.Nullable;

/**
 * Alerts as the program's own systems see them through the server API: raised by a service (a
 * screening tool, remote monitoring), with a dedup key; listed and read; acknowledged, engaged and
 * resolved by a service in the name of a clinician. Every step is the one a responder's request
 * takes ({@link AlertLifecycle}, {@link AlertPublisher}): the responders connected get the same
 * {@code alert} messages, the history names the clinician, the audit trail the service and the
 * clinician both.
 *
 * <p>Runs on the node serving the organisation (the API forwards the call there), whose book holds
 * every open alert of it; a closed alert is read from the store.
 *
 * <p>Threading: entry points from any thread; work on the alert thread; answers complete there.
 */
public final class ExternalAlerts {

    /** How long a dedup key is remembered after its raise: the day a retrying system needs. */
    static final Duration DEDUP_KEPT = Duration.ofHours(24);

    private final AlertBook book;
    private final AlertStore store;
    private final AlertIntake intake;
    private final AlertPublisher publisher;
    private final AuditTrail audit;
    private final Clock clock;
    private final AlertThread thread;
    /**
     * A service's dedup key (org, service, key) to the alert its raise made or joined. In this
     * node's memory: after a take-over a repeat finds the client's open alert anyway and joins it as
     * one more press instead of matching (never a second alert).
     */
    private final Cache<String, String> dedup = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(DEDUP_KEPT)
            .build();

    ExternalAlerts(
            AlertBook book,
            AlertStore store,
            AlertIntake intake,
            AlertPublisher publisher,
            AuditTrail audit,
            Clock clock,
            AlertThread thread) {
        this.book = book;
        this.store = store;
        this.intake = intake;
        this.publisher = publisher;
        this.audit = audit;
        this.clock = clock;
        this.thread = thread;
    }

    /** A raise by a service: the alert's id, where it stands, and whether its dedup key matched an open one. */
    public record Raised(String alert, Alerts.State state, Alerts.Severity severity, boolean deduplicated) {}

    CompletionStage<Raised> raise(ServiceRaise r) {
        CompletableFuture<Raised> raised = new CompletableFuture<>();
        String key = r.dedupKey() == null ? null : r.client().org() + "\n" + r.service() + "\n" + r.dedupKey();
        thread.run(() -> {
            String known = key == null ? null : dedup.getIfPresent(key);
            DistressAlert open = known == null ? null : book.get(known);
            if (open != null && open.state().isOpen() && open.client.equals(r.client())) {
                raised.complete(new Raised(open.id, open.state(), open.severity(), true));
                return;
            }
            Reply reply = Reply.to("api", message -> {
                if (message instanceof ServerMessage.Ok ok && ok.result() instanceof Result.AlertReceived received) {
                    if (key != null) {
                        dedup.put(key, received.alert());
                    }
                    thread.run(() -> {
                        DistressAlert a = book.get(received.alert());
                        raised.complete(new Raised(
                                received.alert(), received.state(), a != null ? a.severity() : r.severity(), false));
                    });
                } else if (message instanceof ServerMessage.Error error) {
                    if (key != null && error.code() == ErrorCode.ALERT_UNCONFIRMED) {
                        // Raised and pushed, not stored yet: a retry with the key must find it.
                        thread.run(() -> {
                            DistressAlert made = book.openAlertOf(r.client(), Alerts.Source.EXTERNAL);
                            if (made != null) {
                                dedup.put(key, made.id);
                            }
                        });
                    }
                    raised.completeExceptionally(new Refusal(error.code(), String.valueOf(error.message())));
                } else {
                    raised.completeExceptionally(
                            new IllegalStateException("an alert raise answered without its alert"));
                }
            });
            intake.raiseExternal(
                    r.client(), r.room(), r.kind(), r.severity(), "service:" + r.service(), r.note(), reply);
        });
        return raised;
    }

    /** One alert of {@code org}, whole: from this node's book, else from the store (a closed one). */
    CompletionStage<Alerts.View> read(String org, String id) {
        CompletableFuture<Alerts.View> view = new CompletableFuture<>();
        thread.run(() -> {
            DistressAlert a = book.get(id);
            if (a != null && a.org().equals(org)) {
                view.complete(a.view());
                return;
            }
            store.findForReader(org, id).whenComplete((stored, failure) -> {
                if (failure != null) {
                    view.completeExceptionally(failure);
                } else if (stored.isEmpty()) {
                    view.completeExceptionally(new Refusal(ErrorCode.NOT_FOUND, "no such alert in this organisation"));
                } else {
                    view.complete(stored.get().view());
                }
            });
        });
        return view;
    }

    /** What a list asks for: any of state, client and a time range of raising, a page after a cursor. */
    public record Query(
            Alerts.@Nullable State state,
            @Nullable String client,
            @Nullable Instant from,
            @Nullable Instant to,
            @Nullable Instant afterRaisedAt,
            @Nullable String afterId,
            int limit) {}

    /** A page of a list, newest raised first; {@code more} when another page follows the last alert. */
    public record Page(List<Alerts.View> alerts, boolean more) {}

    /**
     * The organisation's alerts raised in the query's range (the last 31 days when it names none),
     * newest raised first, filtered and paged: from the store (every alert kept, closed ones until
     * the retention), with this node's own view of those it carries (fresher than the store while a
     * save is pending, or the only one while the store is down).
     */
    CompletionStage<Page> list(String org, Query q) {
        Instant to = q.to() != null ? q.to() : clock.instant().plusSeconds(1);
        Instant from = q.from() != null ? q.from() : to.minus(Duration.ofDays(31));
        AlertSearch search =
                new AlertSearch(org, from, to, q.state(), q.client(), q.afterRaisedAt(), q.afterId(), q.limit() + 1);
        CompletableFuture<Page> page = new CompletableFuture<>();
        store.search(search)
                .whenComplete((stored, failure) -> thread.run(() -> {
                    Map<String, Alerts.View> merged = new java.util.HashMap<>();
                    if (failure == null) {
                        for (StoredAlert a : stored) {
                            merged.put(a.view().id(), a.view());
                        }
                    }
                    for (DistressAlert a : book.view()) {
                        Alerts.View v = a.view();
                        if (a.org().equals(org) && matches(v, search)) {
                            merged.put(v.id(), v);
                        } else {
                            merged.remove(v.id()); // its state moved on here since it was stored
                        }
                    }
                    if (failure != null && merged.isEmpty()) {
                        page.completeExceptionally(failure); // nothing to answer with but the store
                        return;
                    }
                    List<Alerts.View> views = new ArrayList<>(merged.values());
                    views.sort(NEWEST_FIRST);
                    boolean storeHasMore = failure == null && stored.size() > q.limit();
                    page.complete(new Page(
                            List.copyOf(views.subList(0, Math.min(q.limit(), views.size()))),
                            views.size() > q.limit() || storeHasMore));
                }));
        return page;
    }

    /** Newest raised first to the millisecond (as every store orders them), then by id. */
    private static final Comparator<Alerts.View> NEWEST_FIRST = Comparator.comparingLong(
                    (Alerts.View v) -> v.raisedAt().toEpochMilli())
            .reversed()
            .thenComparing(Alerts.View::id);

    /** Whether {@code v} is one {@code search} asks for, by the store's rules. */
    private static boolean matches(Alerts.View v, AlertSearch search) {
        long raised = v.raisedAt().toEpochMilli();
        if (raised < search.from().toEpochMilli()
                || raised >= search.to().toEpochMilli()
                || (search.state() != null && v.state() != search.state())
                || (search.client() != null && !v.client().equals(search.client()))) {
            return false;
        }
        if (search.afterRaisedAt() == null || search.afterId() == null) {
            return true;
        }
        long after = search.afterRaisedAt().toEpochMilli();
        return raised < after || (raised == after && v.id().compareTo(search.afterId()) > 0);
    }

    /** The steps a service takes in a clinician's name. */
    public enum Step {
        ACKNOWLEDGE,
        ENGAGE,
        RESOLVE
    }

    /**
     * {@code step} on alert {@code id} of {@code org}, by {@code clinician}, asked by {@code service};
     * the alert as it stands after. Refused {@code not_found} for an alert this node does not carry
     * open, {@code illegal_transition} where the lifecycle does not allow the step.
     */
    CompletionStage<Alerts.View> act(
            String org,
            String id,
            Step step,
            String clinician,
            String service,
            Alerts.@Nullable Outcome outcome,
            @Nullable String note) {
        CompletableFuture<Alerts.View> done = new CompletableFuture<>();
        thread.run(() -> {
            try {
                DistressAlert a = book.get(id);
                if (a == null || !a.org().equals(org) || !a.state().isOpen()) {
                    throw new Refusal(ErrorCode.NOT_FOUND, "no such open alert in this organisation");
                }
                Instant now = clock.instant();
                AlertLifecycle.Transition t = switch (step) {
                    case ACKNOWLEDGE -> AlertLifecycle.acknowledge(a.status(), a.policy, clinician, now);
                    case ENGAGE -> AlertLifecycle.engage(a.status(), clinician);
                    case RESOLVE ->
                        AlertLifecycle.resolve(
                                a.status(), a.policy, clinician, java.util.Objects.requireNonNull(outcome), now);
                };
                if (note != null && step == Step.RESOLVE) { // the resolution's note, as over the protocol
                    a.addAction(new Alerts.Action(Alerts.ActionType.NOTE, "note-resolve", clinician, now, note));
                } else if (note != null) { // kept while the alert keeps actions; the step is taken either way
                    a.addActionWithin(new Alerts.Action(
                            Alerts.ActionType.NOTE, "note-" + AlertIntake.randomId(), clinician, now, note));
                }
                a.apply(t, now);
                publisher.changed(a, AlertReason.UPDATED, t.webhook());
                audit.record(new AuditEvent(
                        org,
                        "service:" + service,
                        "alert." + step.name().toLowerCase(java.util.Locale.ROOT),
                        "alert:" + id,
                        "ok",
                        Map.of("as", clinician)));
                done.complete(a.view());
            } catch (Refusal refused) {
                done.completeExceptionally(refused);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }
}
