package org.haven.server.api;

import org.haven.protocol.ErrorCode;
import org.jspecify.annotations.Nullable;

/**
 * Every error the server API answers, with its HTTP status: the protocol's {@link ErrorCode} wire
 * codes where they mean the same, and the few only HTTP has. The body is always
 * {@code {"error":{"code":"<code>","message":"..."}}}; docs/openapi.json lists exactly these codes
 * ({@code OpenApiDocumentTest}).
 */
public enum ApiError {
    /** The body is not JSON. */
    MALFORMED_JSON(ErrorCode.MALFORMED_JSON.wire(), 400),
    /** A field is missing, of the wrong type or out of range; or a path parameter or header is invalid. */
    INVALID_MESSAGE(ErrorCode.INVALID_MESSAGE.wire(), 400),
    /** The JSON nests too deeply or holds an oversized number. */
    MESSAGE_TOO_COMPLEX(ErrorCode.MESSAGE_TOO_COMPLEX.wire(), 400),
    /** No service credential, or one that is invalid, expired, revoked, or a user's token. */
    UNAUTHORIZED("unauthorized", 401),
    /** The credential lacks the endpoint's scope, or the request names another organisation. */
    FORBIDDEN(ErrorCode.FORBIDDEN.wire(), 403),
    /** No such endpoint, or no such record visible to the service. */
    NOT_FOUND(ErrorCode.NOT_FOUND.wire(), 404),
    /** The path exists, not with this method ({@code Allow} lists those it has). */
    METHOD_NOT_ALLOWED("method_not_allowed", 405),
    /** The body is larger than the limit (that of a protocol frame, 64 KiB by default). */
    TOO_LARGE(ErrorCode.TOO_LARGE.wire(), 413),
    /** The alert's current state does not allow this step (acknowledging a resolved alert). */
    ILLEGAL_TRANSITION(ErrorCode.ILLEGAL_TRANSITION.wire(), 409),
    /**
     * An alert raised through the API reached the responders connected to the node serving the
     * organisation but is not confirmed stored yet: it goes on; retry with the same dedup key (it
     * joins) if it must be certain.
     */
    ALERT_UNCONFIRMED(ErrorCode.ALERT_UNCONFIRMED.wire(), 503),
    /** The {@code Idempotency-Key} was used before with another request. */
    IDEMPOTENCY_KEY_REUSED("idempotency_key_reused", 422),
    /** The node's stores are behind (or its API queue is full): nothing changed, try again shortly. */
    RATE_LIMITED(ErrorCode.RATE_LIMITED.wire(), 429),
    /** The server could not complete the request; it is logged under the reference in the message. */
    INTERNAL(ErrorCode.INTERNAL.wire(), 500),
    /**
     * The node serving the organisation could not be reached, or the organisation moved between
     * nodes during the call: nothing is known to have changed; retry (with the same
     * {@code Idempotency-Key}) after {@code Retry-After}.
     */
    UNAVAILABLE("unavailable", 503),
    /**
     * The endpoint needs what this node is not configured with: the audit export, a trail kept in the
     * database (a file trail holds every organisation's records in one chain).
     */
    NOT_CONFIGURED("not_configured", 501);

    private final String wire;
    private final int status;

    ApiError(String wire, int status) {
        this.wire = wire;
        this.status = status;
    }

    /** The code as the body carries it. */
    public String wire() {
        return wire;
    }

    /** The HTTP status it is answered with. */
    public int status() {
        return status;
    }

    /** The error whose body carries {@code wire}, or {@code null}. */
    static @Nullable ApiError ofWire(String wire) {
        for (ApiError error : values()) {
            if (error.wire.equals(wire)) {
                return error;
            }
        }
        return null;
    }

    /** The API error of a protocol refusal's code, or {@code null} when the API has none (a bug to fix: answered internal). */
    static @Nullable ApiError of(ErrorCode code) {
        for (ApiError error : values()) {
            if (error.wire.equals(code.wire())) {
                return error;
            }
        }
        return null;
    }
}
