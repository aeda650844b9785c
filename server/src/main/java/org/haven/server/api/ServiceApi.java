package org.haven.server.api;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import org.haven.protocol.Refusal;
import org.haven.server.audit.AuditEvent;
import org.haven.server.audit.AuditTrail;
import org.haven.server.auth.Scope;
import org.haven.server.auth.ServicePrincipal;
import org.haven.server.auth.ServiceTokenVerifier;
import org.haven.server.auth.TokenRejectedException;
import org.haven.server.session.Revocations;
import org.haven.server.storage.StoreUnreachableException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server API under {@code /api/v1/}: every request goes the same way, so an endpoint is only
 * its row in {@link ApiRoutes} and its handler.
 *
 * <ol>
 *   <li>the route: the path's template and the method (404 {@code not_found}, 405
 *       {@code method_not_allowed} with {@code Allow}); the body's size (413 {@code too_large});
 *   <li>the credential, unless the route is public: {@code Authorization: Bearer} a service
 *       credential, verified with the node's keys, issuer and audience, not revoked (401
 *       {@code unauthorized} with {@code WWW-Authenticate: Bearer}; a user's token is refused so);
 *   <li>the service's rate ({@link ApiRateLimits}: 429 {@code rate_limited});
 *   <li>the route's scope (403 {@code forbidden});
 *   <li>for a {@linkplain ApiRoute#served served} route, the node serving the organisation: when
 *       another node serves it, the call goes there ({@link ServingNode}) and its answer is this
 *       call's (503 {@code unavailable} when it cannot be had; a forwarded call is never forwarded
 *       again);
 *   <li>on POST and PUT, the {@code Idempotency-Key} ({@link IdempotencyKeys});
 *   <li>the handler, on the API's thread (never an event loop): its body, or its refusal mapped to
 *       the API's codes ({@link ApiError}), or {@code internal} with a logged reference, never a
 *       stack trace;
 *   <li>the audit record of every authenticated call: actor {@code service:<name>}, action
 *       {@code api.<route name>}, the subject (opaque ids), the outcome.
 * </ol>
 *
 * <p>Threading: {@link #handle} is called on event loops and returns at once; verification,
 * handlers and audit run on the executor given (the node's {@code haven-api} thread, bounded: a
 * full queue is answered 429), completions on the stores' threads.
 */
public final class ServiceApi {

    private static final Logger log = LoggerFactory.getLogger(ServiceApi.class);

    /** Every path under it is the API's. */
    public static final String PREFIX = "/api/";

    private final List<ApiRoute> routes;
    private final ServiceTokenVerifier verifier;
    private final Revocations revocations;
    private final AuditTrail audit;
    private final Executor executor;
    private final int maxBodyBytes;
    private final IdempotencyKeys idempotency;
    private final ServingNode serving;
    private final ApiMetrics metrics;
    private final ApiRateLimits rates;

    /** The API of a node alone (it serves every organisation). */
    public ServiceApi(
            List<ApiRoute> routes,
            ServiceTokenVerifier verifier,
            Revocations revocations,
            AuditTrail audit,
            Executor executor,
            int maxBodyBytes,
            Ticker ticker) {
        this(
                routes,
                verifier,
                revocations,
                audit,
                executor,
                ApiLimits.bodyOnly(maxBodyBytes),
                ticker,
                ServingNode.ALONE,
                new SimpleMeterRegistry());
    }

    /**
     * The API of {@code routes} within {@code limits}; idempotency keys and rates timed by
     * {@code ticker}; served routes answered where {@code serving} says; meters in {@code meters}.
     */
    public ServiceApi(
            List<ApiRoute> routes,
            ServiceTokenVerifier verifier,
            Revocations revocations,
            AuditTrail audit,
            Executor executor,
            ApiLimits limits,
            Ticker ticker,
            ServingNode serving,
            MeterRegistry meters) {
        this.routes = List.copyOf(routes);
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.revocations = Objects.requireNonNull(revocations, "revocations");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.maxBodyBytes = limits.maxBodyBytes();
        this.rates = new ApiRateLimits(limits.perSecond(), limits.burst(), ticker);
        this.idempotency = new IdempotencyKeys(ticker);
        this.serving = Objects.requireNonNull(serving, "serving");
        this.metrics = new ApiMetrics(meters, this.routes);
        Set<String> seen = new LinkedHashSet<>();
        for (ApiRoute r : this.routes) {
            if (!seen.add(r.method() + " " + r.path())) {
                throw new IllegalArgumentException("route listed twice: " + r.method() + " " + r.path());
            }
        }
    }

    /** The routes, as the table lists them. */
    public List<ApiRoute> routes() {
        return routes;
    }

    /** The largest body accepted, in bytes. */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** The answer to {@code request}; the stage never fails (a failure is an {@code internal} answer). */
    public CompletionStage<ApiResponse> handle(ApiRequest request) {
        return handle(request, false);
    }

    /**
     * The answer to {@code request}, which another node forwarded here as the node serving its
     * organisation: answered here, or {@code unavailable} when this node no longer serves it (never
     * forwarded again, so a call cannot go round between nodes).
     */
    public CompletionStage<ApiResponse> handleForwarded(ApiRequest request) {
        return handle(request, true);
    }

    private CompletionStage<ApiResponse> handle(ApiRequest request, boolean forwarded) {
        long started = System.nanoTime();
        String[] endpoint = {ApiMetrics.NONE};
        return answer(request, forwarded, endpoint).whenComplete((response, failure) -> {
            if (response != null) {
                metrics.answered(endpoint[0], response, forwarded, System.nanoTime() - started);
            }
        });
    }

    /** The answer; {@code endpoint[0]} is set to the route's name once it is known. */
    private CompletionStage<ApiResponse> answer(ApiRequest request, boolean forwarded, String[] endpoint) {
        try {
            Matched matched = route(request);
            endpoint[0] = matched.route().name();
            if (request.body().length > maxBodyBytes) {
                throw new ApiRefusal(ApiError.TOO_LARGE, "the body is larger than " + maxBodyBytes + " bytes");
            }
            if (matched.route().scope() == null) {
                return call(matched, null, request);
            }
            String token = bearer(request);
            CompletableFuture<CompletionStage<ApiResponse>> authorized;
            try {
                authorized =
                        CompletableFuture.supplyAsync(() -> authorized(matched, token, request, forwarded), executor);
            } catch (RejectedExecutionException full) {
                throw busy();
            }
            return authorized
                    .thenCompose(answer -> answer)
                    .exceptionally(failure -> internal(matched.route(), unwrap(failure)));
        } catch (ApiRefusal refused) {
            return CompletableFuture.completedFuture(refused.toResponse());
        }
    }

    /** A route and the parameters its template read from the path. */
    private record Matched(ApiRoute route, Map<String, String> parameters) {}

    private Matched route(ApiRequest request) {
        String method = request.method().equals("HEAD") ? "GET" : request.method();
        List<String> allowed = new ArrayList<>();
        for (ApiRoute r : routes) {
            Map<String, String> parameters = r.path().match(request.path());
            if (parameters == null) {
                continue;
            }
            if (r.method().equals(method)) {
                return new Matched(r, parameters);
            }
            allowed.add(r.method());
        }
        if (allowed.isEmpty()) {
            throw new ApiRefusal(ApiError.NOT_FOUND, "no such endpoint (docs: GET /api/v1/openapi.json)");
        }
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        throw new ApiRefusal(
                ApiError.METHOD_NOT_ALLOWED,
                "this path takes " + String.join(", ", allowed),
                Map.of("Allow", String.join(", ", allowed)));
    }

    private static ApiRefusal busy() {
        return new ApiRefusal(
                ApiError.RATE_LIMITED,
                "the node has too many API calls waiting; try again shortly",
                Map.of("Retry-After", "1"));
    }

    /** What a forwarded call finds when the organisation is no longer served here (never sent as is). */
    private static final ApiResponse MOVED = new ApiResponse(503, "{}", Map.of());

    private static ApiResponse unavailable(String message) {
        return new ApiRefusal(ApiError.UNAVAILABLE, message, Map.of("Retry-After", "1")).toResponse();
    }

    private static String bearer(ApiRequest request) {
        String auth = request.header("Authorization");
        if (auth == null || auth.length() < 8 || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized(null, "a service credential is required: Authorization: Bearer <token>");
        }
        return auth.substring(7).trim();
    }

    private static ApiRefusal unauthorized(@Nullable String error, String message) {
        // RFC 6750 section 3: a request without a credential gets the scheme alone.
        String challenge = error == null ? "Bearer realm=\"haven\"" : "Bearer realm=\"haven\", error=\"" + error + "\"";
        return new ApiRefusal(ApiError.UNAUTHORIZED, message, Map.of("WWW-Authenticate", challenge));
    }

    /** On the API's thread: the credential, the scope, the serving node, the key, then the handler. */
    private CompletionStage<ApiResponse> authorized(
            Matched matched, String token, ApiRequest request, boolean forwarded) {
        ApiRoute route = matched.route();
        ServicePrincipal service;
        try {
            service = verifier.verifyService(token);
        } catch (TokenRejectedException e) {
            log.info("api call refused status=401 route={} reason={}", route.name(), e.reason());
            return done(unauthorized(
                            "invalid_token",
                            "the credential was refused (" + e.reason().name().toLowerCase(java.util.Locale.ROOT)
                                    + "): the API takes a service credential")
                    .toResponse());
        }
        if (revocations.isRevoked(service)) {
            log.info("api call refused status=401 route={} service={} reason=revoked", route.name(), service.name());
            return done(
                    unauthorized("invalid_token", "the credential was revoked").toResponse());
        }
        if (!forwarded && !rates.allows(service)) { // charged where the call arrived, once
            // Not audited (a flood would flood the trail): counted in haven_api_requests_total.
            return done(new ApiRefusal(
                            ApiError.RATE_LIMITED,
                            "this service is over its rate of API calls; try again shortly",
                            Map.of("Retry-After", "1"))
                    .toResponse());
        }
        Scope needed = Objects.requireNonNull(route.scope(), "an authenticated route has a scope");
        if (!service.has(needed)) {
            ApiResponse refused =
                    new ApiRefusal(ApiError.FORBIDDEN, "this endpoint needs the scope " + needed.wire()).toResponse();
            record(service, route, subjectOf(service, matched.parameters(), null), refused, Map.of());
            return done(refused);
        }
        return route.served() ? served(matched, service, request, forwarded) : idempotent(matched, service, request);
    }

    /**
     * A served route: answered here when this node serves the organisation, else by the node that
     * does (that node audits it); {@code unavailable} when that cannot be had, or when a forwarded
     * call finds the organisation gone from here too.
     */
    private CompletionStage<ApiResponse> served(
            Matched matched, ServicePrincipal service, ApiRequest request, boolean forwarded) {
        ApiRoute route = matched.route();
        CompletionStage<@Nullable ApiResponse> where;
        try {
            // A forwarded call only asks whether it is here: forwarding it on would run it on a third
            // node while the node that asked answered "unavailable" (nothing changed).
            where = forwarded
                    ? serving.servesHere(service.org()).thenApply(here -> here ? null : MOVED)
                    : serving.elsewhere(service.org(), request);
        } catch (RuntimeException e) {
            where = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<ApiResponse> answer = new CompletableFuture<>();
        where.whenComplete((there, failure) -> {
            ApiResponse refused = null;
            if (failure != null) {
                log.warn(
                        "api call not answered by the serving node route={} org={} ({})",
                        route.name(),
                        service.org(),
                        unwrap(failure).getClass().getSimpleName());
                refused = unavailable("the node serving the organisation could not be reached; try again");
            } else if (there != null && forwarded) {
                refused = unavailable("the organisation moved to another node during the call; try again");
            } else if (there != null) {
                answer.complete(there); // the serving node ran and audited it
                return;
            }
            if (refused != null) {
                record(service, route, subjectOf(service, matched.parameters(), null), refused, Map.of());
                answer.complete(refused);
                return;
            }
            try { // the store's or the bus's thread: back to the API's
                executor.execute(() -> idempotent(matched, service, request).whenComplete((r, e) -> {
                    if (e != null) {
                        answer.completeExceptionally(e);
                    } else {
                        answer.complete(r);
                    }
                }));
            } catch (RejectedExecutionException full) {
                answer.complete(busy().toResponse());
            }
        });
        return answer;
    }

    /** The {@code Idempotency-Key}, when the route takes one, then the handler. */
    private CompletionStage<ApiResponse> idempotent(Matched matched, ServicePrincipal service, ApiRequest request) {
        ApiRoute route = matched.route();
        String key = request.header("Idempotency-Key");
        if (key == null || !route.takesIdempotencyKey()) {
            return call(matched, service, request);
        }
        if (!IdempotencyKeys.isValid(key)) {
            return done(new ApiRefusal(ApiError.INVALID_MESSAGE, "Idempotency-Key: 1..255 visible ASCII characters")
                    .toResponse());
        }
        String fingerprint = request.method() + " " + request.path() + " " + sha256(request.body());
        return idempotency
                .once(service.org() + "\n" + service.name(), key, fingerprint, () -> call(matched, service, request))
                .thenApply(response -> {
                    if (response.headers().containsKey(IdempotencyKeys.REPLAYED)) {
                        record(
                                service,
                                route,
                                subjectOf(service, matched.parameters(), null),
                                response,
                                Map.of("replayed", "true"));
                    }
                    return response;
                });
    }

    /** Runs the handler; its answer, refusal or failure as a response; audited when a service called. */
    private CompletionStage<ApiResponse> call(Matched matched, @Nullable ServicePrincipal service, ApiRequest request) {
        ApiRoute route = matched.route();
        ApiCall call = new ApiCall(service, matched.parameters(), request.query(), request.body());
        CompletionStage<?> stage;
        try {
            stage = route.handler().handle(call);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        return stage.handle((body, failure) -> {
            ApiResponse response = failure == null ? ok(body) : answer(route, unwrap(failure));
            if (service != null) {
                record(
                        service,
                        route,
                        subjectOf(service, matched.parameters(), call.subject()),
                        response,
                        call.details());
            }
            return response;
        });
    }

    private static ApiResponse ok(@Nullable Object body) {
        if (body instanceof ApiResponse response) {
            return response;
        }
        return new ApiResponse(200, body == null ? "{}" : ApiJson.encode(body), Map.of());
    }

    private static ApiResponse answer(ApiRoute route, Throwable failure) {
        if (failure instanceof ApiRefusal refused) {
            return refused.toResponse();
        }
        if (failure instanceof RejectedExecutionException) {
            // A full queue behind the handler (a store's lane, the database's reads): the caller is
            // to come back shortly, as for the API's own queue, not told the server failed.
            return comeBack(ApiError.RATE_LIMITED, "the node has too much of this work waiting; try again shortly");
        }
        if (failure instanceof TimeoutException || failure instanceof StoreUnreachableException) {
            // A read of the store past its deadline (a database that stalled), or a store that could
            // not be reached (restarting): the node is up, the store behind it is not; the caller is
            // to come back, not told the server failed.
            return comeBack(ApiError.UNAVAILABLE, "the node's store did not answer in time; try again shortly");
        }
        if (failure instanceof Refusal refused) {
            ApiError error = ApiError.of(refused.code());
            if (error != null) {
                Map<String, String> headers = error == ApiError.RATE_LIMITED ? Map.of("Retry-After", "1") : Map.of();
                return new ApiRefusal(error, String.valueOf(refused.getMessage()), headers).toResponse();
            }
        }
        return internal(route, failure);
    }

    /** A refusal the caller is to retry after a second ({@code Retry-After: 1}). */
    private static ApiResponse comeBack(ApiError error, String message) {
        return new ApiRefusal(error, message, Map.of("Retry-After", "1")).toResponse();
    }

    /** An unexpected failure: logged with a reference (its type and place, never its message), answered with it. */
    private static ApiResponse internal(ApiRoute route, Throwable failure) {
        String reference = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        log.error("api call failed reference={} route={}", reference, route.name(), failure);
        return new ApiRefusal(ApiError.INTERNAL, "the request could not be completed (reference " + reference + ")")
                .toResponse();
    }

    /** What the call concerns: the endpoint's word, else its first path parameter, else the organisation. */
    private static String subjectOf(ServicePrincipal service, Map<String, String> parameters, @Nullable String named) {
        if (named != null) {
            return named;
        }
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            return p.getKey() + ":" + service.org() + "/" + p.getValue();
        }
        return "org:" + service.org();
    }

    private void record(
            ServicePrincipal service,
            ApiRoute route,
            String subject,
            ApiResponse response,
            Map<String, String> details) {
        ApiError error = response.error();
        // 501: the node does not offer the endpoint, as it said; a refusal, not a failure.
        boolean refused = error != null && (error.status() < 500 || error == ApiError.NOT_CONFIGURED);
        String outcome = error == null ? "ok" : (refused ? "refused:" : "failed:") + error.wire();
        audit.record(new AuditEvent(service.org(), service.actor(), "api." + route.name(), subject, outcome, details));
    }

    private static CompletionStage<ApiResponse> done(ApiResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
