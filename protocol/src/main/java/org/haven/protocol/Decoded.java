package org.haven.protocol;

/**
 * The outcome of decoding one text frame: a message, or a documented error to send back. Bad
 * input is a value, never an exception, so no stack trace can reach a client.
 */
public sealed interface Decoded {

    /** The frame held a well-formed message. */
    record Message(ClientMessage message) implements Decoded {}

    /**
     * The frame was refused; {@code id} is the request id when one could be read (so the error can
     * name it as {@code re}), otherwise {@code null}.
     */
    record Invalid(String id, ErrorCode code, String reason) implements Decoded {
        /** The error reply for this refusal. */
        public ServerMessage.Error toError() {
            return new ServerMessage.Error(id, code, reason);
        }
    }
}
