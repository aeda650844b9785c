package org.haven.client;

import org.haven.protocol.ErrorCode;
import org.haven.protocol.ServerMessage;

/** The server answered a request with an {@code error}; {@link #code()} is the documented code. */
public final class HavenErrorException extends RuntimeException {

    private final transient ServerMessage.Error error;

    public HavenErrorException(ServerMessage.Error error) {
        super(error.code().wire() + ": " + error.message(), null, false, false);
        this.error = error;
    }

    public ErrorCode code() {
        return error.code();
    }

    public ServerMessage.Error error() {
        return error;
    }
}
