package org.haven.server.api;

import java.util.Objects;
import java.util.Set;
import org.haven.server.auth.Scope;
import org.jspecify.annotations.Nullable;

/**
 * One row of the routes table ({@link ApiRoutes}): a method and a path template, the endpoint's name
 * (its audit action is {@code api.<name>}), the scope a service credential needs ({@code null}: a
 * public route, no credential), and the handler.
 */
public record ApiRoute(
        String method,
        PathTemplate path,
        String name,
        @Nullable Scope scope,
        ApiHandler handler) {

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE");

    public ApiRoute {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(handler, "handler");
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("method: " + method + " (expected: one of " + METHODS + ")");
        }
    }

    /** A route a service credential with {@code scope} may call. */
    static ApiRoute of(String method, String path, String name, Scope scope, ApiHandler handler) {
        return new ApiRoute(method, new PathTemplate(path), name, Objects.requireNonNull(scope, "scope"), handler);
    }

    /** A route anyone may call, with no credential (the API's description). */
    static ApiRoute open(String method, String path, String name, ApiHandler handler) {
        return new ApiRoute(method, new PathTemplate(path), name, null, handler);
    }

    /** Whether a retry of this route's request may be answered from its {@code Idempotency-Key}. */
    boolean takesIdempotencyKey() {
        return method.equals("POST") || method.equals("PUT");
    }
}
