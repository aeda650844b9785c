package org.haven.server.request;

import java.util.Objects;
import org.haven.protocol.ClientMessage;
import org.haven.server.auth.Principal;
import org.haven.server.connection.Connection;

/** One request: the message, who sent it, and how to answer it. */
public record Request<M extends ClientMessage>(M message, Caller caller, Reply reply) {

    public Request {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(reply, "reply");
    }

    public Principal principal() {
        return caller.principal();
    }

    public Connection connection() {
        return caller.connection();
    }
}
