package org.haven.server.transport;

import io.netty.handler.codec.http.FullHttpRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One HTTP route. It runs on the event loop, so it must not block; the request is released by the
 * caller once {@link #handle} returns.
 */
@FunctionalInterface
interface HttpEndpoint {

    /**
     * The answer to {@code request}, read before this returns (the request is released then). Most
     * answer at once; one that needs other nodes completes later, never blocking the event loop.
     */
    CompletionStage<HttpReply> handle(FullHttpRequest request);

    /** An endpoint that answers at once. */
    static HttpEndpoint now(Function<FullHttpRequest, HttpReply> answer) {
        return request -> CompletableFuture.completedFuture(answer.apply(request));
    }
}
