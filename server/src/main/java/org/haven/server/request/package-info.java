/**
 * How a client's request reaches its feature and is answered, the same way for every message
 * type: each feature registers a {@link org.haven.server.request.Handler} per message type in
 * {@link org.haven.server.request.Handlers}; a handler gets a {@link org.haven.server.request.Request}
 * (the message, its {@link org.haven.server.request.Caller}, and its
 * {@link org.haven.server.request.Reply}) and answers through the reply, from whichever thread it
 * finishes on: ok with a result, a refusal with a documented error code, or {@code internal} for
 * a failure (logged with a reference, never a stack trace to the client).
 */
@NullMarked
package org.haven.server.request;

import org.jspecify.annotations.NullMarked;
