package org.haven.server.api;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the server API answers: a status, a JSON body and any extra headers; for a refusal, the
 * {@link ApiError} its body names (the audit trail's outcome). A body of JSON lines (the audit
 * export) says so in its {@code Content-Type} header ({@link #jsonLines}); without one, it is
 * {@code application/json}. Immutable.
 */
public record ApiResponse(
        int status,
        String json,
        Map<String, String> headers,
        @Nullable ApiError error) {

    public ApiResponse {
        Objects.requireNonNull(json, "json");
        headers = Map.copyOf(headers);
    }

    /** A success: no error. */
    public ApiResponse(int status, String json, Map<String, String> headers) {
        this(status, json, headers, null);
    }

    /** A response as another node answered it: its error read from the code its body carries. */
    public static ApiResponse of(int status, String json, Map<String, String> headers, @Nullable String error) {
        return new ApiResponse(status, json, headers, error == null ? null : ApiError.ofWire(error));
    }

    /** The media type of a body of JSON texts, one a line. */
    public static final String JSON_LINES = "application/x-ndjson";

    /** A success whose body is {@code lines}, each ending with a line break, and {@code headers}. */
    static ApiResponse jsonLines(String lines, Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(headers);
        all.put("Content-Type", JSON_LINES);
        return new ApiResponse(200, lines, all);
    }

    /** The same response with one more header. */
    ApiResponse withHeader(String name, String value) {
        Map<String, String> more = new HashMap<>(headers);
        more.put(name, value);
        return new ApiResponse(status, json, more, error);
    }
}
