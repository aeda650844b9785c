package org.haven.server.transport;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.haven.server.api.ApiError;
import org.haven.server.api.ApiRefusal;
import org.haven.server.api.ApiRequest;
import org.haven.server.api.ApiResponse;
import org.haven.server.api.ServiceApi;

/**
 * Everything under {@code /api/}: the request copied out of Netty's buffers into an
 * {@link ApiRequest} (the caller releases it as soon as this returns), the {@link ServiceApi}'s
 * answer written back. The API itself knows no Netty.
 */
final class ApiEndpoint implements HttpEndpoint {

    private final ServiceApi api;

    ApiEndpoint(ServiceApi api) {
        this.api = api;
    }

    @Override
    public CompletionStage<HttpReply> handle(FullHttpRequest request) {
        Map<String, String> headers = new HashMap<>();
        request.headers().forEach(h -> headers.putIfAbsent(h.getKey(), h.getValue()));
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        Map<String, String> query = new HashMap<>();
        try {
            uri.parameters().forEach((name, values) -> {
                if (!values.isEmpty()) {
                    query.put(name, values.get(0));
                }
            });
        } catch (IllegalArgumentException badEscape) {
            return CompletableFuture.completedFuture(reply(
                    new ApiRefusal(ApiError.INVALID_MESSAGE, "the query string is not well encoded").toResponse()));
        }
        ApiRequest call = new ApiRequest(
                request.method().name(), uri.rawPath(), query, headers, ByteBufUtil.getBytes(request.content()));
        return api.handle(call).thenApply(ApiEndpoint::reply);
    }

    /** The reply of {@code r}: JSON, unless its {@code Content-Type} header names another type. */
    private static HttpReply reply(ApiResponse r) {
        Map<String, String> headers = new HashMap<>(r.headers());
        String type = headers.remove("Content-Type");
        return new HttpReply(
                HttpResponseStatus.valueOf(r.status()),
                type == null ? HttpReply.JSON : type,
                r.json().getBytes(StandardCharsets.UTF_8),
                headers);
    }
}
