package org.haven.server.session;

import java.util.concurrent.CompletionStage;
import org.haven.protocol.ClientMessage;
import org.haven.server.connection.Connection;

/** Where the relay opens the sessions of other nodes' connections ({@link SessionService}). */
@FunctionalInterface
public interface RelayedHellos {

    /**
     * The hello of a connection relayed from another node: opened here when this node serves the
     * organisation; {@link HelloOutcome.Relayed} (to be refused) when it moved meanwhile.
     */
    CompletionStage<HelloOutcome> helloAsOwner(Connection connection, ClientMessage.Hello hello);
}
