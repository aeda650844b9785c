package org.haven.server.cluster;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Named leases shared by the nodes of a cluster: each held by at most one node at a time, for a
 * time-to-live unless its holder renews it. A node holds {@code node:<id>} while it lives, and the
 * lease of each organisation it serves ({@code org:<id>}); a lease its holder stops renewing (it
 * died, or lost the store) is free for any other node to take, atomically. An in-memory engine set
 * has a single node, which holds every lease.
 */
public interface Leases {

    /** This node's id, unique among running nodes. */
    String node();

    /**
     * Takes lease {@code name} when it is free, or renews it when this node holds it. Completes with
     * the id of the node holding it afterwards ({@link #node()} when this node does); fails when the
     * store cannot be reached.
     */
    CompletionStage<String> acquireOrRenew(String name);

    /** The node holding lease {@code name} now, if any. */
    CompletionStage<Optional<String>> holder(String name);

    /** Gives lease {@code name} up when this node holds it (a clean stop: another node takes it at once). */
    CompletionStage<Void> release(String name);

    /** The leases of a node that shares its engines with nobody: it holds them all. */
    static Leases sole(String node) {
        return new Leases() {
            @Override
            public String node() {
                return node;
            }

            @Override
            public CompletionStage<String> acquireOrRenew(String name) {
                return CompletableFuture.completedFuture(node);
            }

            @Override
            public CompletionStage<Optional<String>> holder(String name) {
                return CompletableFuture.completedFuture(Optional.of(node));
            }

            @Override
            public CompletionStage<Void> release(String name) {
                return CompletableFuture.completedFuture(null);
            }
        };
    }
}
