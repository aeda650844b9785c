package org.haven.server.api;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request to the server API as the transport read it: the method, the path without its
 * query, the headers (names in lower case, the first value of each) and the whole body. Immutable.
 */
public record ApiRequest(String method, String path, Map<String, String> headers, byte[] body) {

    public ApiRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(body, "body");
        Map<String, String> lower = new TreeMap<>();
        headers.forEach((name, value) -> lower.putIfAbsent(name.toLowerCase(Locale.ROOT), value));
        headers = Map.copyOf(lower);
    }

    /** The header's first value, or {@code null}; {@code name} in any case. */
    public @Nullable String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
