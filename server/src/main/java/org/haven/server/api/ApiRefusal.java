package org.haven.server.api;

import java.util.Map;
import java.util.Objects;

/**
 * A request the server API refuses with a documented {@link ApiError}, thrown by the framework and
 * by endpoints alike and answered as its JSON error body. Stackless: it is an answer, not a fault.
 *
 * <p>Threading: immutable.
 */
public final class ApiRefusal extends RuntimeException {

    private final ApiError error;
    private final Map<String, String> headers;

    public ApiRefusal(ApiError error, String message) {
        this(error, message, Map.of());
    }

    ApiRefusal(ApiError error, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.error = Objects.requireNonNull(error, "error");
        this.headers = Map.copyOf(headers);
    }

    public ApiError error() {
        return error;
    }

    /** The response: the error's status, its JSON body and headers. */
    public ApiResponse toResponse() {
        return new ApiResponse(error.status(), ApiJson.error(error, String.valueOf(getMessage())), headers, error);
    }
}
