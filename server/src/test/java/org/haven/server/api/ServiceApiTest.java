package org.haven.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Refusal;
import org.haven.server.audit.AuditRecord;
import org.haven.server.audit.InMemoryAuditTrail;
import org.haven.server.auth.Scope;
import org.haven.server.auth.ServicePrincipal;
import org.haven.server.auth.TokenRejectedException;
import org.haven.server.session.Revocations;
import org.haven.server.testing.MutableClock;
import org.junit.jupiter.api.Test;

/** The API's framework without sockets: routing, credentials, idempotency, errors, audit; time moved by hand. */
class ServiceApiTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final InMemoryAuditTrail audit = new InMemoryAuditTrail(clock);
    private final AtomicInteger runs = new AtomicInteger();
    private final AtomicInteger onExecutor = new AtomicInteger();
    private volatile CompletionStage<?> next = CompletableFuture.completedFuture(new Echo("done"));
    private volatile boolean revoked;
    private volatile boolean full;

    record Echo(String said) {}

    private final Executor executor = task -> {
        if (full) {
            throw new RejectedExecutionException("full");
        }
        onExecutor.incrementAndGet();
        task.run();
    };

    private final ServiceApi api = new ServiceApi(
            List.of(
                    ApiRoute.of("PUT", "/api/v1/things/{thing}", "things.set", Scope.CARE_WRITE, call -> {
                        runs.incrementAndGet();
                        return next;
                    }),
                    ApiRoute.open(
                            "GET", "/api/v1/open", "open", call -> CompletableFuture.completedFuture(new Echo("hi")))),
            token -> {
                if (!token.startsWith("svc-")) {
                    throw new TokenRejectedException(TokenRejectedException.Reason.MALFORMED, "not a service");
                }
                return new ServicePrincipal(
                        token.substring(4),
                        "demo",
                        Set.of(Scope.CARE_WRITE),
                        "jti-" + token,
                        clock.instant().plusSeconds(600));
            },
            revocationsOf(),
            audit,
            executor,
            1024,
            clock);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    /** Where the served route's organisation is served, as the test says: here (null), elsewhere, or unknown. */
    private volatile CompletionStage<ApiResponse> servedElsewhere = CompletableFuture.completedFuture(null);

    private final ServiceApi cluster = new ServiceApi(
            List.of(ApiRoute.served("POST", "/api/v1/served", "served.do", Scope.CARE_WRITE, call -> {
                runs.incrementAndGet();
                return CompletableFuture.completedFuture(new Echo("here"));
            })),
            token -> new ServicePrincipal(
                    token.substring(4),
                    "demo",
                    Set.of(Scope.CARE_WRITE),
                    "jti-" + token,
                    clock.instant().plusSeconds(600)),
            revocationsOf(),
            audit,
            executor,
            ApiLimits.bodyOnly(1024),
            clock,
            new ServingNode() {
                @Override
                public CompletionStage<ApiResponse> elsewhere(String org, ApiRequest request) {
                    asked.incrementAndGet();
                    return servedElsewhere;
                }

                @Override
                public CompletionStage<Boolean> servesHere(String org) {
                    return CompletableFuture.completedFuture(
                            servedElsewhere.toCompletableFuture().getNow(null) == null);
                }
            },
            meters);

    /** How many times the served route asked another node. */
    private final AtomicInteger asked = new AtomicInteger();

    /** Revocations that end nothing; a service is revoked while {@link #revoked} says so. */
    private Revocations revocationsOf() {
        return new Revocations() {
            @Override
            public CompletionStage<Integer> revokeToken(String tokenId) {
                return CompletableFuture.completedFuture(0);
            }

            @Override
            public CompletionStage<Integer> revokeUser(String org, String user) {
                return CompletableFuture.completedFuture(0);
            }

            @Override
            public CompletionStage<Integer> disconnectUser(String org, String user) {
                return CompletableFuture.completedFuture(0);
            }

            @Override
            public boolean isRevoked(ServicePrincipal service) {
                return revoked;
            }
        };
    }

    private ApiResponse served(boolean forwarded) {
        ApiRequest request =
                new ApiRequest("POST", "/api/v1/served", Map.of("Authorization", "Bearer svc-ehr"), new byte[0]);
        try {
            return (forwarded ? cluster.handleForwarded(request) : cluster.handle(request))
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aServedRouteRunsWhereTheOrganisationIsServedAndNowhereElse() {
        assertThat(served(false).json()).isEqualTo("{\"said\":\"here\"}");
        assertThat(runs).hasValue(1);
        servedElsewhere = CompletableFuture.completedFuture(new ApiResponse(200, "{\"said\":\"there\"}", Map.of()));
        assertThat(served(false).json()).as("the serving node's answer").isEqualTo("{\"said\":\"there\"}");
        int askedBefore = asked.get();
        assertThat(served(true).status())
                .as("a forwarded call that finds the organisation gone is not forwarded again")
                .isEqualTo(503);
        assertThat(asked.get()).as("nor asked of a third node").isEqualTo(askedBefore);
        servedElsewhere = CompletableFuture.failedFuture(new java.util.concurrent.TimeoutException("no answer"));
        ApiResponse unreachable = served(false);
        assertThat(unreachable.status()).isEqualTo(503);
        assertThat(unreachable.headers()).containsEntry("Retry-After", "1");
        assertThat(unreachable.json()).contains("\"code\":\"unavailable\"");
        assertThat(runs)
                .as("the handler ran only where the organisation is served")
                .hasValue(1);
        assertThat(audit.records())
                .extracting(AuditRecord::outcome)
                .as("what this node answered is audited here; the serving node audits its own")
                .containsExactly("ok", "failed:unavailable", "failed:unavailable");
        assertThat(count("ok", "false")).isEqualTo(2); // here, and the other node's answer
        assertThat(count("unavailable", "false")).isEqualTo(1);
        assertThat(count("unavailable", "true")).isEqualTo(1);
        assertThat(meters.get("haven.api.request")
                        .tag("endpoint", "served.do")
                        .timer()
                        .count())
                .isEqualTo(4);
    }

    private double count(String outcome, String forwarded) {
        return meters.get("haven.api.requests")
                .tags("endpoint", "served.do", "outcome", outcome, "forwarded", forwarded)
                .counter()
                .count();
    }

    @Test
    void eachServiceHasItsRateAndOneOverItSlowsOnlyItself() {
        ServiceApi limited = new ServiceApi(
                List.of(ApiRoute.of("PUT", "/api/v1/things/{thing}", "things.set", Scope.CARE_WRITE, call -> {
                    runs.incrementAndGet();
                    return CompletableFuture.completedFuture(new Echo("done"));
                })),
                token -> new ServicePrincipal(
                        token.substring(4),
                        "demo",
                        Set.of(Scope.CARE_WRITE),
                        "jti-" + token,
                        clock.instant().plusSeconds(600)),
                revocationsOf(),
                audit,
                executor,
                new ApiLimits(1024, 2, 3),
                clock,
                ServingNode.ALONE,
                meters);
        java.util.function.Function<String, Integer> call = token -> {
            try {
                return limited.handle(new ApiRequest(
                                "PUT", "/api/v1/things/t-1", Map.of("Authorization", "Bearer " + token), new byte[0]))
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS)
                        .status();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        assertThat(List.of(call.apply("svc-ehr"), call.apply("svc-ehr"), call.apply("svc-ehr")))
                .containsOnly(200);
        assertThat(call.apply("svc-ehr")).as("past its burst").isEqualTo(429);
        assertThat(call.apply("svc-crm")).as("another service is not slowed").isEqualTo(200);
        clock.advance(Duration.ofMillis(500));
        assertThat(call.apply("svc-ehr")).as("a token earned back").isEqualTo(200);
        assertThat(call.apply("svc-ehr")).isEqualTo(429);
        assertThat(runs).hasValue(5);
        assertThat(meters.get("haven.api.requests")
                        .tags("endpoint", "things.set", "outcome", "rate_limited")
                        .counter()
                        .count())
                .isEqualTo(2);
    }

    private ApiResponse put(String token, String key, String body) {
        Map<String, String> headers = key == null
                ? Map.of("Authorization", "Bearer " + token)
                : Map.of("Authorization", "Bearer " + token, "Idempotency-Key", key);
        return send(new ApiRequest("PUT", "/api/v1/things/t-1", headers, body.getBytes(StandardCharsets.UTF_8)));
    }

    private ApiResponse send(ApiRequest request) {
        try {
            return api.handle(request).toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aKeyIsRememberedForADayPerServiceThenForgotten() {
        assertThat(put("svc-ehr", "k-1", "{}").json()).isEqualTo("{\"said\":\"done\"}");
        clock.advance(Duration.ofHours(23));
        ApiResponse retry = put("svc-ehr", "k-1", "{}");
        assertThat(retry.headers()).containsEntry("Idempotent-Replayed", "true");
        assertThat(runs).hasValue(1);
        put("svc-crm", "k-1", "{}"); // another service's key
        assertThat(runs).hasValue(2);
        clock.advance(Duration.ofHours(2));
        assertThat(put("svc-ehr", "k-1", "{}").headers()).doesNotContainKey("Idempotent-Replayed");
        assertThat(runs).hasValue(3);
    }

    @Test
    void aRetryWhileTheFirstRunsWaitsForItsAnswer() {
        CompletableFuture<Echo> slow = new CompletableFuture<>();
        next = slow;
        CompletionStage<ApiResponse> first = api.handle(new ApiRequest(
                "PUT",
                "/api/v1/things/t-1",
                Map.of("authorization", "Bearer svc-ehr", "idempotency-key", "k"),
                new byte[0]));
        CompletionStage<ApiResponse> retry = api.handle(new ApiRequest(
                "PUT",
                "/api/v1/things/t-1",
                Map.of("authorization", "Bearer svc-ehr", "idempotency-key", "k"),
                new byte[0]));
        assertThat(retry.toCompletableFuture()).isNotDone();
        slow.complete(new Echo("late"));
        assertThat(first.toCompletableFuture().join().json()).isEqualTo("{\"said\":\"late\"}");
        assertThat(retry.toCompletableFuture().join().json()).isEqualTo("{\"said\":\"late\"}");
        assertThat(runs).hasValue(1);
    }

    @Test
    void anAnswerThatSaysTryAgainIsNotRemembered() {
        next = CompletableFuture.failedFuture(new Refusal(ErrorCode.RATE_LIMITED, "the store is behind"));
        ApiResponse behind = put("svc-ehr", "k-2", "{}");
        assertThat(behind.status()).isEqualTo(429);
        assertThat(behind.headers()).containsEntry("Retry-After", "1");
        next = CompletableFuture.completedFuture(new Echo("stored"));
        assertThat(put("svc-ehr", "k-2", "{}").status()).isEqualTo(200);
        assertThat(runs).hasValue(2);
    }

    @Test
    void anUnexpectedFailureIsInternalWithAReferenceNeverItsMessage() {
        next = CompletableFuture.failedFuture(new IllegalStateException("secret detail of 12 Elm Street"));
        ApiResponse failed = put("svc-ehr", null, "{}");
        assertThat(failed.status()).isEqualTo(500);
        assertThat(failed.json()).contains("\"code\":\"internal\"", "reference").doesNotContain("Elm", "Exception");
        next = CompletableFuture.failedFuture(new Refusal(ErrorCode.ALREADY_JOINED, "not mapped yet"));
        assertThat(put("svc-ehr", null, "{}").status()).isEqualTo(500);
        assertThat(audit.records()).extracting(AuditRecord::outcome).contains("failed:internal");
    }

    @Test
    void aFullQueueBehindTheHandlerIsRateLimitedWithRetryAfterNotInternal() {
        next = CompletableFuture.failedFuture(new RejectedExecutionException("db-read full"));
        ApiResponse full = put("svc-ehr", null, "{}");
        assertThat(full.status()).isEqualTo(429);
        assertThat(full.headers()).containsEntry("Retry-After", "1");
        assertThat(full.json()).contains("\"code\":\"rate_limited\"").doesNotContain("db-read");
        assertThat(audit.records()).extracting(AuditRecord::outcome).containsExactly("refused:rate_limited");
    }

    @Test
    void credentialsAreCheckedBeforeAnythingRunsAndOnTheExecutor() {
        assertThat(put("user-token", null, "{}").status()).isEqualTo(401);
        revoked = true;
        assertThat(put("svc-ehr", null, "{}").status()).isEqualTo(401);
        assertThat(runs).hasValue(0);
        revoked = false;
        assertThat(put("svc-ehr", null, "{}").status()).isEqualTo(200);
        assertThat(onExecutor).hasValue(3);
        full = true;
        assertThat(put("svc-ehr", null, "{}").status()).isEqualTo(429);
    }

    @Test
    void aPublicRouteNeedsNoCredentialAndAnOversizedBodyIsRefused() {
        ApiResponse open = send(new ApiRequest("GET", "/api/v1/open", Map.of(), new byte[0]));
        assertThat(open.json()).isEqualTo("{\"said\":\"hi\"}");
        assertThat(send(new ApiRequest("HEAD", "/api/v1/open", Map.of(), new byte[0]))
                        .status())
                .isEqualTo(200);
        assertThat(put("svc-ehr", null, "x".repeat(1025)).status()).isEqualTo(413);
        ApiResponse badParameter = send(
                new ApiRequest("PUT", "/api/v1/things/%00", Map.of("Authorization", "Bearer svc-ehr"), new byte[0]));
        assertThat(badParameter.status()).isEqualTo(400);
        assertThat(send(new ApiRequest("PUT", "/api/v1/things", Map.of(), new byte[0]))
                        .status())
                .isEqualTo(404);
        ApiResponse post = send(new ApiRequest("POST", "/api/v1/things/t-1", Map.of(), new byte[0]));
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.headers()).containsEntry("Allow", "PUT");
    }

    @Test
    void pathTemplatesDecodeTheirParameters() {
        PathTemplate t = new PathTemplate("/api/v1/clients/{client}/care");
        assertThat(t.parameters()).containsExactly("client");
        assertThat(t.match("/api/v1/clients/al%20ice+1/care")).containsEntry("client", "al ice+1");
        assertThat(t.match("/api/v1/clients/alice/care/plan")).isNull();
        assertThat(t.match("/api/v1/clients//care")).isNull();
    }
}
