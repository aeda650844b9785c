package org.haven.server.api;

import java.util.Objects;
import java.util.Set;
import org.haven.server.auth.Scope;
import org.jspecify.annotations.Nullable;

/**
 * One row of the routes table ({@link ApiRoutes}): a method and a path template, the endpoint's name
 * (its audit action is {@code api.<name>}), the scope a service credential needs ({@code null}: a
 * public route, no credential), the handler, and whether the handler runs on the node serving the
 * caller's organisation ({@code served}: its alerts, rooms and sessions live there only; the call
 * is forwarded there, {@link ServingNode}) or on any node (records every node reads from the store).
 */
public record ApiRoute(
        String method,
        PathTemplate path,
        String name,
        @Nullable Scope scope,
        ApiHandler handler,
        boolean served) {

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE");

    public ApiRoute {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(handler, "handler");
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("method: " + method + " (expected: one of " + METHODS + ")");
        }
    }

    /** A route a service credential with {@code scope} may call, answered by the node it reached. */
    static ApiRoute of(String method, String path, String name, Scope scope, ApiHandler handler) {
        return new ApiRoute(
                method, new PathTemplate(path), name, Objects.requireNonNull(scope, "scope"), handler, false);
    }

    /**
     * A route a service credential with {@code scope} may call, answered by the node serving the
     * service's organisation (the call is forwarded there when another node serves it).
     */
    static ApiRoute served(String method, String path, String name, Scope scope, ApiHandler handler) {
        return new ApiRoute(
                method, new PathTemplate(path), name, Objects.requireNonNull(scope, "scope"), handler, true);
    }

    /** A route anyone may call, with no credential (the API's description). */
    static ApiRoute open(String method, String path, String name, ApiHandler handler) {
        return new ApiRoute(method, new PathTemplate(path), name, null, handler, false);
    }

    /** Whether a retry of this route's request may be answered from its {@code Idempotency-Key}. */
    boolean takesIdempotencyKey() {
        return method.equals("POST") || method.equals("PUT");
    }
}
