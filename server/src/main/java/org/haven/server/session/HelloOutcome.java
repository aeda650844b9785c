package org.haven.server.session;

import org.haven.protocol.CloseCode;

/** What became of a connection's {@code hello}: a session, or a close code. */
public sealed interface HelloOutcome {

    /** The token was accepted; the welcome has been sent. */
    record Accepted(ClientSession session) implements HelloOutcome {}

    /** The hello was refused; the connection must close with {@code code}. */
    record Refused(CloseCode code, String reason) implements HelloOutcome {}
}
