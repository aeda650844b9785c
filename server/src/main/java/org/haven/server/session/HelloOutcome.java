package org.haven.server.session;

import org.haven.protocol.CloseCode;
import org.haven.server.auth.Principal;

/** What became of a connection's {@code hello}: a session, or a close code. */
public sealed interface HelloOutcome {

    /** The token was accepted; the welcome has been sent. */
    record Accepted(Session session) implements HelloOutcome {}

    /**
     * The token was accepted, and another node serves the user's organisation: the connection is
     * relayed to {@code owner}, which answers the hello; {@code principal} is who the token says.
     */
    record Relayed(String owner, Principal principal) implements HelloOutcome {

        /** The organisation {@code owner} serves. */
        public String org() {
            return principal.org();
        }
    }

    /** The hello was refused; the connection must close with {@code code}. */
    record Refused(CloseCode code, String reason) implements HelloOutcome {}
}
