package org.haven.server.api;

import org.haven.protocol.ProtocolCodec;

/**
 * The API's JSON out: bodies encoded by the protocol's one codec, as frames carry the same records.
 *
 * <p>Threading: stateless, any thread.
 */
final class ApiJson {

    /** An error body: {@code {"error":{"code":"...","message":"..."}}}. */
    record ErrorBody(Detail error) {}

    /** What an error body says: its code and plain words that never quote the request back. */
    record Detail(String code, String message) {}

    private ApiJson() {}

    static String encode(Object body) {
        return ProtocolCodec.instance().encodeValue(body);
    }

    static String error(ApiError error, String message) {
        return encode(new ErrorBody(new Detail(error.wire(), message)));
    }
}
