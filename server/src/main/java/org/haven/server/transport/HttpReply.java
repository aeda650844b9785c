package org.haven.server.transport;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What an HTTP route answers: a status, a content type, a whole body and any extra headers. */
record HttpReply(HttpResponseStatus status, String contentType, byte[] body, Map<String, String> headers) {

    static final String JSON = "application/json";

    HttpReply {
        headers = Map.copyOf(headers);
    }

    static HttpReply json(HttpResponseStatus status, String json) {
        return new HttpReply(status, JSON, json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static HttpReply error(HttpResponseStatus status, String code) {
        return json(status, "{\"error\":\"" + code + "\"}");
    }

    static HttpReply text(HttpResponseStatus status, String contentType, String text) {
        return new HttpReply(status, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static HttpReply redirect(String location) {
        return new HttpReply(
                HttpResponseStatus.FOUND, "text/plain; charset=utf-8", new byte[0], Map.of("Location", location));
    }
}
