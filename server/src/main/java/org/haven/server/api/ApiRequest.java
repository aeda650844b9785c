package org.haven.server.api;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request to the server API as the transport read it: the method, the path without its
 * query, the query's parameters (decoded, the first value of each), the headers (names in lower
 * case, the first value of each) and the whole body.
 *
 * <p>Threading: immutable (the body is the caller's copy, never changed).
 */
public final class ApiRequest {

    private final String method;
    private final String path;
    private final Map<String, String> query;
    private final Map<String, String> headers;
    private final byte[] body;

    /** A request with no query. */
    public ApiRequest(String method, String path, Map<String, String> headers, byte[] body) {
        this(method, path, Map.of(), headers, body);
    }

    public ApiRequest(String method, String path, Map<String, String> query, Map<String, String> headers, byte[] body) {
        this.method = Objects.requireNonNull(method, "method");
        this.path = Objects.requireNonNull(path, "path");
        this.query = Map.copyOf(query);
        this.body = Objects.requireNonNull(body, "body");
        Map<String, String> lower = new TreeMap<>();
        headers.forEach((name, value) -> lower.putIfAbsent(name.toLowerCase(Locale.ROOT), value));
        this.headers = Map.copyOf(lower);
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** The query's parameters: name to its first value, decoded. */
    public Map<String, String> query() {
        return query;
    }

    /** The headers: names in lower case, the first value of each. */
    public Map<String, String> headers() {
        return headers;
    }

    /** A copy of the body's bytes (to send the call elsewhere). */
    public byte[] bodyCopy() {
        return body.clone();
    }

    /** The body's bytes (empty when none); not to be changed. */
    byte[] body() {
        return body;
    }

    /** The header's first value, or {@code null}; {@code name} in any case. */
    public @Nullable String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
