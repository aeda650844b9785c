package org.haven.server.api;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.ProtocolCodec;
import org.haven.protocol.Refusal;
import org.haven.server.auth.ServicePrincipal;
import org.jspecify.annotations.Nullable;

/**
 * What an endpoint sees of one call: the service calling (verified, not revoked, holding the
 * route's scope), the path's parameters, the query's, and the body, read with the protocol's strict
 * reader.
 * An endpoint may name what the call concerns for the audit trail ({@link #subject}) and add a few
 * opaque details to its record ({@link #detail}).
 *
 * <p>Threading: one call, on the API's thread, then on the completions of what its handler waits
 * for (a store's thread), one after the other.
 */
public final class ApiCall {

    private final @Nullable ServicePrincipal service;
    private final Map<String, String> parameters;
    private final Map<String, String> query;
    private final byte[] body;
    private @Nullable String subject;
    private final Map<String, String> details = new TreeMap<>();

    ApiCall(@Nullable ServicePrincipal service, Map<String, String> parameters, byte[] body) {
        this(service, parameters, Map.of(), body);
    }

    ApiCall(
            @Nullable ServicePrincipal service,
            Map<String, String> parameters,
            Map<String, String> query,
            byte[] body) {
        this.service = service;
        this.parameters = Map.copyOf(parameters);
        this.query = Map.copyOf(query);
        this.body = body;
    }

    /** The service calling; a public route has none. */
    public ServicePrincipal service() {
        return Objects.requireNonNull(service, "a public route has no service");
    }

    /** The value of path parameter {@code name} (decoded, checked non-empty). */
    public String param(String name) {
        String value = parameters.get(name);
        if (value == null) {
            throw new IllegalArgumentException("the route's template has no parameter " + name);
        }
        return value;
    }

    /** The query parameter {@code name}'s first value (decoded), or {@code null} when absent. */
    public @Nullable String query(String name) {
        return query.get(name);
    }

    /** The names of the query's parameters, to refuse one the endpoint does not take. */
    public Set<String> queryNames() {
        return query.keySet();
    }

    /**
     * The body as a {@code type}, read with the protocol's limits; refused with {@code malformed_json},
     * {@code message_too_complex} or {@code invalid_message} (the failing field named, never its value).
     */
    public <T> T body(Class<T> type) {
        return ProtocolCodec.instance().decodeBody(new String(body, StandardCharsets.UTF_8), type);
    }

    /**
     * A protocol record built from the call: its constructor's checks are the protocol's, and a
     * failed one is refused {@code invalid_message} with its words.
     */
    public <T> T validated(Supplier<T> record) {
        try {
            return record.get();
        } catch (IllegalArgumentException e) {
            throw new Refusal(
                    ErrorCode.INVALID_MESSAGE, e.getMessage() == null ? "a field is missing" : e.getMessage());
        }
    }

    /** Names what the call concerns in its audit record (opaque ids only), instead of its path's parameters. */
    public void subject(String subject) {
        this.subject = subject;
    }

    @Nullable
    String subject() {
        return subject;
    }

    /** Adds an opaque detail (an id, a count, a time; never content) to the call's audit record. */
    public void detail(String key, String value) {
        details.put(key, value);
    }

    /** The details added, in key order. */
    Map<String, String> details() {
        return Map.copyOf(details);
    }
}
