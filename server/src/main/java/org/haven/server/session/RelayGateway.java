package org.haven.server.session;

import org.haven.protocol.ClientMessage;
import org.haven.server.auth.Principal;
import org.haven.server.connection.Connection;

/**
 * Where the transport hands a connection whose session runs on another node (the cluster's relay):
 * the transport knows only this, not the cluster.
 */
public interface RelayGateway {

    /**
     * Relays {@code local}, authenticated as {@code principal}, to {@code owner}, which serves the
     * principal's organisation, starting with its hello.
     */
    Relayed open(Connection local, String owner, Principal principal, ClientMessage.Hello hello);

    /** A connection of this node whose session runs on another. */
    interface Relayed {

        /** Forwards a request. */
        void forward(ClientMessage message);

        /** The client's connection ended ({@code abrupt}: without a close handshake). */
        void closed(boolean abrupt);
    }
}
