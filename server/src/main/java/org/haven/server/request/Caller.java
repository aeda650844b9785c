package org.haven.server.request;

import org.haven.server.auth.Principal;
import org.haven.server.connection.Connection;

/** Who sent a request: the principal of the token in force, and the connection it came through. */
public interface Caller {

    /** The principal of the token in force now (a refresh may have replaced it). */
    Principal principal();

    Connection connection();
}
