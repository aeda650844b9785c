package org.haven.server.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server API's meters: {@code haven_api_requests_total{endpoint,outcome,forwarded}} (the
 * endpoint's name from the routes table, {@code none} for a path no route serves; the outcome
 * {@code ok} or the error's code; {@code forwarded} whether another node sent the call here) and
 * {@code haven_api_request_seconds{endpoint}}, from the request read to the answer. Tags come from
 * the table and {@link ApiError} only: a bounded set, and nothing about a person or an organisation.
 *
 * <p>Threading: any thread (Micrometer's meters are).
 */
final class ApiMetrics {

    /** The endpoint of a call no route serves. */
    static final String NONE = "none";

    private final MeterRegistry registry;

    /** The meters of {@code routes}, each registered at once so a scrape lists them before the first call. */
    ApiMetrics(MeterRegistry registry, List<ApiRoute> routes) {
        this.registry = registry;
        for (ApiRoute route : routes) {
            requests(route.name(), "ok", false);
            duration(route.name());
        }
    }

    /** One answered call. */
    void answered(String endpoint, ApiResponse response, boolean forwarded, long nanos) {
        ApiError error = response.error();
        requests(endpoint, error == null ? "ok" : error.wire(), forwarded).increment();
        duration(endpoint).record(nanos, TimeUnit.NANOSECONDS);
    }

    private Counter requests(String endpoint, String outcome, boolean forwarded) {
        return Counter.builder("haven.api.requests")
                .description("Server API calls answered, by endpoint and outcome")
                .tag("endpoint", endpoint)
                .tag("outcome", outcome)
                .tag("forwarded", Boolean.toString(forwarded))
                .register(registry);
    }

    private Timer duration(String endpoint) {
        return Timer.builder("haven.api.request")
                .description("Server API calls, from the request read to the answer")
                .tag("endpoint", endpoint)
                .register(registry);
    }
}
