package org.haven.server.transport;

import io.netty.handler.codec.http.FullHttpRequest;

/**
 * One HTTP route. It answers on the event loop from what it holds in memory, so it must not block;
 * the request is released by the caller.
 */
@FunctionalInterface
interface HttpEndpoint {

    HttpReply handle(FullHttpRequest request);
}
