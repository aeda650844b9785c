package org.haven.protocol;

/**
 * A request refused with a documented code: thrown (without a stack trace) by feature services
 * and turned into an {@code error} reply at the edge.
 */
public final class Refusal extends RuntimeException {

    private final ErrorCode code;

    public Refusal(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /** The error reply to request {@code re}. */
    public ServerMessage.Error toError(String re) {
        return new ServerMessage.Error(re, code, getMessage());
    }
}
