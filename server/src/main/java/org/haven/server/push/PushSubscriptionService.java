package org.haven.server.push;

import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Push;
import org.haven.protocol.Refusal;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.server.audit.AuditEvent;
import org.haven.server.audit.AuditTrail;
import org.haven.server.auth.Principal;
import org.haven.server.presence.PresenceStore;
import org.haven.server.presence.UserRef;
import org.haven.server.request.Handlers;
import org.haven.server.request.Request;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests about paging subscriptions: {@code push.subscribe}, {@code push.unsubscribe} and
 * {@code push.list}, for clinicians and supervisors only. A subscription is kept with the role and
 * room grants of the token in force and whether the user is on call now; the user's on-call flag
 * follows their {@code presence.set} ({@link #statusChanged}). Every subscribe (refused or not) and
 * unsubscribe, and every subscription removed to make room, is audited with the device and the
 * push service's host: an endpoint is a capability, never logged nor audited.
 *
 * <p>Threading: entry points from any thread (the connection's, for requests); the work completes on
 * the store's threads.
 */
public final class PushSubscriptionService {

    private static final Logger log = LoggerFactory.getLogger(PushSubscriptionService.class);

    private final PushSubscriptions store;
    private final PresenceStore presence;
    private final AuditTrail audit;
    private final Clock clock;
    private final SubscriptionPolicy policy;

    public PushSubscriptionService(
            PushSubscriptions store, PresenceStore presence, AuditTrail audit, Clock clock, SubscriptionPolicy policy) {
        this.store = Objects.requireNonNull(store, "store");
        this.presence = Objects.requireNonNull(presence, "presence");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** Registers the handlers of {@code push.subscribe}, {@code push.unsubscribe} and {@code push.list}. */
    public void register(Handlers handlers) {
        handlers.on(ClientMessage.PushSubscribe.class, r -> r.reply().complete(subscribe(r)))
                .on(
                        ClientMessage.PushUnsubscribe.class,
                        r -> r.reply()
                                .complete(unsubscribe(r.principal(), r.message().device())
                                        .thenApply(removed -> (Result) null)))
                .on(ClientMessage.PushList.class, r -> r.reply().complete(list(r.principal())));
    }

    /**
     * The {@code pushKey} of {@code caller}'s welcome: the node's VAPID public key for a clinician or
     * supervisor when the node pages; null otherwise.
     */
    public @Nullable String keyFor(Principal caller) {
        return caller.role().isCareTeam() ? policy.publicKey() : null;
    }

    /**
     * A user set their presence status: a clinician's or supervisor's subscriptions learn whether they
     * are on call. Fire and forget: a failure is logged, and the next {@code presence.set} or
     * {@code push.subscribe} sets it again.
     */
    public void statusChanged(UserRef user, Role role, PresenceStatus status) {
        if (!role.isCareTeam()) {
            return;
        }
        store.setOnCall(user, status == PresenceStatus.ON_CALL).whenComplete((v, failure) -> {
            if (failure != null) {
                log.warn(
                        "push subscriptions' on-call flag not set user={} ({})",
                        user.user(),
                        failure.getClass().getSimpleName());
            }
        });
    }

    /**
     * An administrator revoked {@code user}: every subscription of theirs is removed (the store is
     * shared, so on one node), so a revoked user is paged no more. Fire and forget: a failure is
     * logged; the subscriptions then stay until they are removed by their owner or their push service.
     */
    public void revoked(UserRef user) {
        store.list(user)
                .thenCompose(subs -> {
                    CompletableFuture<?>[] removals = subs.stream()
                            .map(s -> store.remove(user, s.device()).toCompletableFuture())
                            .toArray(CompletableFuture<?>[]::new);
                    return CompletableFuture.allOf(removals).thenApply(v -> subs.size());
                })
                .whenComplete((removed, failure) -> {
                    if (failure != null) {
                        log.warn(
                                "push subscriptions of a revoked user not removed user={} ({})",
                                user.user(),
                                failure.getClass().getSimpleName());
                    } else if (removed > 0) {
                        audit.record(new AuditEvent(
                                user.org(),
                                AuditEvent.SYSTEM,
                                "push.unsubscribe",
                                "user:" + user.user(),
                                "revoked",
                                Map.of("count", Integer.toString(removed))));
                    }
                });
    }

    private CompletionStage<Result> subscribe(Request<ClientMessage.PushSubscribe> r) {
        Principal caller = r.principal();
        ClientMessage.PushSubscribe m = r.message();
        URI endpoint = Push.endpoint(m.endpoint());
        String service = Objects.requireNonNull(endpoint.getHost(), "checked by the protocol");
        if (!caller.role().isCareTeam()) {
            throw refused(caller, m.device(), service, ErrorCode.FORBIDDEN, "paging is for clinicians and supervisors");
        }
        if (!policy.configured()) {
            throw refused(
                    caller, m.device(), service, ErrorCode.PUSH_NOT_CONFIGURED, "this node does not page by Web Push");
        }
        if (!allowed(endpoint)) {
            throw refused(
                    caller,
                    m.device(),
                    service,
                    ErrorCode.PUSH_ENDPOINT_NOT_ALLOWED,
                    "this node does not send to the push service " + service);
        }
        UserRef user = new UserRef(caller.org(), caller.user());
        // The on-call flag is the user's last presence.set: kept from their subscriptions when they
        // have any (a console sends push.subscribe again after every welcome, when its fresh
        // connection is available whatever the user chose before), else their status now.
        CompletionStage<Boolean> onCall = store.list(user)
                .thenCombine(
                        presence.get(user),
                        (existing, now) -> existing.isEmpty()
                                ? now.status() == PresenceStatus.ON_CALL
                                : existing.get(0).onCall());
        return onCall.thenCompose(flag -> {
            PushSubscription subscription = new PushSubscription(
                    caller.org(),
                    caller.user(),
                    m.device(),
                    caller.role(),
                    caller.rooms(),
                    flag,
                    endpoint,
                    m.keys().p256dh(),
                    m.keys().auth(),
                    clock.instant());
            return store.save(subscription).thenApply(removed -> {
                audit.record(new AuditEvent(
                        caller.org(),
                        caller.user(),
                        "push.subscribe",
                        subject(caller.user(), m.device()),
                        "ok",
                        Map.of("service", service)));
                removed.forEach(this::auditRemoved);
                log.info("push subscribed user={} service={} removed={}", caller.user(), service, removed.size());
                return new Result.PushSubscribed(m.device(), subscription.subscribedAt());
            });
        });
    }

    private CompletionStage<Boolean> unsubscribe(Principal caller, String device) {
        if (!caller.role().isCareTeam()) {
            throw new Refusal(ErrorCode.FORBIDDEN, "paging is for clinicians and supervisors");
        }
        return store.remove(new UserRef(caller.org(), caller.user()), device).thenApply(removed -> {
            removed.ifPresent(s -> audit.record(new AuditEvent(
                    caller.org(),
                    caller.user(),
                    "push.unsubscribe",
                    subject(caller.user(), device),
                    "ok",
                    Map.of("service", s.service()))));
            return removed.isPresent();
        });
    }

    private CompletionStage<Result> list(Principal caller) {
        if (!caller.role().isCareTeam()) {
            throw new Refusal(ErrorCode.FORBIDDEN, "paging is for clinicians and supervisors");
        }
        return store.list(new UserRef(caller.org(), caller.user()))
                .thenApply(subscriptions -> new Result.PushSubscriptions(subscriptions.stream()
                        .map(s -> new Push.Subscription(s.device(), s.service(), s.subscribedAt()))
                        .toList()));
    }

    /** Whether the policy allows {@code endpoint}; a predicate that throws allows nothing. */
    private boolean allowed(URI endpoint) {
        try {
            return policy.endpointAllowed().test(endpoint);
        } catch (RuntimeException e) {
            log.warn("push endpoint check failed ({})", e.getClass().getSimpleName());
            return false;
        }
    }

    private Refusal refused(Principal caller, String device, String service, ErrorCode code, String message) {
        audit.record(new AuditEvent(
                caller.org(),
                caller.user(),
                "push.subscribe",
                subject(caller.user(), device),
                "refused:" + code.wire(),
                Map.of("service", service)));
        return new Refusal(code, message);
    }

    /** A subscription the store removed to make room (the user's oldest) or to give its endpoint to another. */
    private void auditRemoved(PushSubscription s) {
        audit.record(new AuditEvent(
                s.org(),
                AuditEvent.SYSTEM,
                "push.unsubscribe",
                subject(s.user(), s.device()),
                "ok",
                Map.of("service", s.service())));
    }

    /** The audit subject of a subscription: its user and device (opaque ids). */
    private static String subject(String user, String device) {
        return "push:" + user + "/" + device;
    }
}
