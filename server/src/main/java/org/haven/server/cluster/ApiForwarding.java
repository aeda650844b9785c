package org.haven.server.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.haven.server.api.ApiRequest;
import org.haven.server.api.ApiResponse;
import org.haven.server.api.ServingNode;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server API calls about an organisation another node serves, answered there: the call (method,
 * path, query, the credential, the idempotency key, the body) goes to the serving node over the bus
 * as an {@link NodeMessage.ApiAsked}, which runs it through its own API (verifying the credential
 * again, auditing it) and sends back an {@link NodeMessage.ApiAnswered}. A call unanswered within
 * {@link #ANSWER_WAIT} fails (the API answers {@code unavailable}; a retry with the same key is
 * safe where the serving node saw it: it keeps the key). A call the bus knows the serving node was
 * not listening for (it died, and its lease has not yet run out; {@link NodeBus#reach}) fails at
 * once, rather than after the wait: it cannot be answered.
 *
 * <p>Threading: any thread; answers complete on the bus's thread, time-outs on the timer's.
 */
public final class ApiForwarding implements ServingNode {

    private static final Logger log = LoggerFactory.getLogger(ApiForwarding.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How long a forwarded call waits for its answer: longer than the slowest served call (a raise
     * waits up to 2.5 s for the store), short enough that an integrator's retry comes soon.
     */
    static final Duration ANSWER_WAIT = Duration.ofSeconds(10);

    /** The headers the API reads; no other travels. */
    private static final String[] HEADERS = {"authorization", "idempotency-key"};

    /** A call on the bus. */
    record Call(String method, String path, Map<String, String> query, Map<String, String> headers, String body) {}

    /** An answer on the bus. */
    record Answer(
            int status,
            String json,
            Map<String, String> headers,
            @Nullable String error) {}

    private final String node;
    private final OrgOwnership ownership;
    private final NodeBus bus;
    private final ScheduledExecutorService timer;
    private final Map<String, CompletableFuture<ApiResponse>> waiting = new ConcurrentHashMap<>();
    private final AtomicLong asks = new AtomicLong();
    private volatile Function<ApiRequest, CompletionStage<ApiResponse>> local =
            r -> CompletableFuture.failedFuture(new IllegalStateException("the API is not started"));

    ApiForwarding(String node, OrgOwnership ownership, NodeBus bus, ScheduledExecutorService timer) {
        this.node = node;
        this.ownership = ownership;
        this.bus = bus;
        this.timer = timer;
    }

    /** How this node answers calls forwarded to it: its API's {@code handleForwarded}. */
    void answerWith(Function<ApiRequest, CompletionStage<ApiResponse>> api) {
        this.local = api;
    }

    @Override
    public CompletionStage<@Nullable ApiResponse> elsewhere(String org, ApiRequest request) {
        return ownership.ownerOf(org).thenCompose(owner -> owner.equals(node) ? here() : ask(owner, request));
    }

    @Override
    public CompletionStage<Boolean> servesHere(String org) {
        return ownership.ownerOf(org).thenApply(node::equals);
    }

    private static CompletionStage<@Nullable ApiResponse> here() {
        return CompletableFuture.completedFuture(null);
    }

    private CompletionStage<@Nullable ApiResponse> ask(String owner, ApiRequest request) {
        String ask = node + "-api-" + asks.incrementAndGet();
        CompletableFuture<ApiResponse> answer = new CompletableFuture<>();
        waiting.put(ask, answer);
        answer.whenComplete((r, e) -> waiting.remove(ask));
        try {
            ScheduledFuture<?> timeout = timer.schedule(
                    () -> answer.completeExceptionally(new TimeoutException("no answer from " + owner)),
                    ANSWER_WAIT.toMillis(),
                    TimeUnit.MILLISECONDS);
            answer.whenComplete((r, e) -> timeout.cancel(false)); // a cancelled time-out does nothing
        } catch (RejectedExecutionException stopping) {
            answer.completeExceptionally(stopping);
            return answer.thenApply(r -> r);
        }
        bus.reach(owner, NodeCodec.encode(new NodeMessage.ApiAsked(node, ask, write(request))))
                .whenComplete((reached, e) -> {
                    if (e != null) {
                        answer.completeExceptionally(e);
                    } else if (!reached) {
                        answer.completeExceptionally(new NotListening());
                    }
                });
        return answer.thenApply(r -> r);
    }

    /** The serving node did not receive the call: nobody listens on its channel of the bus. */
    static final class NotListening extends IllegalStateException {
        NotListening() {
            super("the serving node is not listening", null);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // an expected outcome, logged by its class name alone
        }
    }

    /** Serving side: runs a call another node forwarded, and sends it the answer. */
    void asked(NodeMessage.ApiAsked asked) {
        ApiRequest request = read(asked.request());
        CompletionStage<ApiResponse> answer = request == null
                ? CompletableFuture.failedFuture(new IllegalArgumentException("unreadable call"))
                : local.apply(request);
        answer.whenComplete((response, failure) -> {
            if (failure != null) {
                log.warn(
                        "forwarded api call not answered from={} ({})",
                        asked.from(),
                        failure.getClass().getSimpleName());
                return; // the asking node answers unavailable when its wait ends
            }
            Answer wire = new Answer(
                    response.status(),
                    response.json(),
                    response.headers(),
                    response.error() == null ? null : response.error().wire());
            bus.send(asked.from(), NodeCodec.encode(new NodeMessage.ApiAnswered(asked.ask(), json(wire))))
                    .whenComplete((v, e) -> {
                        if (e != null) {
                            log.warn(
                                    "api answer not sent node={} ({})",
                                    asked.from(),
                                    e.getClass().getSimpleName());
                        }
                    });
        });
    }

    /** Asking side: the serving node's answer. */
    void answered(NodeMessage.ApiAnswered answered) {
        CompletableFuture<ApiResponse> waiter = waiting.get(answered.ask());
        if (waiter == null) {
            return; // it timed out already
        }
        try {
            Answer a = JSON.readValue(answered.response(), Answer.class);
            waiter.complete(ApiResponse.of(a.status(), a.json(), a.headers(), a.error()));
        } catch (JsonProcessingException | RuntimeException e) {
            waiter.completeExceptionally(new IllegalStateException("unreadable answer"));
        }
    }

    private static String write(ApiRequest request) {
        Map<String, String> headers = new HashMap<>();
        for (String name : HEADERS) {
            String value = request.header(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        return json(new Call(
                request.method(),
                request.path(),
                request.query(),
                headers,
                Base64.getEncoder().encodeToString(request.bodyCopy())));
    }

    private static @Nullable ApiRequest read(String text) {
        try {
            Call c = JSON.readValue(text, Call.class);
            return new ApiRequest(
                    c.method(),
                    c.path(),
                    c.query(),
                    c.headers(),
                    Base64.getDecoder().decode(c.body()));
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a record of strings always writes", e);
        }
    }
}
