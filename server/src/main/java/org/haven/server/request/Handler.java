package org.haven.server.request;

import org.haven.protocol.ClientMessage;

/**
 * Handles one type of request. Answers through {@link Request#reply()}, now or later, from any
 * thread; may throw a {@link org.haven.protocol.Refusal} before it hands the work on (answered with
 * its code). Called on the connection's thread: a handler that waits for anything hands the work on.
 */
@FunctionalInterface
public interface Handler<M extends ClientMessage> {

    void handle(Request<M> request);
}
