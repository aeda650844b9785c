package org.haven.server.session;

import java.util.concurrent.CompletionStage;

/**
 * Which node serves an organisation, as a hello needs to know it: this node opens the session, any
 * other gets the connection relayed. Implemented by the cluster's ownership of organisations; a
 * single node serves every organisation.
 */
public interface Serving {

    /** This node's id. */
    String node();

    /** Whether this node serves {@code org} now, without asking the store. */
    boolean owns(String org);

    /** The node serving {@code org}, taking it for this node if nobody does. */
    CompletionStage<String> ownerOf(String org);
}
