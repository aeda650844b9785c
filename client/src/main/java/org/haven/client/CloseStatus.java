package org.haven.client;

import org.haven.protocol.CloseCode;

/**
 * How a connection ended: the close code and reason the server sent, or {@code code} -1 when the
 * TCP connection ended without a close frame.
 */
public record CloseStatus(int code, String reason) {

    /** The documented code, or {@code null} for codes Haven does not define (or -1). */
    public CloseCode known() {
        return CloseCode.of(code);
    }
}
